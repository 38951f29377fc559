"""The preview strip of common DSGS signs in docs (front and side), from the synthesiser's keypoints.

    python benchmarks/sign_strip.py [-o docs/img/signs-dsgs.png]

Each column is one sign of the built-in lexicon; its frames are drawn over each other, faint to
strong in time (the dominant hand red, the other blue, the body black), front view above and
side view below (+Z, the signer's front, to the right); the front view faces the signer (their right hand on the left). The torso and head volumes the
synthesiser keeps hands out of are drawn in grey.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from signllm.sign_lexicon import builtin_dsgs, describe  # noqa: E402
from signllm.skeleton import L_HAND, PROMPT2SIGN_50, R_HAND  # noqa: E402
from signllm.synthesis import Body, synthesise  # noqa: E402

GLOSSES = ("KINDER", "KLEIN", "HAUS", "GUTEN_MORGEN", "HEUTE", "VATER", "TRINKEN", "FREUND")


def _bones(ax, joints, axes, alpha):
    for child, parent in enumerate(PROMPT2SIGN_50.parents):
        if parent < 0:
            continue
        colour = "tab:red" if child in R_HAND else "tab:blue" if child in L_HAND else "black"
        ax.plot(joints[[child, parent], axes[0]], joints[[child, parent], axes[1]], color=colour,
                lw=1.0, alpha=alpha)


def main() -> int:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Ellipse, Rectangle

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "img" / "signs-dsgs.png")
    args = ap.parse_args()
    lexicon, body = builtin_dsgs(), Body()
    fig, axes = plt.subplots(2, len(GLOSSES), figsize=(2.2 * len(GLOSSES), 4.6))
    for column, gloss in enumerate(GLOSSES):
        sign = next(s for s in lexicon.signs if s.gloss == gloss)
        joints = synthesise(describe(sign)).joints
        for row, (view, dims) in enumerate((("front", (0, 1)), ("side", (2, 1)))):
            ax = axes[row, column]
            if view == "front":
                ax.add_patch(Rectangle((-body.torso_half_width, body.torso_bottom),
                                       2 * body.torso_half_width,
                                       body.torso_top - body.torso_bottom, fill=False, color="0.8"))
                centre, radii = (body.head_centre[0], body.head_centre[1]), body.head_radii[:2]
            else:
                ax.add_patch(Rectangle((body.torso_centre_z - body.torso_half_depth, body.torso_bottom),
                                       2 * body.torso_half_depth,
                                       body.torso_top - body.torso_bottom, fill=False, color="0.8"))
                centre = (body.head_centre[2], body.head_centre[1])
                radii = (body.head_radii[2], body.head_radii[1])
            ax.add_patch(Ellipse(centre, 2 * radii[0], 2 * radii[1], fill=False, color="0.8"))
            for t in np.linspace(0, len(joints) - 1, 6).astype(int):
                _bones(ax, joints[t], dims, 0.15 + 0.85 * t / max(len(joints) - 1, 1))
            ax.set_aspect("equal")
            ax.set_xlim((-0.45, 0.45) if view == "front" else (-0.3, 0.6))
            ax.set_ylim(-0.7, 0.45)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(gloss, fontsize=9)
            if column == 0:
                ax.set_ylabel(view if view == "front" else "side (+z right)", fontsize=8)
    fig.tight_layout()
    fig.savefig(args.output, dpi=80)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
