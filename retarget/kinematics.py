"""Batched forward kinematics on the 55-joint tree, in NumPy (export, preview) and torch (fitting).

Same convention as `smplx.lbs`: a joint's global rotation G_j = G_parent @ R_j rotates its rest
bone about the rest joint position; translation is added after the pelvis.
"""
from __future__ import annotations

import numpy as np

from .skeleton55 import PARENTS


def rotmats(axis_angle: np.ndarray) -> np.ndarray:
    """(..., 3) axis-angle -> (..., 3, 3) (Rodrigues; plain NumPy, cheap for small batches)."""
    aa = np.asarray(axis_angle, dtype=np.float64)
    angle = np.sqrt((aa * aa).sum(-1))
    safe = np.where(angle > 1e-12, angle, 1.0)
    x, y, z = np.moveaxis(np.where((angle > 1e-12)[..., None], aa / safe[..., None], 0.0), -1, 0)
    s, c = np.sin(angle), np.cos(angle)
    t = 1 - c
    R = np.stack([c + t * x * x, t * x * y - s * z, t * x * z + s * y,
                  t * x * y + s * z, c + t * y * y, t * y * z - s * x,
                  t * x * z - s * y, t * y * z + s * x, c + t * z * z], -1)
    return R.reshape(aa.shape[:-1] + (3, 3))


def quaternions(mats: np.ndarray) -> np.ndarray:
    """(..., 3, 3) -> (..., 4) unit quaternions x, y, z, w with w >= 0 (Shepperd's method: the
    best-conditioned of four formulas per matrix)."""
    m = np.asarray(mats, dtype=np.float64)
    m00, m01, m02 = m[..., 0, 0], m[..., 0, 1], m[..., 0, 2]
    m10, m11, m12 = m[..., 1, 0], m[..., 1, 1], m[..., 1, 2]
    m20, m21, m22 = m[..., 2, 0], m[..., 2, 1], m[..., 2, 2]
    tr = m00 + m11 + m22
    cand = np.stack([
        np.stack([1 + m00 - m11 - m22, m01 + m10, m02 + m20, m21 - m12], -1),
        np.stack([m01 + m10, 1 + m11 - m00 - m22, m12 + m21, m02 - m20], -1),
        np.stack([m02 + m20, m12 + m21, 1 + m22 - m00 - m11, m10 - m01], -1),
        np.stack([m21 - m12, m02 - m20, m10 - m01, 1 + tr], -1)], -2)
    best = np.argmax(np.stack([m00, m11, m22, tr], -1), -1)
    q = np.take_along_axis(cand, best[..., None, None], -2)[..., 0, :]
    q /= np.linalg.norm(q, axis=-1, keepdims=True)
    return q * np.where(q[..., 3:] < 0, -1.0, 1.0)


def axis_angles(mats: np.ndarray) -> np.ndarray:
    """(..., 3, 3) -> (..., 3) axis-angle (angle in [0, pi])."""
    q = quaternions(mats)
    v = q[..., :3]
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    angle = 2 * np.arctan2(n, q[..., 3:])
    return np.where(n > 1e-12, v * angle / np.where(n > 1e-12, n, 1.0), 2 * v)


def forward_kinematics(local: np.ndarray, rest_joints: np.ndarray, transl: np.ndarray | None = None,
                       parents: np.ndarray = PARENTS) -> tuple[np.ndarray, np.ndarray]:
    """local (T, J, 3, 3) rotations -> (global rotations (T, J, 3, 3), positions (T, J, 3))."""
    T, J = local.shape[:2]
    G = np.empty_like(local)
    P = np.empty((T, J, 3), dtype=local.dtype)
    G[:, 0] = local[:, 0]
    P[:, 0] = rest_joints[0]
    for j in range(1, J):
        p = parents[j]
        G[:, j] = G[:, p] @ local[:, j]
        P[:, j] = P[:, p] + G[:, p] @ (rest_joints[j] - rest_joints[p])
    if transl is not None:
        P += np.asarray(transl)[:, None, :]
    return G, P


def torch_rotmats(aa):
    """Rodrigues for torch tensors (..., 3) -> (..., 3, 3), safe at zero angle; element-wise
    (c I + s [a] + (1 - c) a a^T) because batched 3x3 matmuls are slow in torch."""
    import torch
    angle = torch.sqrt((aa * aa).sum(-1) + 1e-12)
    x, y, z = (aa / angle[..., None]).unbind(-1)
    s, c = torch.sin(angle), torch.cos(angle)
    t = 1 - c
    R = torch.stack([c + t * x * x, t * x * y - s * z, t * x * z + s * y,
                     t * x * y + s * z, c + t * y * y, t * y * z - s * x,
                     t * x * z - s * y, t * y * z + s * x, c + t * z * z], -1)
    return R.reshape(aa.shape[:-1] + (3, 3))


def tree_levels(joints, parents=PARENTS) -> list[np.ndarray]:
    """Group a parent-closed joint subset by depth, so FK takes one batched step per level."""
    depth = {}
    for j in joints:
        depth[j] = 0 if parents[j] < 0 else depth[int(parents[j])] + 1
    return [np.array([j for j in joints if depth[j] == d]) for d in range(max(depth.values()) + 1)]


def torch_forward_kinematics(local, rest_joints, transl=None, parents=PARENTS, joints=None):
    """Torch twin of `forward_kinematics` (differentiable), one batched step per tree level.

    `joints`: a parent-closed subset to evaluate (default all); returns (G, P) for those joints in
    the order of `joints`."""
    import torch
    joints = list(range(local.shape[1])) if joints is None else list(joints)
    levels = tree_levels(joints, parents)
    pos = {int(j): i for level in levels for i, j in enumerate(level)}  # index within its level
    Gs, Ps = [], []
    for level in levels:
        js = torch.as_tensor(level)
        if parents[level[0]] < 0:
            G, P = local[:, js], rest_joints[js].expand(local.shape[0], -1, -1)
        else:  # every parent sits on the level above
            ps = parents[level]
            where = torch.as_tensor([pos[int(p)] for p in ps])
            Gp, Pp = Gs[-1][:, where], Ps[-1][:, where]
            G = Gp @ local[:, js]
            P = Pp + (Gp @ (rest_joints[js] - rest_joints[torch.as_tensor(ps)])[..., None])[..., 0]
        Gs.append(G)
        Ps.append(P)
    start = np.cumsum([0] + [len(level) for level in levels])
    depth = {int(j): d for d, level in enumerate(levels) for j in level}
    order = torch.as_tensor([start[depth[j]] + pos[j] for j in joints])
    G, P = torch.cat(Gs, 1)[:, order], torch.cat(Ps, 1)[:, order]
    if transl is not None:
        P = P + transl[:, None, :]
    return G, P
