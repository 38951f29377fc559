"""Back-translator checkpoints: plain data (dicts, tensors, strings), loaded with weights_only=True.

A checkpoint holds the model config, the tokenizer JSON, the pseudo-gloss vocabulary and its
prototypes, the spoken language, the training stage reached, the training history and the
weights; `load_backtranslator` turns it into an object that translates `PoseSequence`s.
"""
from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Sequence

import numpy as np

from signllm.atomic import atomic_path
from signllm.errors import ModelError
from signllm.pose import PoseSequence

from .features import FEATURE_DIM, pose_features
from .text import BOS, EOS, SPECIALS, decode, tokenizer_from_json

log = logging.getLogger(__name__)
FORMAT = "signllm-backtranslator"
LM_FORMAT = "signllm-causal-lm"


def save_checkpoint(path, model, tokenizer, glosses: list[str], spoken_lang: str, stage: int,
                    train_config: dict, history: list[dict]) -> Path:
    import torch
    data = {"format": FORMAT, "version": 1, "stage": stage, "spoken_lang": spoken_lang,
            "model_config": dataclasses.asdict(model.cfg), "train_config": train_config,
            "tokenizer": tokenizer.to_str(), "glosses": list(glosses), "history": history,
            "state_dict": model.state_dict()}
    with atomic_path(path) as tmp:
        torch.save(data, tmp)
    return Path(path)


def save_lm(path, lm, model_config, tokenizer, history: list[dict]) -> Path:
    import torch
    data = {"format": LM_FORMAT, "version": 1, "model_config": dataclasses.asdict(model_config),
            "tokenizer": tokenizer.to_str(), "history": history, "state_dict": lm.state_dict()}
    with atomic_path(path) as tmp:
        torch.save(data, tmp)
    return Path(path)


def read_checkpoint(path, expected: str = FORMAT) -> dict:
    import torch
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such checkpoint")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a corrupt or foreign file
        raise ModelError(f"{path}: not a readable checkpoint ({exc.__class__.__name__}: "
                         f"{str(exc).splitlines()[0][:200]})") from None
    if not isinstance(data, dict) or data.get("format") != expected:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ModelError(f"{path}: expected a {expected} checkpoint, found {found!r}")
    return data


def build_model(data: dict):
    from .model import BackTranslator, ModelConfig
    import torch
    cfg = ModelConfig(**data["model_config"])
    tok = tokenizer_from_json(data["tokenizer"])
    protos = data["state_dict"]["proto_head.prototypes"]
    model = BackTranslator(cfg, tok.get_vocab_size(), torch.zeros_like(protos))
    model.load_state_dict(data["state_dict"])
    return model.eval(), tok


class LoadedBackTranslator:
    """A trained back-translator ready to translate pose sequences into text."""

    def __init__(self, path):
        data = read_checkpoint(path)
        self.path = Path(path)
        try:
            self.model, self.tokenizer = build_model(data)
        except (KeyError, RuntimeError, TypeError) as exc:
            raise ModelError(f"{path}: checkpoint does not match the model ({exc})") from None
        self.stage, self.spoken_lang = int(data["stage"]), data["spoken_lang"]
        self.glosses, self.history = data["glosses"], data["history"]

    def translate(self, sequences: Sequence[PoseSequence], batch_size: int = 16) -> list[str]:
        """Greedy translations; the LM decoder after stage 2, the light translator before."""
        import torch
        out: list[str] = []
        for start in range(0, len(sequences), batch_size):
            # An empty clip reads as one still frame (translated, not crashed on).
            feats = [pose_features(s) if s.num_frames else np.zeros((1, FEATURE_DIM), np.float32)
                     for s in sequences[start:start + batch_size]]
            x, pad = pad_features(feats)
            ids = self.model.translate_ids(x, pad, use_lm=self.stage >= 2,
                                           bos=SPECIALS.index(BOS), eos=SPECIALS.index(EOS))
            out += [decode(self.tokenizer, row) for row in ids]
        return out


def pad_features(feats: list[np.ndarray]):
    """Stack (T_i, F) arrays into (B, T, F) with a padding mask (True = padding)."""
    import torch
    longest = max(max(len(f) for f in feats), 1)
    x = torch.zeros(len(feats), longest, feats[0].shape[1])
    pad = torch.ones(len(feats), longest, dtype=torch.bool)
    for i, f in enumerate(feats):
        x[i, :len(f)] = torch.from_numpy(np.asarray(f, np.float32))
        pad[i, :len(f)] = False
    return x, pad


def load_backtranslator(path) -> LoadedBackTranslator:
    return LoadedBackTranslator(path)
