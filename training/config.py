"""The training config: defaults, a YAML file merged over them, then `--set KEY=VALUE` overrides.

Why its own module: a misspelled key ("train.max_step") must be an error naming the key and the
file, never silently ignored while the run trains with the default; every key a run accepts is
listed in DEFAULTS (and, under `model`, in signllm.model.config.ModelConfig).
"""
from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import yaml

from signllm.errors import BadInputError
from signllm.model import checkpoint as ckpt
from signllm.model.config import ModelConfig

from .losses import DEFAULT_TAU

DEFAULTS: dict = {
    "mode": "mlsf",              # mlsf | prompt
    "frontend": "given",         # gloss front-end recorded in the checkpoint (signllm.langgloss)
    "model": {"size": "tiny"},   # size name + ModelConfig overrides
    "tokenizer": {"vocab_size": 512},
    "data": {"path": None, "language": None, "languages": None, "input": "gloss",
             "train_split": "train", "dev_split": "dev", "max_frames": 600,
             "std_floor": 0.01,
             "dominant_hand": "right"},  # right: left-handed items ({split}.variation) mirrored
                                         # back, since a text cannot say who signs; as-recorded
    "train": {"seed": 0, "batch_size": 8, "max_steps": 2000, "lr": 1e-3, "warmup_steps": 50,
              "min_lr_ratio": 0.1, "weight_decay": 0.0, "grad_clip": 1.0, "noise_factor": 1.0, "counter_noise": 0.0,
              "counter_weight": 1.0, "duration_weight": 1.0, "eval_every": 100, "save_every": 100,
              "patience": 0,
              "repeat_weight": 1.0,  # durations decoder: loss weight on a repeated token's frames
              "select": "val_dtw",  # validation score for the best model and early stopping:
                                    # val_dtw (PT DTW, punishes length errors) or val_dtw_mje
              "threads": 1, "train_languages": None, "init": None,
              "fps": 25.0, "max_eval": 64},
    "rl": {"enabled": False, "weight": 1.0, "tau": DEFAULT_TAU},
    "plc": {"enabled": False, "eta": 1.0, "skip_threshold": 0.5, "warmup_steps": 50},
}
# `model` takes a size name plus any ModelConfig field
MODEL_KEYS = {"size"} | {f.name for f in dataclasses.fields(ModelConfig)}


def check_keys(config: dict, source: str | Path, known: dict = DEFAULTS, prefix: str = "") -> None:
    """BadInputError naming the first key of `config` that `known` lacks, and where it came from."""
    for key, value in config.items():
        name = f"{prefix}{key}"
        if key not in known:
            raise BadInputError(f"unknown config key {name!r}; known here: "
                                f"{', '.join(sorted(map(str, known)))}", path=source)
        if name == "model" and isinstance(value, dict):
            unknown = sorted(set(map(str, value)) - MODEL_KEYS)
            if unknown:
                raise BadInputError(f"unknown config key 'model.{unknown[0]}'; known here: "
                                    f"{', '.join(sorted(MODEL_KEYS))}", path=source)
        elif isinstance(value, dict) and isinstance(known[key], dict):
            check_keys(value, source, known[key], f"{name}.")


def merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def apply_override(cfg: dict, assignment: str) -> None:
    """'train.max_steps=500' -> cfg['train']['max_steps'] = 500 (YAML-parsed value)."""
    if "=" not in assignment:
        raise BadInputError(f"--set expects KEY=VALUE, got {assignment!r}")
    key, value = assignment.split("=", 1)
    parts = key.strip().split(".")
    nested: dict = {}
    node = nested
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    try:
        node[parts[-1]] = yaml.safe_load(value)
    except yaml.YAMLError as exc:
        raise BadInputError(f"--set {key}: the value is not YAML ({exc})") from None
    check_keys(nested, f"--set {assignment}")
    cfg.update(merge(cfg, nested))


def load_config(path: str | None, overrides: list[str] = ()) -> dict:
    user = {}
    if path:
        p = Path(path)
        if not p.is_file():
            raise BadInputError("no such config file", path=p)
        try:
            user = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise BadInputError(f"not valid YAML: {exc}", path=p) from None
        if not isinstance(user, dict):
            raise BadInputError("config must be a YAML mapping", path=p)
        check_keys(user, p)
    cfg = merge(DEFAULTS, user)
    for assignment in overrides:
        apply_override(cfg, assignment)
    if cfg["mode"] not in ckpt.MODES:
        raise BadInputError(f"mode must be one of {', '.join(ckpt.MODES)}, got {cfg['mode']!r}")
    if cfg["train"]["select"] not in ("val_dtw", "val_dtw_mje"):
        raise BadInputError(f"train.select must be val_dtw or val_dtw_mje, got {cfg['train']['select']!r}")
    if not cfg["data"].get("path"):
        raise BadInputError("set data.path (the corpus folder) in the config or with "
                            "--set data.path=DIR")
    return cfg
