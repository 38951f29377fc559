"""Is lexical signing plausible after retargeting? (issue 18, "plausible motion")

    python benchmarks/lexical_plausibility.py [--sentences 100] [--limit N]

Inputs: every sign of the built-in DSGS lexicon synthesised on its own (first gloss of each
entry), and `--sentences` seeded DSGS sentences of 6-10 words drawn from the lexicon's words and
the PHOENIX sample's German texts, through every generator that takes DSGS (the lexicon
generator: signs + fingerspelling; the bundled SignLLM model: fingerspelling). Each is fitted
to the mannequin (`retarget.fit.fit_sequence`, defaults). Figures per set, after retargeting:

- inside: share of frames with a hand point (wrist + 21) or a forearm point (a quarter, half and
  three quarters of elbow → wrist) deeper than the fitted body's volume (`retarget/volume.py`),
  in the fitted torso's frame as `signer_plausibility.py` measures it (target ≤ 1 %);
- wrist speed p99 of the fitted keypoints (target ≤ 2.5 m/s);
- isolated signs: median duration (target 0.6-1.1 s; ASL-LEX's median is 0.83 s).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from retarget.body import load_body  # noqa: E402
from retarget.fit import fit_sequence  # noqa: E402
from retarget.volume import body_volume  # noqa: E402
from signer_plausibility import torso_points  # noqa: E402
from signllm.formats import read  # noqa: E402
from signllm.languages import get_language  # noqa: E402
from signllm.lexicon import LexiconGenerator  # noqa: E402
from signllm.sign_lexicon import builtin_dsgs, describe  # noqa: E402
from signllm.skeleton import L_ELBOW, L_HAND, L_WRIST, R_ELBOW, R_HAND, R_WRIST  # noqa: E402
from signllm.synthesis import synthesise  # noqa: E402

HANDS = np.r_[L_WRIST, R_WRIST, L_HAND, R_HAND]
PHOENIX = ROOT.parent / "shared" / "data" / "phoenix14t-pt-sample"


def sentences(n: int, seed: int = 0) -> list[str]:
    """n DSGS test sentences: the PHOENIX sample's texts, then 6-10 lexicon words at random."""
    texts = []
    for split in ("dev", "train"):
        path = PHOENIX / f"{split}.text"
        if path.is_file():
            texts += [t for t in path.read_text("utf-8").splitlines() if t.strip()]
    words = sorted({w for s in builtin_dsgs().signs for w in s.words if " " not in w and w.isalpha()})
    rng = random.Random(seed)
    while len(texts) < n:
        texts.append(" ".join(rng.sample(words, rng.randint(6, 10))))
    return texts[:n]


def measure(pose, body) -> dict:
    motion = fit_sequence(pose, body)
    q, kp = torso_points(motion, body)
    forearm = np.concatenate([q[:, [e]] + f * (q[:, [w]] - q[:, [e]])
                              for e, w in ((L_ELBOW, L_WRIST), (R_ELBOW, R_WRIST))
                              for f in (0.25, 0.5, 0.75)], axis=1)
    vol = body_volume(body, motion.betas)
    inside = vol.inside(np.concatenate([q[:, HANDS], forearm], axis=1)).any(1)
    speed = np.linalg.norm(np.diff(kp[:, [L_WRIST, R_WRIST]], axis=0), axis=-1) * pose.fps
    return {"inside": inside, "speed": speed.ravel(), "duration": pose.duration}


def report(name: str, rows: list[dict], seconds: float) -> None:
    inside = np.concatenate([r["inside"] for r in rows])
    speed = np.concatenate([r["speed"] for r in rows])
    print(f"{name}: {len(rows)} clips, {inside.size} frames ({seconds:.0f} s): inside "
          f"{100 * inside.mean():.2f} % of frames; wrist speed p99 {np.percentile(speed, 99):.2f} "
          f"m/s (max {speed.max():.2f}); median duration "
          f"{np.median([r['duration'] for r in rows]):.2f} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=100)
    ap.add_argument("--limit", type=int, help="only the first N lexicon signs")
    args = ap.parse_args()
    body = load_body()
    entries = {}
    for sign in builtin_dsgs().signs:
        entries.setdefault(sign.source, sign)
    signs = list(entries.values())[:args.limit]
    t = time.perf_counter()
    report("DSGS lexicon, isolated signs", [measure(synthesise(describe(s)), body) for s in signs],
           time.perf_counter() - t)
    texts, dsgs = sentences(args.sentences), get_language("sgg")
    generators = {"lexicon": LexiconGenerator(face=False)}
    try:
        from signllm.model.generator import load_signllm_generator
        generators["signllm"] = load_signllm_generator(mode="mlsf")
    except Exception as exc:  # a lean install without torch: say so, measure the rest
        print(f"signllm generator skipped: {exc}")
    for name, generator in generators.items():
        t = time.perf_counter()
        rows = [measure(generator.generate(text, dsgs, seed=i), body) for i, text in enumerate(texts)]
        report(f"{len(texts)} DSGS sentences, {name} generator", rows, time.perf_counter() - t)
    return 0


if __name__ == "__main__":
    sys.exit(main())
