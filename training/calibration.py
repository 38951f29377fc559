"""Length calibration of durations-decoder checkpoints, fitted on training clips.

    python -m training.calibration runs/mlsf_d/model.pt --corpus corpus/ [--out OUT.pt]

Why: the duration head is trained on log(1 + frames), so it predicts something like a
geometric mean, and generated letters come out a few per cent shorter than the clips it learned
from; a letter held too briefly is one the recogniser misses. Each group's `duration_scale` is
set so that its predicted frames over training clips sum to their real frames. Training does
this at every validation (training/train.py); this command does it for a checkpoint trained
before that existed, or on another corpus. Only training clips are used, never dev or test.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from signllm.errors import BadInputError
from signllm.model import checkpoint as ckpt
from signllm.model.checkpoint import SignLLMModel
from signllm.model.decoding import pad_ids
from signllm.model.network import DurationText2Pose
from training.entry import entry_point

from . import data as corpus

CLIPS_PER_GROUP = 512   # enough for a stable ratio; fast on a CPU
BATCH = 64


def calibration_clips(examples: list[corpus.Example], model: SignLLMModel,
                      per_group: int = CLIPS_PER_GROUP) -> dict[str, list[corpus.Example]]:
    """Model group -> an even spread of up to `per_group` of its aligned training clips."""
    by_group: dict[str, list[corpus.Example]] = {}
    for e in examples:
        if e.durations is not None:
            by_group.setdefault(model.group_name(e.language), []).append(e)
    return {name: group[:: max(1, len(group) // per_group)][:per_group]
            for name, group in by_group.items()}


@torch.no_grad()
def calibrate_durations(model: SignLLMModel, clips: dict[str, list[corpus.Example]]
                        ) -> dict[str, float]:
    """Set the duration_scale of each durations group in `clips` from its training clips."""
    net = model.net
    training = net.training
    net.eval()
    scales = {}
    for name, rows in clips.items():
        group = net.group(name)
        if not isinstance(group, DurationText2Pose):
            continue
        device = group.duration_scale.device
        group.duration_scale.fill_(1.0)
        predicted = real = 0.0
        for start in range(0, len(rows), BATCH):
            chunk = rows[start:start + BATCH]
            src, pad = pad_ids([e.ids for e in chunk], device)
            predicted += float(group.predicted_frames(group.memory(src, pad), pad).sum())
            real += sum(sum(e.durations) for e in chunk)
        if predicted > 0:
            group.duration_scale.fill_(real / predicted)
        scales[name] = float(group.duration_scale)
    net.train(training)
    return scales


def calibrate_checkpoint(path: Path, corpus_path: Path, out: Path) -> dict[str, float]:
    model = ckpt.load(path)
    if model.config.decoder != "durations":
        raise BadInputError("only durations-decoder checkpoints have a length calibration",
                            path=path)
    data_cfg = model.meta.get("config", {}).get("data", {})
    folders = corpus.language_folders(corpus_path, {**data_cfg, "languages": model.languages})
    examples = corpus.read_split(folders, data_cfg.get("train_split", "train"), model.mode,
                                 model.frontend, data_cfg)
    corpus.tokenize(examples, model.tokenizer, model.config.max_tokens)
    clips = calibration_clips(examples, model)
    if not clips:
        raise BadInputError("no training clips with .durations to calibrate on", path=corpus_path)
    scales = calibrate_durations(model, clips)
    model.meta["duration_scale"] = scales
    ckpt.save(model.to_dict(), out)
    return scales


@entry_point
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.calibration", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", type=Path, help="a durations-decoder model.pt")
    parser.add_argument("--corpus", type=Path, required=True,
                        help="the corpus it was trained on (its train split is read)")
    parser.add_argument("--out", type=Path, help="where to write (default: in place)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    scales = calibrate_checkpoint(args.checkpoint, args.corpus, args.out or args.checkpoint)
    print("duration_scale: " + ", ".join(f"{g} {s:.3f}" for g, s in scales.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
