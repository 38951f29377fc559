"""Batched forward kinematics on the 55-joint tree, in NumPy (export, preview) and torch (fitting).

Same convention as `smplx.lbs`: a joint's global rotation G_j = G_parent @ R_j rotates its rest
bone about the rest joint position; translation is added after the pelvis.
"""
from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from .skeleton55 import PARENTS


def rotmats(axis_angle: np.ndarray) -> np.ndarray:
    """(..., 3) axis-angle -> (..., 3, 3)."""
    aa = np.asarray(axis_angle, dtype=np.float64)
    return Rotation.from_rotvec(aa.reshape(-1, 3)).as_matrix().reshape(aa.shape[:-1] + (3, 3))


def axis_angles(mats: np.ndarray) -> np.ndarray:
    """(..., 3, 3) -> (..., 3) axis-angle."""
    m = np.asarray(mats, dtype=np.float64)
    return Rotation.from_matrix(m.reshape(-1, 3, 3)).as_rotvec().reshape(m.shape[:-2] + (3,))


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
    """Rodrigues for torch tensors (..., 3) -> (..., 3, 3), safe at zero angle."""
    import torch
    angle = torch.sqrt((aa * aa).sum(-1, keepdim=True) + 1e-12)
    axis = aa / angle
    x, y, z = axis.unbind(-1)
    zero = torch.zeros_like(x)
    K = torch.stack([zero, -z, y, z, zero, -x, -y, x, zero], -1).reshape(aa.shape[:-1] + (3, 3))
    s, c = torch.sin(angle)[..., None], torch.cos(angle)[..., None]
    eye = torch.eye(3, dtype=aa.dtype, device=aa.device).expand_as(K)
    return eye + s * K + (1 - c) * (K @ K)


def torch_forward_kinematics(local, rest_joints, transl=None, parents=PARENTS, joints=None):
    """Torch twin of `forward_kinematics` (differentiable). `joints`: a parent-closed subset in
    tree order to evaluate (the others come back as zeros), e.g. to skip the legs while fitting."""
    import torch
    order = range(local.shape[1]) if joints is None else joints
    T = local.shape[0]
    G: dict = {}
    P: dict = {}
    for j in order:
        p = int(parents[j])
        if p < 0:
            G[j], P[j] = local[:, j], rest_joints[j].expand(T, 3)
        else:
            G[j] = G[p] @ local[:, j]
            P[j] = P[p] + (G[p] @ (rest_joints[j] - rest_joints[p])[:, None])[..., 0]
    eye, zero = torch.eye(3, dtype=local.dtype).expand(T, 3, 3), torch.zeros(T, 3, dtype=local.dtype)
    Gs = torch.stack([G.get(j, eye) for j in range(local.shape[1])], 1)
    Ps = torch.stack([P.get(j, zero) for j in range(local.shape[1])], 1)
    if transl is not None:
        Ps = Ps + transl[:, None, :]
    return Gs, Ps
