"""Small rotation geometry shared by the fitter's stages (frames, minimal swings, powers)."""
from __future__ import annotations

import numpy as np

from signllm.geometry import cross as _cross

from .kinematics import axis_angles, rotmats

def _unit(v: np.ndarray, eps: float = 1e-9) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), eps)


def _frame(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Orthonormal frames (..., 3, 3) with columns a, b orthogonalised, a x b."""
    a = _unit(a)
    b = _unit(b - (b * a).sum(-1, keepdims=True) * a)
    return np.stack([a, b, _cross(a, b)], -1)


def _min_rotation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest rotations taking directions a to b (..., 3, 3): R = I + [v] + [v]^2 / (1 + c)."""
    a, b = np.broadcast_arrays(_unit(a), _unit(b))
    v = _cross(a, b)
    c = (a * b).sum(-1)
    # antiparallel: half a turn about an axis perpendicular to a
    alt = _cross(a, np.array([0.0, 0.0, 1.0]))
    alt = np.where(np.linalg.norm(alt, axis=-1, keepdims=True) < 1e-6, _cross(a, np.array([1.0, 0, 0])), alt)
    anti = c < -1 + 1e-8
    if anti.any():
        v = np.where(anti[..., None], _unit(alt), v)
        c = np.where(anti, 0.0, c)
    x, y, z = v[..., 0], v[..., 1], v[..., 2]
    zero = np.zeros_like(x)
    K = np.stack([zero, -z, y, z, zero, -x, -y, x, zero], -1).reshape(v.shape[:-1] + (3, 3))
    R = np.eye(3) + K + (K @ K) / (1 + c)[..., None, None]
    if anti.any():  # for the half turn about unit axis n: R = 2 n n^T - I
        n = _unit(alt)
        R = np.where(anti[..., None, None], 2 * n[..., :, None] * n[..., None, :] - np.eye(3), R)
    return R


def _power(R: np.ndarray, fraction: float, max_angle: float | None = None) -> np.ndarray:
    aa = axis_angles(R) * fraction
    if max_angle is not None:
        ang = np.linalg.norm(aa, axis=-1, keepdims=True)
        aa *= np.minimum(1.0, max_angle / np.maximum(ang, 1e-12))
    return rotmats(aa)


def _T(R: np.ndarray) -> np.ndarray:
    return np.swapaxes(R, -1, -2)


def _mv(R: np.ndarray, v: np.ndarray) -> np.ndarray:
    return (R @ v[..., None])[..., 0]
