"""Field-by-field checks of a loaded checkpoint dict, before any tensor or module is built.

Why: `torch.load(weights_only=True)` stops hostile pickles, but it returns whatever plain data
the file holds. A config that is not a dict, a string dimension, NaN weights or a normaliser of
the wrong shape would otherwise surface as an IndexError or an allocation failure deep inside
torch. Each check raises ModelError naming the file and the field.
"""
from __future__ import annotations

import math

import torch

from ..errors import ModelError
from .config import FRAME_DIM, ModelConfig

MAX_GROUPS = 64
MAX_NAME = 64                    # characters in a group or language name
MAX_TOKENIZER = 64 * 1024 * 1024  # characters of tokenizer JSON


def fail(source: str, name: str, problem: str) -> ModelError:
    return ModelError(f"{source}: checkpoint field {name!r} {problem}")


def names(data: dict, name: str, source: str) -> list[str]:
    """A non-empty list of short, distinct strings (groups, languages)."""
    value = data[name]
    if not isinstance(value, (list, tuple)) or not value:
        raise fail(source, name, f"must be a non-empty list of names, got {type(value).__name__}")
    if len(value) > MAX_GROUPS:
        raise fail(source, name, f"has {len(value)} entries (at most {MAX_GROUPS})")
    for item in value:
        if not isinstance(item, str) or not 0 < len(item) <= MAX_NAME or "." in item:
            raise fail(source, name, f"entry {str(item)[:40]!r} is not a name "
                                     f"(1-{MAX_NAME} characters, no '.')")
    if len(set(value)) != len(value):
        raise fail(source, name, "repeats a name")
    return list(value)


def text(data: dict, name: str, source: str, limit: int = MAX_NAME) -> str:
    value = data[name]
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        raise fail(source, name, f"must be a string of 1-{limit} characters, "
                                 f"got {type(value).__name__}")
    return value


def config(data: dict, source: str) -> ModelConfig:
    try:
        return ModelConfig.from_dict(data["config"])
    except ModelError as exc:
        raise fail(source, "config", f"is invalid: {exc}") from None
    except TypeError as exc:  # e.g. non-string keys
        raise fail(source, "config", f"is invalid: {exc}") from None


def vector(data: dict, name: str, source: str, positive: bool = False):
    """A finite float tensor of FRAME_DIM values (norm_mean / norm_std), as float32 numpy."""
    value = data[name]
    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
        raise fail(source, name, f"must be a float tensor, got {type(value).__name__}"
                                 f"{f' {value.dtype}' if isinstance(value, torch.Tensor) else ''}")
    if tuple(value.shape) != (FRAME_DIM,):
        raise fail(source, name, f"must have shape ({FRAME_DIM},), got {tuple(value.shape)}")
    value = value.detach().float()
    if not torch.isfinite(value).all() or (positive and not (value > 0).all()):
        raise fail(source, name, f"must hold finite{' positive' if positive else ''} values")
    return value.numpy().copy()


def number(data: dict, name: str, source: str, default: float, low: float, high: float) -> float:
    value = data.get(name, default)
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or not low <= value <= high):
        raise fail(source, name, f"must be a number in [{low:g}, {high:g}], "
                                 f"got {type(value).__name__} {str(value)[:40]!r}")
    return float(value)


def mapping(data: dict, name: str, source: str) -> dict:
    value = data.get(name) or {}
    if not isinstance(value, dict):
        raise fail(source, name, f"must be a mapping, got {type(value).__name__}")
    return dict(value)


def prompt_frames(data: dict, source: str) -> dict | None:
    """None or {"left": [[word, ...], ...], "right": [...]} (signllm.prompt_frames)."""
    value = data.get("prompt_frames")
    if not value:
        return None
    if not isinstance(value, dict):
        raise fail(source, "prompt_frames", f"must be a mapping, got {type(value).__name__}")
    for side in ("left", "right"):
        frames = value.get(side, [])
        if not isinstance(frames, (list, tuple)) or not all(
                isinstance(f, (list, tuple)) and all(isinstance(w, str) for w in f) for f in frames):
            raise fail(source, "prompt_frames", f"{side!r} must be a list of word lists")
    return value


def state_dict(data: dict, expected: dict[str, torch.Tensor], source: str) -> dict:
    """Weights: a mapping of names to finite float tensors with the shapes the config implies.

    `expected` is the state dict of the network built on the meta device (no memory), so a
    config that asks for a huge network is refused here, before anything is allocated.
    Names the network fills in itself for older checkpoints may be absent.
    """
    value = data["state_dict"]
    if not isinstance(value, dict):
        raise fail(source, "state_dict", f"must be a mapping, got {type(value).__name__}")
    for key, tensor in value.items():
        if not isinstance(key, str) or not isinstance(tensor, torch.Tensor):
            raise fail(source, "state_dict", f"entry {str(key)[:80]!r} is not a named tensor")
        want = expected.get(key)
        if want is None:
            raise fail(source, "state_dict", f"has weight {key[:80]!r}, which the config does "
                                             "not have")
        if tuple(tensor.shape) != tuple(want.shape):
            raise fail(source, "state_dict", f"weight {key[:80]!r} has shape {tuple(tensor.shape)}, "
                                             f"the config needs {tuple(want.shape)}")
        if not tensor.is_floating_point() or not torch.isfinite(tensor).all():
            raise fail(source, "state_dict", f"weight {key[:80]!r} must hold finite floats")
    return value
