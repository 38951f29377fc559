"""Model sizes as one dataclass, from `tiny` (tests) to `base` (~40M parameters, the paper's Base)."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from ..errors import ModelError

NUM_JOINTS = 50
FRAME_DIM = NUM_JOINTS * 3        # joint coordinates per frame
STEP_DIM = FRAME_DIM + 1          # ... plus the progress counter
FRAME_CAP = 3000                  # longest generation any checkpoint may ask for (2 min at 25 fps)

# Sane ranges, checked before a tensor is built: a checkpoint or config that asks for more is
# refused rather than allowed to allocate gigabytes (or loop for minutes) first.
LIMITS: dict[str, tuple[float, float]] = {
    "d_model": (1, 4096), "heads": (1, 64), "encoder_layers": (1, 48), "decoder_layers": (1, 48),
    "ff_dim": (1, 16384), "dropout": (0.0, 1.0), "vocab_size": (2, 262144),
    "max_tokens": (1, 4096), "max_frames": (1, FRAME_CAP), "future_frames": (1, 64),
    "stop_eps": (0.0, 0.999), "length_guard": (0.0, 1e6),   # clamped to max_frames anyway
}


@dataclass
class ModelConfig:
    d_model: int = 64
    heads: int = 4
    encoder_layers: int = 2
    decoder_layers: int = 2
    ff_dim: int = 256
    dropout: float = 0.0
    vocab_size: int = 512         # set from the trained tokenizer
    max_tokens: int = 128         # longest gloss input (tokens)
    max_frames: int = 600         # max-length guard for generation (frames)
    future_frames: int = 3        # frames predicted per step (1 = no future prediction)
    stop_eps: float = 0.01        # stop when the predicted counter >= 1 - stop_eps
    progress_attention: bool = False  # decoder query carries counter x source length (docs/model.md)
    length_guard: float = 0.0     # at most this many frames per source token (0: max_frames only)
    decoder: str = "counter"      # counter: autoregressive, stops on its counter; durations:
                                  # all frames at once from predicted token durations

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ModelConfig":
        if not isinstance(data, dict):
            raise ModelError(f"model config must be a mapping, got {type(data).__name__}")
        known = {f.name: f for f in fields(cls)}
        unknown = set(data) - set(known)
        if unknown:
            raise ModelError(f"unknown model config field(s): "
                             f"{', '.join(sorted(map(str, unknown)))[:200]}")
        for name, value in data.items():
            _check_field(name, value, type(known[name].default))
        cfg = cls(**data)
        if cfg.decoder not in ("counter", "durations"):
            raise ModelError(f"model decoder must be 'counter' or 'durations', got {cfg.decoder!r}")
        if cfg.decoder == "durations" and cfg.future_frames != 1:
            raise ModelError("the durations decoder predicts each frame once: set future_frames: 1")
        if cfg.d_model % cfg.heads:
            raise ModelError(f"d_model {cfg.d_model} is not divisible by heads {cfg.heads}")
        return cfg


def _check_field(name: str, value, kind: type) -> None:
    """Type and range of one config value (bool is not a number here: `True` layers is a typo)."""
    if kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    else:
        ok = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
    if not ok:
        raise ModelError(f"model config {name} must be a {'finite number' if kind is float else kind.__name__}, "
                         f"got {type(value).__name__} {str(value)[:40]!r}")
    low, high = LIMITS.get(name, (None, None))
    if low is not None and not low <= value <= high:
        raise ModelError(f"model config {name} must be in [{low:g}, {high:g}], got {value:g}")


# Named sizes. `base` follows the paper's Base (~40M parameters for one group, 2+2 layers is
# the Progressive-Transformers recipe; we use 4+4 wider layers to reach the reported size).
SIZES: dict[str, dict] = {
    "tiny": dict(d_model=64, heads=4, encoder_layers=1, decoder_layers=2, ff_dim=128),
    "small": dict(d_model=128, heads=4, encoder_layers=2, decoder_layers=2, ff_dim=512),
    "medium": dict(d_model=256, heads=8, encoder_layers=2, decoder_layers=2, ff_dim=1024),
    "base": dict(d_model=640, heads=8, encoder_layers=4, decoder_layers=4, ff_dim=2048),
}


def make_config(size: str = "tiny", **overrides) -> ModelConfig:
    if size not in SIZES:
        raise ModelError(f"unknown model size {size!r}; choose from {', '.join(SIZES)}")
    return ModelConfig.from_dict({**SIZES[size], **overrides})
