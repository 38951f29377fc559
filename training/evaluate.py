"""Generate a corpus split with a SignLLM checkpoint and score it beside the mean-pose floor.

    python -m training.evaluate --model runs/mlsf/model.pt --corpus corpus/ [--split test]
                                [--input auto|gloss|text|prompt] [--json FILE|-] [--write DIR]

For every clip of CORPUS/<iso>/SPLIT.skels (or CORPUS/SPLIT.skels with --language) the model
generates from the clip's gloss (checkpoints whose front-end is "given" or "lexicon"), its text,
or its question-style prompt (SPLIT.prompt lines, Prompt2LangGloss); generation stops on the model's own
counter. Metrics (signllm.metrics): Progressive-Transformers DTW, DTW-MJE (metres), expressiveness
(wrist travel ratio, 1 ideal) and length ratio (1 ideal), each beside the floor of the training
mean pose held for the reference's length. `--write DIR` keeps the generated clips as
DIR/<iso>/SPLIT.skels (+ .text/.files siblings named like the references), the input of
`signllm evaluate --hyp DIR/<iso>/SPLIT.skels --ref CORPUS/<iso>` (back-translation scores).
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from signllm.errors import BadInputError
from training.entry import entry_point


def inputs_for(seqs, folder: Path, split: str, how: str, frontend: str) -> list[str]:
    if how == "auto":
        # the lexicon front-end maps a corpus gloss to itself (and the lexical corpus's German
        # text is not in the signs' order), so such checkpoints are fed the gloss too
        how = "gloss" if frontend in ("given", "lexicon") else "text"
    if how == "prompt":
        path = folder / f"{split}.prompt"
        if not path.exists():
            raise BadInputError(f"no {split}.prompt beside the split", path=folder)
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) != len(seqs):
            raise BadInputError(f"{len(lines)} prompts for {len(seqs)} clips", path=path)
        return lines
    values = [getattr(s, how) for s in seqs]
    missing = [i for i, v in enumerate(values) if not v]
    if missing:
        raise BadInputError(f"clip {missing[0]} has no {how}", path=folder / f"{split}.skels")
    return values


def evaluate(model: str, corpus: str, split: str = "test", how: str = "auto",
             language: str | None = None, write_to: str | None = None) -> dict:
    from signllm import metrics
    from signllm.formats import read, write
    from signllm.model.generator import load_signllm_generator
    from signllm.request import resolve
    from training.data import language_folders

    gen = load_signllm_generator(mode=None, checkpoint=model)
    folders = language_folders(Path(corpus), {"train_split": split, "language": language})
    result = {"model": str(model), "split": split, "languages": {}}
    all_h, all_r, all_f = [], [], []
    for lang, folder in folders.items():
        refs = read(folder / f"{split}.skels")
        train = folder / "train.skels"
        mean = metrics.mean_pose(read(train) if train.exists() and split != "train" else refs)
        texts = inputs_for(refs, folder, split, how, gen.model.frontend)
        if how == "prompt":  # each prompt read with the checkpoint's own frames, as the CLI does
            texts = [resolve(t, lang, generator="signllm", mode=gen.mode, prompt=True,
                             frames=gen.prompt_frames, custom_model=True).sentence for t in texts]
        hyps = gen.generate_many(texts, lang)
        floor = metrics.mean_pose_floor(refs, mean)
        if write_to:
            write(Path(write_to) / lang / f"{split}.skels",
                  [h.with_(name=r.name, text=r.text) for h, r in zip(hyps, refs)])
        result["languages"][lang] = {"clips": len(refs),
                                     "model": metrics.pose_metrics(hyps, refs),
                                     "floor: mean pose": metrics.pose_metrics(floor, refs)}
        all_h += hyps
        all_r += refs
        all_f += floor
    result["all"] = {"clips": len(all_r), "model": metrics.pose_metrics(all_h, all_r),
                     "floor: mean pose": metrics.pose_metrics(all_f, all_r)}
    return result


def format_table(result: dict) -> str:
    rows = [f"{'set':8s} {'system':18s} {'PT DTW ↓':>9s} {'DTW-MJE m ↓':>12s} "
            f"{'expressiveness':>15s} {'length ratio':>13s}"]
    for name, block in [*result["languages"].items(), ("all", result["all"])]:
        for system in ("model", "floor: mean pose"):
            m = block[system]
            rows.append(f"{name:8s} {system:18s} {m['pt_dtw']:9.3f} {m['dtw_mje']:12.4f} "
                        f"{m['expressiveness']:15.3f} {m['length_ratio']:13.3f}")
    return "\n".join(rows)


@entry_point
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="model checkpoint (model.pt)")
    parser.add_argument("--corpus", required=True, help="Prompt2Sign-format corpus folder")
    parser.add_argument("--split", default="test")
    parser.add_argument("--language", help="language of a corpus folder holding the splits directly")
    parser.add_argument("--input", default="auto", choices=("auto", "gloss", "text", "prompt"),
                        help="what the model reads (auto: gloss for 'given' and 'lexicon' "
                             "checkpoints, else text)")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="write JSON to FILE (or stdout instead of the table)")
    parser.add_argument("--write", metavar="DIR", help="also write the generated clips to "
                        "DIR/<iso>/SPLIT.skels (for signllm evaluate --hyp)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = evaluate(args.model, args.corpus, args.split, args.input, args.language, args.write)
    if args.json == "-":
        print(json.dumps(result, indent=2))
        return 0
    print(format_table(result))
    if args.json:
        from signllm.atomic import atomic_open
        with atomic_open(args.json) as handle:
            json.dump(result, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
