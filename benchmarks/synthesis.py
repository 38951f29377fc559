"""The sign synthesiser over every real notated sign we can reach (issue 18, figures).

    python benchmarks/synthesis.py [--data ../shared/data]

Sets: the 1,364 DSGS signs of the installed `signwriting` package (first gloss of each entry),
Ham2Pose's 5,752 HamNoSys strings and the 2,203 NGT gestural SiGML files (both from
`../shared/data`, skipped with a note where it is absent). Prints per set how many signs are
animated in full (no construct reported as not animated) and the constructs that are not, by
count; for DSGS also synthesis
frames/s on one core beside the lexicon generator's (fingerspelling, same run, same fps);
median isolated-sign duration (target 0.6–1.1 s; ASL-LEX's median is 0.83 s); the share of
frames with a hand point inside the synthesiser's own torso/head volumes (target ≤ 1 %); and
the wrist speed p99 (target ≤ 2.5 m/s). Plausibility is measured on the keypoints here, not
after retargeting.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from signllm.errors import BadInputError  # noqa: E402
from signllm.languages import get_language  # noqa: E402
from signllm.lexicon import LexiconGenerator  # noqa: E402
from signllm.notation import parse_hamnosys, read_sigml  # noqa: E402
from signllm.sign_lexicon import builtin_dsgs, describe  # noqa: E402
from signllm.skeleton import L_WRIST, R_WRIST  # noqa: E402
from signllm.synthesis import Body, synthesise  # noqa: E402

FPS = 25.0


def coverage(name: str, descriptions) -> None:
    """Signs animated in full, and the constructs that are not, over one set."""
    missing, full, count, unread = collections.Counter(), 0, 0, 0
    for desc in descriptions:
        if desc is None:
            unread += 1
            continue
        seq = synthesise(desc, fps=FPS)
        names = {u.split(":")[0] for u in seq.meta["unsupported"]}
        count += 1
        full += not names
        missing.update(names)
    print(f"{name}: {count} signs read ({unread} unreadable); animated in full {full} "
          f"({100 * full / max(count, 1):.1f} %)")
    for construct, n in missing.most_common(12):
        print(f"  {n:5d}  {construct}")


def _ham2pose(path: Path):
    for key, entry in json.loads(path.read_text("utf-8")).items():
        try:
            yield parse_hamnosys(entry["hamnosys"], source=key)
        except BadInputError:
            yield None


def _ngt(folder: Path):
    for path in sorted(folder.glob("*.sigml")):
        try:
            yield from read_sigml(path, source=path.name)
        except BadInputError:
            yield None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
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
    ham2pose, ngt = args.data / "hamnosys" / "ham2pose-data.json", args.data / "sigml-ngt"
    for name, source, items in (("Ham2Pose", ham2pose, _ham2pose), ("NGT gestural SiGML", ngt, _ngt)):
        if source.exists():
            coverage(name, items(source))
        else:
            print(f"{name}: skipped, {source} not found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
