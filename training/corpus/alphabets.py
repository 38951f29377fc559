"""Build `signllm/assets/alphabets.json`: for each covered language, which clip signs which letter
and where its hold lies.

Why precomputed: the lexicon generator must start in well under a second, so the analysis of
the 600 clips (which hand signs, where the hand is up and still) is done once here, and only
the small index ships; the clips themselves stay in the installed `spoken-to-signed` package.

    python -m training.corpus.alphabets [--out signllm/assets/alphabets.json]
"""
from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np
from tqdm import tqdm

from signllm.atomic import atomic_open
from signllm.fingerspelling import ALPHABET_SOURCES
from signllm.formats import read
from signllm.languages import get_language
from signllm.lexicon import package_alphabet_dir
from signllm.skeleton import L_HAND, R_HAND
from signllm.text import letter_upper
from training.entry import entry_point

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "signllm" / "assets" / "alphabets.json"
SLOW_MPS = 0.5        # the hand is "holding" below this speed (m/s); rest<->sign moves are faster
TRACKED_SHARE = 0.5   # a hand tracked in more than half the clip signs the letter
MOVING_M = 0.15       # hand path inside the hold above this: the letter moves (J, Z, doubles)


def analyse_clip(path: Path) -> dict:
    """Hold span, signing hands and movement of one letter clip.

    Each clip raises the hand from rest, forms the letter, and drops it again. The hold is the
    span from the first to the last frame where the signing hand moves slower than SLOW_MPS:
    this cuts the rest<->sign movements but keeps the movement of letters such as J and Z.
    """
    seq = read(path)[0]
    joints, conf = seq.joints, seq.confidence
    sides = [side for side, hand in (("left", L_HAND), ("right", R_HAND))
             if (conf[:, hand[0]] > 0).mean() > TRACKED_SHARE]
    if not sides:
        raise ValueError(f"{path}: no hand is tracked in this clip")
    points = np.concatenate([L_HAND if s == "left" else R_HAND for s in sides])
    tracked = (conf[:, points] > 0).all(axis=1)
    speed = np.full(len(joints), np.inf)
    step = np.linalg.norm(np.diff(joints[:, points], axis=0), axis=-1).mean(axis=-1) * seq.fps
    speed[1:] = np.where(tracked[1:] & tracked[:-1], step, np.inf)
    slow = np.flatnonzero(speed < SLOW_MPS)
    if len(slow) == 0:
        slow = np.array([int(np.argmin(speed))])
    start, end = int(slow[0]), int(slow[-1]) + 1
    path_m = float(np.linalg.norm(np.diff(joints[start:end, points], axis=0), axis=-1).mean(-1).sum())
    return {"start": start, "end": end, "fps": float(seq.fps),
            "hands": "both" if len(sides) == 2 else sides[0],
            "motion_m": round(path_m, 3) if path_m > MOVING_M else 0.0}


def build_index(root: Path, languages: list[str] | None = None, progress: bool = True) -> dict:
    with open(root / "index.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    index = {}
    todo = [(code, src) for code, (src, _, _) in ALPHABET_SOURCES.items()
            if languages is None or code in languages]
    for code, source in tqdm(todo, desc="alphabets", disable=not progress):
        spoken = get_language(code).spoken
        letters = {}
        for row in rows:
            if row["signed_language"] != source:
                continue
            unit = letter_upper(row["words"].strip(), spoken)
            letters[unit] = {"path": row["path"], **analyse_clip(root / row["path"])}
        index[code] = {"source": source, "spoken": spoken, "letters": letters}
    return index


@entry_point
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the index")
    parser.add_argument("--lexicon-dir", type=Path, default=None,
                        help="spoken-to-signed's fingerspelling_lexicon folder (default: installed)")
    args = parser.parse_args(argv)
    index = build_index(args.lexicon_dir or package_alphabet_dir())
    with atomic_open(args.out) as handle:
        json.dump(index, handle, ensure_ascii=False, indent=1, sort_keys=True)
    args.out.chmod(0o644)  # package data: readable by every user of an installed copy
    print(f"wrote {args.out}: " + ", ".join(f"{k} {len(v['letters'])} letters" for k, v in index.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
