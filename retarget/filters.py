"""Keypoint and rotation smoothing before and after fitting.

Why: detector and generator keypoints jitter by millimetres from frame to frame, which turns into
finger rotations flickering by tens of degrees. The One Euro filter (Casiez et al., CHI 2012)
smooths slow motion strongly and fast motion little, so a real movement keeps its speed while
the jitter goes. Here it is confidence-aware: a sample's confidence scales how far it moves the
estimate, so a shaky low-confidence joint follows its confident neighbours in time instead.
Offline, the filter runs forwards and backwards and the two are averaged (no lag); streaming
runs forwards only with the lighter `STREAM` settings, which adds the filter's own lag (about
1 / (2 pi min_cutoff) s = 40 ms for slow motion, less when moving) and no buffered frames.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.transform import Rotation

from .kinematics import quaternions


# Streaming has no look-ahead, so its filter trades less smoothing for lag: about one frame at
# 25 fps when still (1 / (2 pi 4 Hz) = 40 ms), less when moving.
STREAM = {"min_cutoff": 4.0, "beta": 60.0}


def _alpha(cutoff: np.ndarray, fps: float) -> np.ndarray:
    tau = 1.0 / (2 * np.pi * cutoff)
    return 1.0 / (1.0 + tau * fps)


@dataclass
class OneEuro:
    """One Euro filter over arrays of points (..., 3); `step` takes one frame."""
    fps: float
    min_cutoff: float = 2.0   # Hz: the cutoff when a point is still
    beta: float = 10.0        # 1/m: how fast the cutoff rises with speed (m/s)
    d_cutoff: float = 1.0     # Hz: cutoff of the speed estimate
    x: np.ndarray | None = None
    dx: np.ndarray | None = None

    def step(self, value: np.ndarray, confidence: np.ndarray | None = None) -> np.ndarray:
        value = np.asarray(value, np.float64)
        if self.x is None:
            self.x, self.dx = value.copy(), np.zeros_like(value)
            return self.x.copy()
        c = 1.0 if confidence is None else np.clip(confidence, 0, 1)[..., None]
        speed = (value - self.x) * self.fps
        self.dx = self.dx + c * _alpha(np.asarray(self.d_cutoff), self.fps) * (speed - self.dx)
        cutoff = self.min_cutoff + self.beta * np.linalg.norm(self.dx, axis=-1, keepdims=True)
        self.x = self.x + c * _alpha(cutoff, self.fps) * (value - self.x)
        return self.x.copy()


def step_many(filters: list[OneEuro], values: list[np.ndarray],
              confidences: list[np.ndarray]) -> list[np.ndarray]:
    """Each filter through its own frames (T_i, ..., 3) with confidences (T_i, ...), frame t of
    all of them in one pass: the same values as stepping each alone (a server's streams share
    the filter's settings; 64 streams stepped one by one cost 64 times the fixed cost of
    numpy's small-array calls). Filters must share fps and parameters."""
    lengths = np.array([len(v) for v in values])
    if not lengths.max(initial=0):
        return [np.asarray(v, np.float64) for v in values]
    first = filters[0]
    shape = np.shape(values[int(np.argmax(lengths))])[1:]
    V = np.zeros((len(filters), lengths.max(), *shape))
    C = np.zeros(V.shape[:-1])
    for k, (v, c) in enumerate(zip(values, confidences)):
        V[k, :len(v)], C[k, :len(v)] = v, np.clip(c, 0, 1)
    fresh = np.array([f.x is None for f in filters]) & (lengths > 0)
    x = np.stack([V[k, 0] if fresh[k] else (f.x if f.x is not None else np.zeros(shape))
                  for k, f in enumerate(filters)])
    dx = np.stack([f.dx if f.x is not None else np.zeros(shape) for f in filters])
    out = np.empty_like(V)
    alpha_d = _alpha(np.asarray(first.d_cutoff), first.fps)
    for t in range(V.shape[1]):
        live = (t < lengths) & ~(fresh & (t == 0))      # a fresh filter starts at its frame 0
        c = np.where(live.reshape(-1, *[1] * len(shape)), C[:, t, ..., None], 0.0)
        speed = (V[:, t] - x) * first.fps
        dx = dx + c * alpha_d * (speed - dx)
        cutoff = first.min_cutoff + first.beta * np.linalg.norm(dx, axis=-1, keepdims=True)
        x = x + c * _alpha(cutoff, first.fps) * (V[:, t] - x)
        out[:, t] = x
    for k, f in enumerate(filters):
        if lengths[k]:
            f.x, f.dx = x[k].copy(), dx[k].copy()
    return [out[k, :n] for k, n in enumerate(lengths)]


def one_euro(K: np.ndarray, confidence: np.ndarray, fps: float, zero_lag: bool = True,
             **params) -> np.ndarray:
    """Filter a track (T, J, 3) with per-sample confidence (T, J); forwards and backwards
    averaged when `zero_lag` (offline)."""
    def run(track, conf):
        f = OneEuro(fps, **params)
        return np.stack([f.step(k, c) for k, c in zip(track, conf)])
    out = run(K, confidence)
    if zero_lag and len(K) > 1:
        out = 0.5 * (out + run(K[::-1], confidence[::-1])[::-1])
    return out


def smooth_rotations(R: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing of rotation tracks (T, ..., 3, 3) through sign-continuous quaternions."""
    if sigma <= 0 or len(R) < 2:
        return R
    q = quaternions(R)
    flip = np.cumsum(np.concatenate([np.zeros((1,) + q.shape[1:-1], bool),
                                     (q[1:] * q[:-1]).sum(-1) < 0]), axis=0) % 2 == 1
    q = np.where(flip[..., None], -q, q)
    q = gaussian_filter1d(q, sigma, axis=0, mode="nearest")
    return Rotation.from_quat(q.reshape(-1, 4)).as_matrix().reshape(R.shape)
