"""The sign synthesiser over the whole built-in DSGS lexicon (issue 18, figures).

    python benchmarks/synthesis.py

Prints, for the 1,364 DSGS signs (first gloss of each entry): how many are animated in full (no
construct reported as not animated) and the constructs that are not, by count; synthesis
frames/s on one core beside the lexicon generator's (fingerspelling, same run, same fps);
median isolated-sign duration (target 0.6–1.1 s; ASL-LEX's median is 0.83 s); the share of
frames with a hand point inside the synthesiser's own torso/head volumes (target ≤ 1 %); and
the wrist speed p99 (target ≤ 2.5 m/s). Plausibility is measured on the keypoints here, not
after retargeting.
"""
from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from signllm.languages import get_language  # noqa: E402
from signllm.lexicon import LexiconGenerator  # noqa: E402
from signllm.sign_lexicon import builtin_dsgs, describe  # noqa: E402
from signllm.skeleton import L_WRIST, R_WRIST  # noqa: E402
from signllm.synthesis import Body, synthesise  # noqa: E402

FPS = 25.0


def main() -> int:
    entries = {}
    for sign in builtin_dsgs().signs:
        entries.setdefault(sign.source, sign)
    descriptions = [describe(s) for s in entries.values()]
    t0 = time.perf_counter()
    sequences = [synthesise(d, fps=FPS) for d in descriptions]
    synth_s = time.perf_counter() - t0
    frames = sum(s.num_frames for s in sequences)

    generator = LexiconGenerator(builtin_signs=False)
    sentences = ["Guten Morgen", "Schöne Sache", "Wie heisst du", "Danke vielmals"] * 5
    t0 = time.perf_counter()
    base_frames = sum(generator.generate(t, get_language("sgg"), seed=i).num_frames
                      for i, t in enumerate(sentences))
    base_s = time.perf_counter() - t0

    body = Body()
    missing = collections.Counter()
    full = 0
    inside = 0
    speeds = []
    for seq in sequences:
        names = {u.split(":")[0] for u in seq.meta["unsupported"]}
        full += not names
        missing.update(names)
        inside += int(body.inside_body(seq.joints[:, 8:]).any(axis=1).sum())
        speeds.append(np.linalg.norm(np.diff(seq.joints[:, [R_WRIST, L_WRIST]], axis=0), axis=-1) * FPS)
    speed = np.concatenate([s.ravel() for s in speeds])
    durations = [s.duration for s in sequences]
    print(f"DSGS signs: {len(sequences)}; animated in full {full} ({100 * full / len(sequences):.1f} %)")
    print(f"synthesis: {frames} frames in {synth_s:.2f} s = {frames / synth_s:,.0f} frames/s "
          f"(lexicon generator, same run: {base_frames / base_s:,.0f} frames/s)")
    print(f"median sign duration {np.median(durations):.2f} s (p10 {np.percentile(durations, 10):.2f}, "
          f"p90 {np.percentile(durations, 90):.2f})")
    print(f"frames with a hand point inside torso/head: {100 * inside / frames:.2f} %")
    print(f"wrist speed p99 {np.percentile(speed, 99):.2f} m/s, max {speed.max():.2f} m/s")
    print("not animated (signs):")
    for name, count in missing.most_common():
        print(f"  {count:5d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
