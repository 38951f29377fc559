"""Gloss error rate (GER) on the lexical DSGS corpus's two test sets, with ceiling and floors.

    python benchmarks/gloss_error_rate.py --corpus runs/corpus_sgg [--recognizer PATH]
        [--limit 200] [--json out.json]

The continuous sign recogniser (training/recognizer/gloss.py, trained on the corpus's
ground-truth train poses only; `python -m training.recognizer.train_gloss`) reads back the
gloss sequence of:
  ceiling     the test poses themselves (what a perfect generator would give)
  floor-mean  the mean pose of the test set, held for the reference's length
  floor-other another test item's poses (a real signing of the wrong sentence)
on both test sets:
  test         held-out whole sentences (gloss sequences never trained on)
  test_bigram  items with a held-out sign bigram (each sign trained, the combination never)
GER = total gloss edit distance / total reference glosses (rapidfuzz); a fingerspelled word is
one gloss. Generated poses of a model (MLSF, Prompt2LangGloss) are scored the same way once
they are trained on this corpus (issue 19); the target there is <= 1.5 x the ceiling.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from training.recognizer.gloss import (GlossRecognizer, gloss_error_rate, gloss_errors,  # noqa: E402
                                       gloss_tokens)
from training.recognizer.train_gloss import DEFAULT_OUT, language_folder, load_split  # noqa: E402

TEST_SETS = ("test", "test_bigram")


def conditions(items) -> dict[str, list[np.ndarray]]:
    truth = [j for j, _ in items]
    mean_pose = np.concatenate(truth).mean(axis=0)
    return {"ceiling": truth,
            "floor-mean": [np.repeat(mean_pose[None], len(p), axis=0) for p in truth],
            "floor-other": truth[1:] + truth[:1]}


def evaluate_set(model: GlossRecognizer, items) -> dict:
    refs = [gloss_tokens(g) for _, g in items]
    result = {"items": len(items), "glosses": sum(len(r) for r in refs), "ger": {}, "errors": {}}
    for name, poses in conditions(items).items():
        hyps = [model.recognise(p) for p in poses]
        result["ger"][name] = gloss_error_rate(refs, hyps)
        result["errors"][name] = gloss_errors(refs, hyps)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True,
                        help="lexical corpus (python -m training.corpus.build --lexical)")
    parser.add_argument("--recognizer", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--limit", type=int, default=None, help="items per test set")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    model = GlossRecognizer.from_checkpoint(args.recognizer)
    folder = language_folder(args.corpus)
    report, start = {}, time.perf_counter()
    for split in TEST_SETS:
        items = load_split(folder, split)
        report[split] = evaluate_set(model, items[:args.limit] if args.limit else items)
    names = list(report["test"]["ger"])
    print(f"GER (gloss error rate, lower is better), recogniser {args.recognizer.name}, "
          f"{time.perf_counter() - start:.0f} s")
    print(f"{'test set':12} {'items':>5} {'glosses':>7}  " + "  ".join(f"{n:>11}" for n in names))
    for split, r in report.items():
        print(f"{split:12} {r['items']:5} {r['glosses']:7}  "
              + "  ".join(f"{r['ger'][n]:11.3f}" for n in names))
    print("edits (substitute/delete/insert):")
    for split, r in report.items():
        print(f"{split:12} " + "  ".join(
            f"{n}={e['substitute']}/{e['delete']}/{e['insert']}" for n, e in r["errors"].items()))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
