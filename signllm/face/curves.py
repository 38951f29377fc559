"""Easing and smoothing curves over frames, shared by the face's parts (brows, head, gaze).

Why their own module: the mouth, the brows and the eyes all ease in and out around a word's
frames and blend from frame to frame the same way.
"""
from __future__ import annotations

import numpy as np


def gaussian_smooth(x: np.ndarray, sigma: float) -> np.ndarray:
    """Smooth (T, K) along time; edges held (no zero padding pulling the ends down)."""
    if sigma <= 0 or len(x) < 2:
        return x
    radius = max(1, int(np.ceil(3 * sigma)))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    padded = np.pad(x, ((radius, radius), (0, 0)), mode="edge")
    return np.stack([np.convolve(padded[:, k], kernel, mode="valid") for k in range(x.shape[1])],
                    axis=1)


def smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0, 1)
    return x * x * (3 - 2 * x)


def plateau(frames: int, start: float, end: float, ramp: float) -> np.ndarray:
    """1 over [start, end), eased to 0 over `ramp` frames outside it."""
    t = np.arange(frames, dtype=np.float64)
    if ramp <= 0:
        return ((t >= start) & (t < end)).astype(np.float64)
    rise = smoothstep((t - (start - ramp)) / ramp)
    fall = smoothstep(((end - 1 + ramp) - t) / ramp)
    return np.minimum(rise, fall)
