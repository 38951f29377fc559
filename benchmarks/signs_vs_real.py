"""Synthesised DSGS signs against real recordings of the same signs (issue 18, "against real signing").

    python benchmarks/signs_vs_real.py [--data ../shared/data/dsgs-lexical-poses]

The four real DSGS lexical clips (MediaPipe Holistic `.pose`, spoken-to-signed's lexicon layout:
ESSEN, KINDER, KLEINE, PIZZA) are compared with the synthesiser's KINDER and KLEIN from the
built-in lexicon. Both sides are normalised for body size (neck at the origin, shoulder width 1)
and compared in the image plane (x, y: the clips' depth is not measured), on the arms and hands,
by DTW-MJE. A synthesised sign should be closer to its own clip than to the other three and than
the mean-pose floor (the clip's own mean pose held for its length). Prints the distance table.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from signllm.formats import read  # noqa: E402
from signllm.lexicon import fill_gaps  # noqa: E402
from signllm.metrics import dtw_mje  # noqa: E402
from signllm.sign_lexicon import builtin_dsgs, describe  # noqa: E402
from signllm.skeleton import L_HAND, L_SHOULDER, NECK, R_HAND, R_SHOULDER  # noqa: E402
from signllm.synthesis import synthesise  # noqa: E402

ARMS_AND_HANDS = np.r_[2:8, L_HAND, R_HAND]
SYNTHESISED = {"KINDER": "kinder", "KLEIN": "kleine"}   # gloss -> its real clip


def normalised(joints: np.ndarray) -> np.ndarray:
    """Neck at the origin, shoulder width 1, image plane only, arms and hands."""
    joints = joints - joints[:, [NECK]]
    width = np.linalg.norm(joints[:, R_SHOULDER] - joints[:, L_SHOULDER], axis=-1).mean()
    joints = joints / width
    joints[..., 2] = 0.0
    return joints[:, ARMS_AND_HANDS]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "dsgs-lexical-poses")
    args = ap.parse_args(argv)
    clips = {}
    for path in sorted((args.data / "sgg").glob("*.pose")):
        seq = read(path)[0]
        clips[path.stem] = normalised(fill_gaps(seq.joints, seq.confidence))
    lexicon = builtin_dsgs()
    print(f"real clips: {', '.join(f'{k} ({len(v)} frames)' for k, v in clips.items())}")
    header = "| synthesised | frames | " + " | ".join(clips) + " | mean-pose floor (own clip) | own clip closest | below the floor |"
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    ok = True
    for gloss, own in SYNTHESISED.items():
        sign = next(s for s in lexicon.signs if s.gloss == gloss)
        fps = read(args.data / "sgg" / f"{own}.pose")[0].fps
        hyp = normalised(synthesise(describe(sign), fps=fps).joints)
        distances = {name: dtw_mje(hyp, ref) for name, ref in clips.items()}
        floor = dtw_mje(np.repeat(clips[own].mean(0)[None], len(clips[own]), 0), clips[own])
        closest = min(distances, key=distances.get) == own
        below = distances[own] < floor
        ok &= closest and below
        print(f"| {gloss} ({sign.notation and len(sign.notation)} symbols) | {len(hyp)} | "
              + " | ".join(f"{d:.3f}" for d in distances.values()) + f" | {floor:.3f} | "
              + ("yes" if closest else "NO") + " | " + ("yes" if below else "NO") + " |")
    print("distances in shoulder widths (DTW-MJE over arms and hands, image plane)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
