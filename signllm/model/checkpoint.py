"""The model checkpoint: one dict of plain data, loadable with `torch.load(weights_only=True)`.

Keys: format, mode ("mlsf" | "prompt"), config (ModelConfig dict), tokenizer (HF tokenizers
JSON string), frontend (gloss front-end name, see signllm.langgloss), languages (ISO codes the
model was trained on), groups, norm_mean / norm_std (per-coordinate statistics of the 150 joint
values, metres), fps, state_dict, meta (training metadata: corpus, steps, metrics...), and for
Prompt2LangGloss models prompt_frames (signllm.prompt_frames, learned from the training prompts).
Written atomically, so a crash never leaves half a checkpoint; loading validates every field
(signllm.model.validate) before a tensor or module is built, so a malformed file is one
ModelError naming the file and the field.
"""
from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from ..atomic import atomic_path
from ..errors import ModelError
from ..prompt_frames import PromptFrames
from .config import FRAME_DIM, ModelConfig
from .network import SHARED, SignLLMNet
from . import validate as check
from .tokenizer import tokenizer_from_json

FORMAT = "signllm-model/1"
MODES = ("mlsf", "prompt")
TEMP_SUFFIX = ".tmp"
_TEMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.[A-Za-z0-9]+$")   # atomic_path's names
MAX_BYTES = 4 << 30   # a base model with optimiser state is ~0.5 GB; more is not ours


@dataclass
class SignLLMModel:
    """A loaded model: the network plus everything needed to turn text into frames and back."""
    net: SignLLMNet
    mode: str
    config: ModelConfig
    tokenizer: object
    frontend: str
    languages: list[str]
    norm_mean: np.ndarray   # (FRAME_DIM,)
    norm_std: np.ndarray    # (FRAME_DIM,)
    fps: float = 25.0
    meta: dict = field(default_factory=dict)
    prompt_frames: PromptFrames | None = None

    def group_name(self, language: str) -> str:
        return language if self.mode == "mlsf" else SHARED

    def denormalise(self, frames: np.ndarray) -> np.ndarray:
        """(T, STEP) normalised frames -> (T, 50, 3) joints in metres."""
        joints = frames[:, :FRAME_DIM] * self.norm_std + self.norm_mean
        return joints.reshape(len(frames), -1, 3).astype(np.float32)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "mode": self.mode, "config": self.config.to_dict(),
                "tokenizer": self.tokenizer.to_str(), "frontend": self.frontend,
                "languages": list(self.languages), "groups": list(self.net.groups.keys()),
                "norm_mean": torch.as_tensor(self.norm_mean, dtype=torch.float32),
                "norm_std": torch.as_tensor(self.norm_std, dtype=torch.float32),
                "fps": float(self.fps), "state_dict": self.net.state_dict(),
                "meta": dict(self.meta),
                "prompt_frames": self.prompt_frames.to_dict() if self.prompt_frames else None}


def save(obj: dict, path: str | os.PathLike) -> None:
    """Atomically write any checkpoint dict (model or training state)."""
    save_together([(obj, path)])


def save_together(items: list[tuple[dict, str | os.PathLike]]) -> None:
    """Write each (dict, path) to a temporary sibling, then move them all into place.

    A failure (a full disk, a read-only folder) leaves every target as it was and no
    temporary file, so model.pt and last.pt are never from different steps. Temporary names
    end in TEMP_SUFFIX, so one left by `kill -9` never matches `*.pt` (see remove_stale_temps).
    """
    current = None
    try:
        with contextlib.ExitStack() as stack:
            for obj, path in items:
                current = path
                tmp = stack.enter_context(atomic_path(path, suffix=TEMP_SUFFIX))
                torch.save(obj, tmp)
                tmp.chmod(0o644)  # mkstemp makes 0600; a bundled model must be readable by all
    except (OSError, RuntimeError) as exc:  # torch's zip writer reports a full disk as RuntimeError
        reason = getattr(exc, "strerror", None) or (str(exc).strip().splitlines() or ["?"])[-1]
        raise ModelError(f"{current}: cannot write checkpoint ({reason[:200]})") from None


def remove_stale_temps(folder: str | os.PathLike, names: tuple[str, ...]) -> list[Path]:
    """Remove the hidden temporaries (`.NAME.XXXXXXXX.ext`) a killed write left beside `names`."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    for path in folder.iterdir():
        match = _TEMP.match(path.name)
        if match and match["name"] in names and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def read(path: str | os.PathLike) -> dict:
    """The checkpoint's plain data; only tensors and builtins unpickle (weights_only)."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: {'not a regular file' if path.exists() else 'no such checkpoint file'}")
    size = path.stat().st_size
    if not 0 < size <= MAX_BYTES:
        raise ModelError(f"{path}: not a loadable signllm checkpoint ({size} bytes; expected "
                         f"1 to {MAX_BYTES} bytes)")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a corrupt or hostile file
        first = (str(exc).strip().splitlines() or ["no detail"])[0][:200]
        raise ModelError(f"{path}: not a loadable signllm checkpoint ({type(exc).__name__}: "
                         f"{first})") from None


def from_dict(data: dict, source: str = "checkpoint") -> SignLLMModel:
    """Validate every field (signllm.model.validate), then build the network and load weights."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ModelError(f"{source}: not a signllm model checkpoint (format {str(found)[:60]!r}, "
                         f"expected {FORMAT!r})")
    missing = {"mode", "config", "tokenizer", "frontend", "languages", "groups", "norm_mean",
               "norm_std", "state_dict"} - set(data)
    if missing:
        raise ModelError(f"{source}: checkpoint lacks field(s) {', '.join(sorted(missing))}")
    if data["mode"] not in MODES:
        raise ModelError(f"{source}: unknown mode {str(data['mode'])[:60]!r}")
    cfg = check.config(data, source)
    groups = check.names(data, "groups", source)
    languages = check.names(data, "languages", source)
    frontend = check.text(data, "frontend", source)
    norm_mean = check.vector(data, "norm_mean", source)
    norm_std = check.vector(data, "norm_std", source, positive=True)
    fps = check.number(data, "fps", source, 25.0, 1e-3, 1000.0)
    meta = check.mapping(data, "meta", source)
    frames = check.prompt_frames(data, source)
    tokenizer = tokenizer_from_json(check.text(data, "tokenizer", source, check.MAX_TOKENIZER))
    if tokenizer.get_vocab_size() > cfg.vocab_size:
        raise check.fail(source, "tokenizer", f"has {tokenizer.get_vocab_size()} tokens, more "
                                              f"than config vocab_size {cfg.vocab_size}")
    with torch.device("meta"):  # shapes only: a huge config allocates nothing here
        expected = SignLLMNet(cfg, groups).state_dict()
    weights = check.state_dict(data, expected, source)
    net = SignLLMNet(cfg, groups)
    try:
        net.load_state_dict(weights)
    except RuntimeError as exc:
        raise ModelError(f"{source}: weights do not match the config: "
                         f"{str(exc).splitlines()[0][:200]}") from None
    net.eval()
    return SignLLMModel(net, data["mode"], cfg, tokenizer, frontend, languages, norm_mean,
                        norm_std, fps, meta, PromptFrames.from_dict(frames) if frames else None)


def load(path: str | os.PathLike) -> SignLLMModel:
    return from_dict(read(path), str(path))
