"""Letter error rate (LER) of generated fingerspelling for held-out words, with ceiling and floors.

    python benchmarks/letter_error_rate.py --corpus corpus/ [--limit 100] [--json out.json]
        [--plot docs/img/letter_error_rate.png]

The fingerspelling recogniser (training/recognizer, trained on the real clips of training-split
words only) reads back the letters of:
  ceiling     the corpus test poses: real clips joined (what a perfect generator would give)
  lexicon     the lexicon generator (real clips, a different timing seed)
  signllm-*   the bundled SignLLM models (mlsf, prompt), or --model checkpoints
  floor-mean  the mean pose of the test set, held for the reference's length
  floor-other another test item's poses (right length class, wrong letters)
Every test word is absent from the training split (whole-word splits), so this measures
generalisation to unseen words. The issue's target: model LER <= 1.5 x ceiling LER.
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

from signllm.formats import read  # noqa: E402
from training.recognizer.model import Recognizer, letter_error_rate, letter_errors  # noqa: E402
from training.recognizer.train import DEFAULT_OUT, letters_of  # noqa: E402


def load_test(folder: Path, limit: int | None):
    sequences = read(folder / "test.skels")
    texts = (folder / "test.text").read_text(encoding="utf-8").splitlines()
    glosses = (folder / "test.gloss").read_text(encoding="utf-8").splitlines()
    items = list(zip(texts, glosses, [s.joints for s in sequences]))
    return items[:limit] if limit else items


def recognise_all(model: Recognizer, language: str, poses: list[np.ndarray]) -> list[list[str]]:
    return [model.recognise(p, language) for p in poses]


def signllm_generators(args) -> dict:
    """name -> generator for the SignLLM models that can be loaded (bundled or --model)."""
    from signllm.coverage import bundled_models
    from signllm.generation import load_generator

    out = {}
    for mode in ("mlsf", "prompt"):
        model = getattr(args, f"{mode}_model")
        if model is None and mode not in bundled_models():
            continue
        out[f"signllm-{mode}"] = load_generator("signllm", model=model, mode=mode)
    return out


def evaluate_language(language: str, items, model: Recognizer, generators: dict, seed: int) -> dict:
    refs = [[u for word in letters_of(g) for u in word] for _, g, _ in items]
    truth = [p for _, _, p in items]
    mean_pose = np.concatenate(truth).mean(axis=0)
    conditions = {
        "ceiling": truth,
        "floor-mean": [np.repeat(mean_pose[None], len(p), axis=0) for p in truth],
        "floor-other": truth[1:] + truth[:1],
    }
    timings = {}
    for name, generator in generators.items():
        start = time.perf_counter()
        poses = []
        for i, (text, _, _) in enumerate(items):
            try:
                poses.append(generator.generate(text, language, seed=seed + i).joints)
            except Exception as exc:  # a model that cannot cover the language scores nothing
                print(f"  {name} failed on {text!r}: {exc}", file=sys.stderr)
                poses.append(np.repeat(mean_pose[None], 2, axis=0))
        timings[name] = (time.perf_counter() - start) / max(1, len(items))
        conditions[name] = poses
    result = {"items": len(items), "letters": sum(len(r) for r in refs), "ler": {}, "errors": {},
              "seconds_per_item": timings}
    for name, poses in conditions.items():
        hyps = recognise_all(model, language, poses)
        result["ler"][name] = letter_error_rate(refs, hyps)
        result["errors"][name] = letter_errors(refs, hyps)
    ceiling = result["ler"]["ceiling"]
    result["ratio_to_ceiling"] = {name: (ler / ceiling if ceiling > 0 else float("inf") if ler else 1.0)
                                  for name, ler in result["ler"].items()}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="built corpus (training.corpus.build)")
    parser.add_argument("--recognizer", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--languages", help="comma-separated codes (default: all in the corpus)")
    parser.add_argument("--limit", type=int, default=None, help="test items per language")
    parser.add_argument("--mlsf-model", type=Path, help="MLSF checkpoint (default: bundled)")
    parser.add_argument("--prompt-model", type=Path, help="Prompt2LangGloss checkpoint (default: bundled)")
    parser.add_argument("--no-signllm", action="store_true", help="score only ceiling/lexicon/floors")
    parser.add_argument("--seed", type=int, default=1000, help="timing seed of the generators")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--plot", type=Path, help="also draw them as a bar chart (PNG) here")
    args = parser.parse_args(argv)

    from signllm.lexicon import LexiconGenerator

    model = Recognizer.from_checkpoint(args.recognizer)
    generators = {"lexicon": LexiconGenerator(builtin_signs=False)}   # letters, as the models
    if not args.no_signllm:
        generators.update(signllm_generators(args))
    languages = args.languages.split(",") if args.languages else sorted(
        p.name for p in args.corpus.iterdir() if (p / "test.skels").is_file())
    report = {}
    for language in languages:
        report[language] = evaluate_language(language, load_test(args.corpus / language, args.limit),
                                             model, generators, args.seed)
    names = list(next(iter(report.values()))["ler"])
    print("LER (letter error rate, lower is better) on held-out test words")
    print("lang  items letters  " + "  ".join(f"{n:>14}" for n in names))
    for language, r in report.items():
        print(f"{language:5} {r['items']:5} {r['letters']:7}  "
              + "  ".join(f"{r['ler'][n]:14.3f}" for n in names))
    print("ratio to ceiling:")
    for language, r in report.items():
        print(f"{language:5} " + "  ".join(f"{n}={r['ratio_to_ceiling'][n]:.2f}" for n in names
                                          if n.startswith(("signllm", "lexicon"))))
    print("edits by kind (substitute/delete/insert; deletions merging a doubled letter):")
    for language, r in report.items():
        print(f"{language:5} " + "  ".join(
            f"{n}={e['substitute']}/{e['delete']}/{e['insert']} ({e['merged_double']})"
            for n, e in r["errors"].items() if n.startswith(("signllm", "lexicon", "ceiling"))))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    if args.plot:
        plot(report, args.plot)
    return 0


def plot(report: dict, path: Path) -> None:
    """Grouped bars per language, log scale (the ceiling is near 0, the floors near 1)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from signllm.atomic import atomic_path

    names = [n for n in next(iter(report.values()))["ler"] if not n.startswith("floor")]
    languages = list(report)
    width = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    for k, name in enumerate(names):
        values = [max(report[lang]["ler"][name], 5e-4) for lang in languages]
        ax.bar(np.arange(len(languages)) + (k - (len(names) - 1) / 2) * width, values, width,
               label=name)
    ceiling = [report[lang]["ler"]["ceiling"] for lang in languages]
    ax.scatter(np.arange(len(languages)), [1.5 * max(c, 5e-4) for c in ceiling], marker="_",
               s=900, color="k", label="1.5 x ceiling (target)", zorder=3)
    ax.set_yscale("log")
    ax.set_xticks(np.arange(len(languages)), languages)
    ax.set_ylabel("letter error rate (log)")
    ax.set_title("Held-out words read back by the fingerspelling recogniser (floors: ~1.0)", fontsize=9)
    ax.legend(fontsize=7, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=80, format="png")
    plt.close(fig)


if __name__ == "__main__":
    raise SystemExit(main())
