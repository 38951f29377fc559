"""Gloss error rate (GER) on the lexical DSGS corpus's two test sets, with ceiling and floors.

    python benchmarks/gloss_error_rate.py --corpus runs/corpus_sgg [--recognizer PATH ...]
        [--model runs/lexmlsf/model.pt ...] [--synthesiser] [--input gloss|text]
        [--limit 200] [--json out.json] [--plot docs/img/gloss_error_rate.png]

The continuous sign recogniser (training/recognizer/gloss.py, trained on the corpus's
ground-truth train poses only; `python -m training.recognizer.train_gloss`) reads back the
gloss sequence of:
  ceiling     the test poses themselves (what a perfect generator would give)
  floor-mean  the mean pose of the test set, held for the reference's length
  floor-other another test item's poses (a real signing of the wrong sentence)
and, when asked, of generated poses:
  model:NAME  a SignLLM checkpoint (--model, repeatable; NAME its file's parent folder and name)
              generating each item from its input through the checkpoint's front-end
              (`lexicon` for training/configs/lexical_mlsf.yaml, which maps a corpus gloss to
              itself), free-running: it stops on its own predicted durations or counter
  synthesiser the lexicon generator (signllm.lexicon, the synthesiser that made the corpus) on
              the same input, with the default signer (no corpus variation of speed,
              transitions, body or handedness)
on both test sets:
  test         held-out whole sentences (gloss sequences never trained on)
  test_bigram  items with a held-out sign bigram (each sign trained, the combination never)
--input gloss (default) gives both generators the item's sign gloss (`KIND APFEL KOCHEN .`, the
DSGS order of the corpus); --input text the German sentence, which they sign word by word in
German order with the articles spelled (no front-end translates German to DSGS yet), so its
figures measure that gap, not rendering.
GER = total gloss edit distance / total reference glosses (rapidfuzz); a fingerspelled word is
one gloss. The target for a model (issue 19) is <= 1.5 x the ceiling. With several
--recognizer checkpoints (seeds of train_gloss) every condition is scored by each, and a
generator counts as separated from the ceiling and the floors only when its margins to them
exceed the spread of its own GER between recognisers.
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
                                       gloss_tokens, spelled)
from training.recognizer.train_gloss import DEFAULT_OUT, language_folder, load_split  # noqa: E402

TEST_SETS = ("test", "test_bigram")
LANGUAGE = "sgg"


def conditions(items) -> dict[str, list[np.ndarray]]:
    truth = [j for j, _ in items]
    mean_pose = np.concatenate(truth).mean(axis=0)
    return {"ceiling": truth,
            "floor-mean": [np.repeat(mean_pose[None], len(p), axis=0) for p in truth],
            "floor-other": truth[1:] + truth[:1]}


def sign_words(gloss: str) -> str:
    """A corpus gloss as words the lexicon generator plans back into it: a fingerspelled word
    `Z-Ü-R-I-CH` becomes `ZÜRICH` (its text tokenizer would cut the hyphens into one-letter
    words), a sign gloss with a mark in it (`WO?`) its word (`WO`); other signs and marks stay."""
    from signllm.text import tokens

    def word(token: str) -> str:
        if spelled(token):
            return "".join(token.split("-"))
        parts = tokens(token)
        return token if parts == [token] else " ".join(w for w in parts if w[0].isalnum())

    return " ".join(word(t) for t in gloss.split())


def model_poses(checkpoint: Path, inputs: list[str]) -> list[np.ndarray]:
    from signllm.model.generator import load_signllm_generator

    generator = load_signllm_generator(mode=None, checkpoint=checkpoint)
    return [seq.joints for seq in generator.generate_many(inputs, LANGUAGE)]


def synthesiser_poses(inputs: list[str], how: str) -> tuple[list[np.ndarray], int]:
    """The lexicon generator's poses of each input, and how many plans differ from the input
    gloss (0 expected with --input gloss)."""
    from signllm.languages import get_language
    from signllm.lexicon import LexiconGenerator, render_plan

    generator, language = LexiconGenerator(face=False), get_language(LANGUAGE)
    poses, replanned = [], 0
    for text in inputs:
        plan = generator.plan(sign_words(text) if how == "gloss" else text, language,
                              generator.fps, None)
        replanned += how == "gloss" and plan.gloss != text
        poses.append(render_plan(plan, language, generator.fps).joints)
    return poses, replanned


def model_name(path: Path) -> str:
    return f"model:{path.parent.name}/{path.stem}"


def evaluate_set(model: GlossRecognizer, items, generated: dict[str, list[np.ndarray]] | None = None
                 ) -> dict:
    """GER of the ceiling, both floors and each generated condition (poses in item order)."""
    refs = [gloss_tokens(g) for _, g in items]
    result = {"items": len(items), "glosses": sum(len(r) for r in refs), "ger": {}, "errors": {}}
    for name, poses in {**conditions(items), **(generated or {})}.items():
        hyps = [model.recognise(p) for p in poses]
        result["ger"][name] = gloss_error_rate(refs, hyps)
        result["errors"][name] = gloss_errors(refs, hyps)
        if name not in ("ceiling", "floor-mean", "floor-other"):
            lengths = [len(p) / max(1, len(j)) for p, (j, _) in zip(poses, items)]
            result.setdefault("length_ratio", {})[name] = float(np.mean(lengths))
    return result


def separation(by_recogniser: dict[str, dict], name: str) -> dict:
    """Does `name` sit between the ceiling and both floors by more than the spread of its GER
    between recognisers (issue 19)? Margins are the smallest over recognisers."""
    gers = [r["ger"] for r in by_recogniser.values()]
    spread = max(g[name] for g in gers) - min(g[name] for g in gers)
    above = min(g[name] - g["ceiling"] for g in gers)
    below = min(min(g["floor-mean"], g["floor-other"]) - g[name] for g in gers)
    return {"spread": spread, "above_ceiling": above, "below_floors": below,
            "separated": above > spread and below > spread}


def print_table(split_reports: dict, recogniser: str) -> None:
    names = list(next(iter(split_reports.values()))["ger"])
    width = {n: max(11, len(n)) for n in names}
    print(f"recogniser {recogniser}")
    print(f"{'test set':12} {'items':>5} {'glosses':>7}  "
          + "  ".join(f"{n:>{width[n]}}" for n in names))
    for split, r in split_reports.items():
        print(f"{split:12} {r['items']:5} {r['glosses']:7}  "
              + "  ".join(f"{r['ger'][n]:{width[n]}.3f}" for n in names))
    for split, r in split_reports.items():
        ceiling = r["ger"]["ceiling"]
        for name, ratio in r.get("length_ratio", {}).items():
            times = f"{r['ger'][name] / ceiling:.2f} x ceiling" if ceiling else "ceiling 0"
            print(f"{split:12} {name}: {times} (target <= 1.5), length ratio {ratio:.3f}")
    print("edits (substitute/delete/insert):")
    for split, r in split_reports.items():
        print(f"{split:12} " + "  ".join(
            f"{n}={e['substitute']}/{e['delete']}/{e['insert']}" for n, e in r["errors"].items()))


def plot(report: dict, path: Path) -> None:
    """Bars per condition and test set: the mean GER over recognisers, their range as error bars."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    splits = list(report)
    names = list(next(iter(report[splits[0]].values()))["ger"])
    fig, ax = plt.subplots(figsize=(1.6 + 1.25 * len(names), 3.8))
    width = 0.8 / len(splits)
    for k, split in enumerate(splits):
        gers = np.array([[r["ger"][n] for n in names] for r in report[split].values()])
        x = np.arange(len(names)) + (k - (len(splits) - 1) / 2) * width
        low, high = gers.mean(0) - gers.min(0), gers.max(0) - gers.mean(0)
        ax.bar(x, gers.mean(0), width, yerr=[low, high], capsize=3, label=split)
        ceiling = gers[:, names.index("ceiling")].mean()
        ax.hlines(1.5 * ceiling, x[0] - width / 2, x[-1] + width / 2, colors=f"C{k}",
                  linestyles=":", linewidth=1)
    ax.set_xticks(np.arange(len(names)), [n.replace("model:", "") for n in names],
                  rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("gloss error rate")
    ax.set_title(f"GER by {len(next(iter(report.values())))} recogniser seed(s) "
                 "(bars: mean, whiskers: range; dotted: 1.5 x ceiling)", fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True,
                        help="lexical corpus (python -m training.corpus.build --lexical)")
    parser.add_argument("--recognizer", type=Path, action="append", default=[],
                        help=f"a gloss recogniser checkpoint (repeatable: each scores every "
                             f"condition, and the spread between them is reported; default "
                             f"{DEFAULT_OUT.name})")
    parser.add_argument("--model", type=Path, action="append", default=[],
                        help="a SignLLM checkpoint to generate the test items with (repeatable)")
    parser.add_argument("--synthesiser", action="store_true",
                        help="also the lexicon generator (the corpus's synthesiser, default signer)")
    parser.add_argument("--input", choices=("gloss", "text"), default="gloss",
                        help="what the generators read: the item's sign gloss (default) or its "
                             "German text")
    parser.add_argument("--limit", type=int, default=None, help="items per test set")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--plot", type=Path, help="also draw the figures as a PNG here")
    args = parser.parse_args(argv)

    recognisers = {str(path): GlossRecognizer.from_checkpoint(path)
                   for path in args.recognizer or [DEFAULT_OUT]}
    folder = language_folder(args.corpus)
    report, start = {}, time.perf_counter()
    for split in TEST_SETS:
        items = load_split(folder, split)
        items = items[:args.limit] if args.limit else items
        inputs = [g for _, g in items] if args.input == "gloss" else \
            (folder / f"{split}.text").read_text(encoding="utf-8").splitlines()[:len(items)]
        generated = {model_name(path): model_poses(path, inputs) for path in args.model}
        if args.synthesiser:
            generated["synthesiser"], replanned = synthesiser_poses(inputs, args.input)
            if replanned:
                print(f"{split}: {replanned} synthesiser plans differ from the gloss")
        report[split] = {name: {**evaluate_set(model, items, generated), "input": args.input}
                         for name, model in recognisers.items()}
    print(f"GER (gloss error rate, lower is better), generators read the {args.input}, "
          f"{time.perf_counter() - start:.0f} s")
    for name in recognisers:
        print_table({split: report[split][name] for split in report}, Path(name).name)
    separations: dict[str, dict] = {}
    if len(recognisers) > 1:
        print("separation (margins over the spread between recognisers):")
        for split, by_recogniser in report.items():
            for name in next(iter(by_recogniser.values()))["ger"]:
                if name.startswith("floor") or name == "ceiling":
                    continue
                sep = separations.setdefault(split, {})[name] = separation(by_recogniser, name)
                print(f"{split:12} {name}: spread {sep['spread']:.3f}, above ceiling by "
                      f"{sep['above_ceiling']:.3f}, below floors by {sep['below_floors']:.3f}: "
                      + ("separated" if sep["separated"] else "NOT separated"))
    if args.json:
        args.json.write_text(json.dumps({"by_recogniser": report, "separation": separations},
                                        indent=1))
    if args.plot:
        plot(report, args.plot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
