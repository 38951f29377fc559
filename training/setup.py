"""What a training run starts from: the corpus splits read, the tokenizer, normaliser and network
built (or taken from `train.init`), and the loss settings that depend on the decoder.

Why apart from the Trainer: this is everything decided once, before the first step; the
Trainer (training/train.py) only steps, validates and checkpoints.
"""
from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from pathlib import Path

import torch

from signllm.errors import BadInputError
from signllm.model import checkpoint as ckpt
from signllm.model.checkpoint import SignLLMModel
from signllm.model.config import make_config
from signllm.model.network import SHARED, SignLLMNet
from signllm.model.tokenizer import train_tokenizer

from . import data as corpus
from .calibration import calibration_clips

log = logging.getLogger("training.train")


@dataclass
class Setup:
    model: SignLLMModel
    train_set: list[corpus.Example]
    dev_set: list[corpus.Example]      # interleaved by language, cut to train.max_eval
    calibration_set: dict              # durations decoder: clips its length calibration fits on
    aux_name: str                      # "duration_mse" or "counter_mse"
    aux_weight: float
    repeat_weight: float


def interleaved(examples: list[corpus.Example]) -> list[corpus.Example]:
    """Examples taken in turn from each language, so a validation cut covers every language
    (splits are read language by language)."""
    by_language: dict[str, list[corpus.Example]] = {}
    for e in examples:
        by_language.setdefault(e.language, []).append(e)
    return [e for row in itertools.zip_longest(*by_language.values()) for e in row if e is not None]


def _read_data(cfg: dict) -> tuple[dict[str, Path], list[corpus.Example], list[corpus.Example]]:
    d = cfg["data"]
    folders = corpus.language_folders(Path(d["path"]), d)
    train_set = corpus.read_split(folders, d["train_split"], cfg["mode"], cfg["frontend"], d)
    dev_set = corpus.read_split(folders, d["dev_split"], cfg["mode"], cfg["frontend"], d)
    if not train_set:
        raise BadInputError(f"no usable training clips in split {d['train_split']!r}",
                            path=d["path"])
    if not dev_set:
        log.warning("no %r split: validating on the training split", d["dev_split"])
        dev_set = train_set
    return folders, train_set, dev_set


def prepare(cfg: dict, device: torch.device) -> Setup:
    t = cfg["train"]
    folders, train_set, dev_set = _read_data(cfg)
    init = ckpt.load(t["init"]) if t.get("init") else None
    if init is not None:
        if init.mode != cfg["mode"]:
            raise BadInputError(f"train.init is a {init.mode} checkpoint, config mode is {cfg['mode']}")
        tokenizer, mean, std = init.tokenizer, init.norm_mean, init.norm_std
        mcfg = init.config
    else:
        tokenizer = train_tokenizer([e.source for e in train_set + dev_set],
                                    cfg["tokenizer"]["vocab_size"])
        mean, std = corpus.normaliser(train_set, float(cfg["data"]["std_floor"]))
        overrides = {k: v for k, v in cfg["model"].items() if k != "size"}
        mcfg = make_config(cfg["model"].get("size", "tiny"),
                           vocab_size=tokenizer.get_vocab_size(), **overrides)
    for split in (train_set, dev_set):
        corpus.tokenize(split, tokenizer, mcfg.max_tokens)
    if mcfg.decoder == "durations":
        train_set = corpus.aligned(train_set, cfg["data"]["path"])
    if init is None and "length_guard" not in cfg["model"]:
        mcfg.length_guard = corpus.length_guard(train_set)
    languages = sorted(set(folders) | set(init.languages if init else []))
    groups = languages if cfg["mode"] == "mlsf" else [SHARED]
    net = SignLLMNet(mcfg, groups)
    if init is not None:
        missing = net.load_state_dict(init.net.state_dict(), strict=False).unexpected_keys
        if missing:
            raise BadInputError(f"train.init has groups this run does not: {missing[:3]}")
    trainable = t.get("train_languages")
    if trainable and cfg["mode"] != "mlsf":
        log.warning("train_languages applies to MLSF groups only; the shared %s model "
                    "trains as a whole", cfg["mode"])
    if trainable and cfg["mode"] == "mlsf":
        trainable = [corpus.get_language(x).code for x in
                     (trainable.split(",") if isinstance(trainable, str) else trainable)]
        for name, group in net.groups.items():
            group.requires_grad_(name in trainable)
        train_set = [e for e in train_set if e.language in trainable]
        dev_set = [e for e in dev_set if e.language in trainable] or train_set
        if not train_set:
            raise BadInputError(f"no training clips for train_languages {trainable}")
    dev_set = interleaved(dev_set)[: int(t["max_eval"])]
    net.to(device)
    frames = None
    if cfg["mode"] == "prompt":  # Prompt2LangGloss learns how its prompts frame a sentence
        frames = corpus.prompt_frames(folders, cfg["data"]["train_split"])
        frames = frames or (init.prompt_frames if init is not None else None)
    durations = mcfg.decoder == "durations"
    aux_name = "duration_mse" if durations else "counter_mse"
    aux_weight = t["duration_weight"] if durations else t["counter_weight"]
    repeat_weight = float(t["repeat_weight"])
    if repeat_weight != 1.0 and not durations:
        raise BadInputError("train.repeat_weight needs the durations decoder "
                            "(model.decoder: durations): only it knows which frames are whose")
    if repeat_weight <= 0:
        raise BadInputError(f"train.repeat_weight must be > 0, got {repeat_weight}")
    model = SignLLMModel(net, cfg["mode"], mcfg, tokenizer, cfg["frontend"], languages,
                         mean, std, float(t["fps"]), {"corpus": str(cfg["data"]["path"]), "config": cfg},
                         frames)
    calibration_set = calibration_clips(train_set, model) if durations else {}
    return Setup(model, train_set, dev_set, calibration_set, aux_name, aux_weight, repeat_weight)
