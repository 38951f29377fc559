"""Keypoints (`PoseSequence`, 50 joints) -> SMPL-X `Motion`, fitted in joint space.

Two stages (research-notes §5: the full mesh forward pass is far too slow to fit through):
1. an analytic solution from bone directions: torso from the shoulder line, upper-arm twist from
   the elbow's hinge plane, hand from the palm plane (wrist / middle base / index-pinky line) with
   the forearm roll split half-and-half between elbow and wrist (no candy-wrapper wrists),
   fingers by minimal swings;
2. a few iterations of a batched optimiser (all frames at once) that pulls the keypoints closer,
   smooths them over time and keeps fingers, wrists and elbows inside anatomical limits.
Missing or low-confidence joints are interpolated over time (held at the ends); joints never
seen keep the rest pose. The legs stand in the rest pose.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from signllm.errors import BadInputError
from signllm.pose import PoseSequence
from signllm.skeleton import (L_ELBOW, L_SHOULDER, L_WRIST, NECK, NOSE, PROMPT2SIGN_50, R_ELBOW,
                              R_SHOULDER, R_WRIST)

from .body import Body
from .kinematics import axis_angles, forward_kinematics, rotmats
from .motion import Motion, MotionFrame
from .skeleton55 import KEYPOINT_JOINT, NUM_JOINTS, PARENTS, finger_joints, joint

log = logging.getLogger(__name__)

_HAND_BASE = {"left": 8, "right": 29}
_FINGER_KP = {"thumb": 1, "index": 5, "middle": 9, "ring": 13, "pinky": 17}  # offsets in a hand
_ARM = {"left": (L_SHOULDER, L_ELBOW, L_WRIST), "right": (R_SHOULDER, R_ELBOW, R_WRIST)}
# Joints the optimiser may move (legs, jaw and eyes stay at rest).
ACTIVE = np.array([0, 3, 6, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21] + list(range(25, 55)))
SCALE_RANGE = (0.5, 2.0)   # observed/expected body size outside this is rescaled with a warning


@dataclass
class FitOptions:
    iterations: int = 6           # optimiser (L-BFGS) steps over the whole sequence
    smoothness: float = 0.1       # weight of keypoint acceleration
    prior: float = 0.02           # pull towards the analytic solution
    limits: float = 10.0          # weight of anatomical-limit violations
    min_confidence: float = 0.2   # below this a joint counts as missing
    fit_shape: bool = True        # fit betas once per sequence (3D input only)


# ----------------------------------------------------------------------------- small geometry
def _unit(v: np.ndarray, eps: float = 1e-9) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), eps)


def _frame(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Orthonormal frames (..., 3, 3) with columns a, b orthogonalised, a x b."""
    a = _unit(a)
    b = _unit(b - (b * a).sum(-1, keepdims=True) * a)
    return np.stack([a, b, np.cross(a, b)], -1)


def _min_rotation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest rotations taking directions a to b (..., 3, 3)."""
    a, b = _unit(a), _unit(b)
    axis = np.cross(a, b)
    s = np.linalg.norm(axis, axis=-1)
    c = (a * b).sum(-1)
    angle = np.arctan2(s, c)
    # antiparallel: any axis perpendicular to a
    alt = np.cross(a, np.array([0.0, 0.0, 1.0]))
    alt = np.where(np.linalg.norm(alt, axis=-1, keepdims=True) < 1e-6, np.cross(a, [1.0, 0, 0]), alt)
    axis = np.where((s < 1e-9)[..., None], _unit(alt), axis / np.maximum(s, 1e-12)[..., None])
    return rotmats(axis * angle[..., None])


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


# ----------------------------------------------------------------------------- input cleaning
def _fill_missing(K: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Interpolate missing joints over time, hold at the ends; return (filled, ever_seen)."""
    K = K.copy()
    T = len(K)
    # a missing neck is the shoulders' midpoint when both are there
    mid = valid[:, L_SHOULDER] & valid[:, R_SHOULDER] & ~valid[:, NECK]
    K[mid, NECK] = 0.5 * (K[mid, L_SHOULDER] + K[mid, R_SHOULDER])
    valid = valid.copy()
    valid[mid, NECK] = True
    seen = valid.any(0)
    t = np.arange(T)
    for j in np.flatnonzero(seen & ~valid.all(0)):
        ok = valid[:, j]
        for c in range(3):
            K[:, j, c] = np.interp(t, t[ok], K[ok, j, c])
    return K, seen


def _body_scale(K: np.ndarray, valid: np.ndarray, rest_kp: np.ndarray) -> float | None:
    """Observed / expected size, from the bones seen in both files (median over frames)."""
    ratios = []
    for c, p in enumerate(PROMPT2SIGN_50.parents):
        if p < 0:
            continue
        both = valid[:, c] & valid[:, p]
        if both.any():
            obs = np.median(np.linalg.norm(K[both, c] - K[both, p], axis=-1))
            exp = np.linalg.norm(rest_kp[c] - rest_kp[p])
            if exp > 1e-3 and obs > 0:
                ratios.append(obs / exp)
    return float(np.median(ratios)) if ratios else None


def _lift_depth(K: np.ndarray, rest_kp: np.ndarray) -> np.ndarray:
    """Give 2D keypoints a plausible depth: each bone keeps its body length, leaning forward."""
    K = K.copy()
    K[:, :, 2] = 0.0
    for c, p in enumerate(PROMPT2SIGN_50.parents):
        if p < 0:
            continue
        L = np.linalg.norm(rest_kp[c] - rest_kp[p])
        l_xy = np.linalg.norm(K[:, c, :2] - K[:, p, :2], axis=-1)
        if c in (L_SHOULDER, R_SHOULDER):
            K[:, c, 2] = K[:, p, 2] + rest_kp[c, 2] - rest_kp[p, 2]
        else:
            K[:, c, 2] = K[:, p, 2] + np.sqrt(np.maximum(L * L - l_xy * l_xy, 0.0))
    return K


def _fit_betas(body: Body, K: np.ndarray, valid: np.ndarray, reg: float = 0.05) -> np.ndarray:
    """Betas whose keypoint bone lengths match the median observed ones (regularised LS)."""
    bones = [(p, c) for c, p in enumerate(PROMPT2SIGN_50.parents) if p >= 0]
    obs, rows = [], []
    for p, c in bones:
        both = valid[:, c] & valid[:, p]
        if both.sum() >= 1:
            obs.append(np.median(np.linalg.norm(K[both, c] - K[both, p], axis=-1)))
            rows.append((p, c))
    if len(rows) < 3:
        return body.betas.copy()
    obs = np.array(obs)
    B = body.num_betas

    def lengths(b):
        kp = body.rest_keypoints(b)
        return np.array([np.linalg.norm(kp[c] - kp[p]) for p, c in rows])

    beta = np.zeros(B)
    for _ in range(2):  # Gauss-Newton: lengths are nearly linear in the betas
        l0 = lengths(beta)
        D = np.stack([(lengths(beta + 0.1 * np.eye(B)[i]) - l0) / 0.1 for i in range(B)], 1)
        A = D.T @ D + reg * np.eye(B) * (D ** 2).sum() / max(len(rows), 1)
        beta = beta + np.linalg.solve(A, D.T @ (obs - l0) - reg * beta * (D ** 2).sum() / len(rows))
        beta = np.clip(beta, -3, 3)
    return beta


# ----------------------------------------------------------------------------- analytic stage
def analytic_pose(K: np.ndarray, seen: np.ndarray, rest: np.ndarray, offsets: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Local rotations (T, 55, 3, 3) and translation (T, 3) from filled keypoints K (T, 50, 3)."""
    T = len(K)
    L = np.broadcast_to(np.eye(3), (T, NUM_JOINTS, 3, 3)).copy()
    G = L.copy()
    P = np.broadcast_to(rest, (T, NUM_JOINTS, 3)).copy()
    rest_kp = rest[KEYPOINT_JOINT] + offsets

    def place(j):  # global rotation and position of j from its parent and L[:, j]
        p = PARENTS[j]
        G[:, j] = G[:, p] @ L[:, j]
        P[:, j] = P[:, p] + _mv(G[:, p], rest[j] - rest[p])

    def swing(j, rest_vec, target):  # minimal rotation of j's rest bone towards target
        p = PARENTS[j]
        R = _min_rotation(_mv(G[:, p], rest_vec), target)
        L[:, j] = _T(G[:, p]) @ R @ G[:, p]
        place(j)

    up = np.broadcast_to([0.0, 1.0, 0.0], (T, 3))
    if seen[L_SHOULDER] and seen[R_SHOULDER]:
        torso = _frame(K[:, L_SHOULDER] - K[:, R_SHOULDER], up) @ _T(
            _frame(rest_kp[L_SHOULDER] - rest_kp[R_SHOULDER], up[0]))
    else:
        torso = np.broadcast_to(np.eye(3), (T, 3, 3))
    fwd = torso[:, :, 2]
    yaw = np.arctan2(fwd[:, 0], fwd[:, 2])
    L[:, 0] = rotmats(np.stack([np.zeros(T), yaw / 2, np.zeros(T)], -1))
    G[:, 0] = L[:, 0]
    spine = _power(_T(G[:, 0]) @ torso, 1 / 3)
    for j in (joint("spine1"), joint("spine2"), joint("spine3")):
        L[:, j] = spine
        place(j)
    neck, head, spine3 = joint("neck"), joint("head"), joint("spine3")
    place(neck)
    transl = (K[:, NECK] - P[:, neck]) if seen[NECK] else np.zeros((T, 3))
    P += transl[:, None]
    if seen[NOSE]:
        R = _min_rotation(_mv(G[:, spine3], rest_kp[NOSE] - rest[neck]), K[:, NOSE] - P[:, neck])
        half = _power(_T(G[:, spine3]) @ R @ G[:, spine3], 0.5, max_angle=0.6)
        L[:, neck] = half
        L[:, head] = half
    place(neck)
    place(head)
    for side, sign in (("left", -1.0), ("right", 1.0)):
        k_sh, k_el, k_wr = _ARM[side]
        col, sh, el, wr = (joint(f"{side}_{n}") for n in ("collar", "shoulder", "elbow", "wrist"))
        place(col)
        if seen[k_sh]:
            R = _min_rotation(_mv(G[:, spine3], rest[sh] - rest[col]), K[:, k_sh] - P[:, col])
            L[:, col] = _power(_T(G[:, spine3]) @ R @ G[:, spine3], 1.0, max_angle=0.5)
        place(col)
        place(sh)
        if seen[k_el]:
            u_r, h_r = rest[el] - rest[sh], np.array([0.0, sign, 0.0])
            u = K[:, k_el] - P[:, sh]
            f = K[:, k_wr] - K[:, k_el] if seen[k_wr] else np.broadcast_to(rest[wr] - rest[el], u.shape)
            n_obs = np.cross(_unit(u), _unit(f))
            h_ref = _mv(_min_rotation(_mv(G[:, col], u_r), u) @ G[:, col], h_r)
            w = np.clip(np.linalg.norm(n_obs, axis=-1, keepdims=True) / 0.35, 0, 1)
            n = w * _unit(n_obs) + (1 - w) * h_ref
            n = np.where(np.linalg.norm(n, axis=-1, keepdims=True) < 1e-3, h_ref, n)
            Gs = _frame(u, n) @ _T(_frame(u_r, h_r))
            L[:, sh] = _T(G[:, col]) @ Gs
        place(sh)
        place(el)
        if seen[k_wr]:
            swing(el, rest[wr] - rest[el], K[:, k_wr] - P[:, el])
        place(wr)
        hb = _HAND_BASE[side]
        palm = (hb, hb + _FINGER_KP["middle"], hb + _FINGER_KP["index"], hb + _FINGER_KP["pinky"])
        if all(seen[k] for k in palm):
            wrist_kp, mid, idx, pky = (K[:, k] for k in palm)
            mid_j, idx_j, pky_j = (finger_joints(side, f)[0] for f in ("middle", "index", "pinky"))
            W = _frame(mid - wrist_kp, idx - pky) @ _T(_frame(rest[mid_j] - rest[wr], rest[idx_j] - rest[pky_j]))
            # split the forearm roll: half at the elbow (about the forearm axis), half at the wrist
            a = _unit(rest[wr] - rest[el])
            q = Rotation.from_matrix(_T(G[:, el]) @ W).as_quat()
            tau = 2 * np.arctan2(q[:, :3] @ a, q[:, 3])
            tau = (tau + np.pi) % (2 * np.pi) - np.pi
            L[:, el] = L[:, el] @ rotmats(a * (tau[:, None] / 2))
            place(el)
            place(wr)
            L[:, wr] = _T(G[:, el]) @ W
            place(wr)
        for finger, k0 in _FINGER_KP.items():
            js = finger_joints(side, finger)
            ks = [hb + k0 + i for i in range(4)]
            for i, j in enumerate(js):
                place(j)
                target = ks[i + 1]
                if not seen[target]:
                    continue
                rest_vec = rest[js[i + 1]] - rest[j] if i < 2 else offsets[target]
                swing(j, rest_vec, K[:, target] - P[:, j])
    return L, transl


# ----------------------------------------------------------------------------- optimiser stage
def _limit_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per active joint: lower/upper bounds of the local axis-angle (x, y, z), and which joints.

    Axes in SMPL-X's rest frame (T-pose, palms down): fingers bend about -z (left) / +z (right),
    spread about y, twist about x; elbows bend about -y (left) / +y (right)."""
    lo = np.full((NUM_JOINTS, 3), -np.pi)
    hi = np.full((NUM_JOINTS, 3), np.pi)
    for side, s in (("left", -1.0), ("right", 1.0)):
        el, wr = joint(f"{side}_elbow"), joint(f"{side}_wrist")
        bend = (-0.1, 2.6) if s > 0 else (-2.6, 0.1)
        lo[el], hi[el] = (-1.6, bend[0], -0.5), (1.6, bend[1], 0.5)
        lo[wr], hi[wr] = (-1.2, -0.6, -1.3), (1.2, 0.6, 1.3)
        for finger in ("index", "middle", "ring", "pinky"):
            for i, j in enumerate(finger_joints(side, finger)):
                spread = 0.45 if i == 0 else 0.12
                flex = (-0.35, 1.8) if i == 0 else (-0.1, 2.0)
                zlo, zhi = (flex[0], flex[1]) if s > 0 else (-flex[1], -flex[0])
                lo[j], hi[j] = (-0.25, -spread, zlo), (0.25, spread, zhi)
    return lo, hi


_LIMIT_LO, _LIMIT_HI = _limit_table()
_UNIT = 0.01  # residuals in centimetres keep the terms' weights readable


def refine(L0: np.ndarray, transl0: np.ndarray, K: np.ndarray, weight: np.ndarray,
           rest: np.ndarray, offsets: np.ndarray, opts: FitOptions,
           history: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Adam over per-frame corrections of the active joints. `history` (2, 50, 3): the previous
    two fitted keypoint frames (streaming), so acceleration is penalised across pushes too."""
    import torch

    from .kinematics import torch_forward_kinematics, torch_rotmats
    T = len(K)
    dt = torch.float32
    L0_t = torch.tensor(L0, dtype=dt)
    aa0 = torch.tensor(axis_angles(L0[:, ACTIVE]), dtype=dt)
    rest_t = torch.tensor(rest, dtype=dt)
    off_t = torch.tensor(offsets, dtype=dt)
    K_t = torch.tensor(K, dtype=dt)
    w_t = torch.tensor(weight, dtype=dt)
    lo = torch.tensor(_LIMIT_LO[ACTIVE], dtype=dt)
    hi = torch.tensor(_LIMIT_HI[ACTIVE], dtype=dt)
    hist = torch.tensor(history, dtype=dt) if history is not None else None
    delta = torch.zeros((T, len(ACTIVE), 3), dtype=dt, requires_grad=True)
    dtr = torch.zeros((T, 3), dtype=dt, requires_grad=True)
    transl_t = torch.tensor(transl0, dtype=dt)
    kj = torch.tensor(KEYPOINT_JOINT)
    optim = torch.optim.LBFGS([delta, dtr], lr=1.0, max_iter=opts.iterations, history_size=10,
                              line_search_fn="strong_wolfe")
    active = torch.tensor(ACTIVE)

    def forward():
        local = L0_t.clone()
        local[:, active] = L0_t[:, active] @ torch_rotmats(delta)
        G, P = torch_forward_kinematics(local, rest_t, transl_t + dtr)
        return (G[:, kj] @ off_t[..., None])[..., 0] + P[:, kj]

    def closure():
        optim.zero_grad()
        kp = forward()
        loss = (w_t * ((kp - K_t) / _UNIT) ** 2).sum()
        seq = kp if hist is None else torch.cat([hist, kp], 0)
        if len(seq) >= 3:
            acc = (seq[2:] - 2 * seq[1:-1] + seq[:-2]) / _UNIT
            loss = loss + opts.smoothness * (acc ** 2).sum()
        aa = aa0 + delta
        loss = loss + opts.limits * ((torch.relu(lo - aa) ** 2).sum() + (torch.relu(aa - hi) ** 2).sum())
        loss = loss + opts.prior * (delta ** 2).sum()
        loss.backward()
        return loss

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small batched ops: more threads only contend (measured 3x slower)
    try:
        optim.step(closure)
    finally:
        torch.set_num_threads(threads)
    with torch.no_grad():
        L = L0.copy()
        L[:, ACTIVE] = L0[:, ACTIVE] @ torch_rotmats(delta).double().numpy()
        return L, transl0 + dtr.double().numpy()


# ----------------------------------------------------------------------------- public API
def _prepare(pose: PoseSequence, body: Body, opts: FitOptions):
    if pose.skeleton.num_joints != 50:
        raise BadInputError(f"retargeting needs the 50-joint layout, got {pose.skeleton.name}",
                            path=pose.name)
    if pose.num_frames == 0:
        raise BadInputError("empty sequence: nothing to retarget", path=pose.name)
    K = pose.joints.astype(np.float64)
    valid = (pose.confidence >= opts.min_confidence) & np.isfinite(K).all(-1)
    if not valid.any():
        raise BadInputError("no keypoint has confidence >= "
                            f"{opts.min_confidence}: nothing to retarget", path=pose.name)
    K = np.where(valid[..., None], K, 0.0)
    scale = _body_scale(K, valid, body.rest_keypoints())
    if scale is not None and not SCALE_RANGE[0] <= scale <= SCALE_RANGE[1]:
        log.warning("%s: keypoints are %.3g x the body's size; rescaled to metres",
                    pose.name or "sequence", scale)
        K = K / scale
    K, seen = _fill_missing(K, valid)
    return K, valid, seen


def _weights(valid: np.ndarray, confidence: np.ndarray, depth_known: bool) -> np.ndarray:
    w = np.where(valid, np.clip(confidence, 0, 1), 0.02)[..., None] * np.ones(3)
    if not depth_known:
        w[..., 2] *= 0.05
    return w


def fit_sequence(pose: PoseSequence, body: Body, **opts) -> Motion:
    """Fit a whole clip at once (batched over frames)."""
    o = FitOptions(**opts)
    K, valid, seen = _prepare(pose, body, o)
    betas = body.betas
    if pose.depth_known and o.fit_shape:
        betas = _fit_betas(body, K, valid)
    rest, offsets = body.rest_joints(betas), body.keypoint_offsets(betas)
    if not pose.depth_known:
        K = _lift_depth(K, rest[KEYPOINT_JOINT] + offsets)
    L, transl = analytic_pose(K, seen, rest, offsets)
    if o.iterations > 0:
        L, transl = refine(L, transl, K, _weights(valid, pose.confidence, pose.depth_known),
                           rest, offsets, o)
    return Motion.from_full_pose(axis_angles(L), transl, betas, rest, pose.fps, name=pose.name,
                                 gender=body.gender)


def motion_keypoints(motion: Motion, body: Body) -> np.ndarray:
    """(T, 50, 3) keypoints of a motion (FK + the body's nose / fingertip offsets)."""
    G, P = forward_kinematics(motion.local_rotmats(), motion.rest_joints, motion.transl)
    off = body.keypoint_offsets(motion.betas)
    return _mv(G[:, KEYPOINT_JOINT], off) + P[:, KEYPOINT_JOINT]


class StreamingFitter:
    """Frame-by-frame fitting with warm start: missing joints hold their last value, the last two
    fitted frames enter the smoothness term, and each push costs the same bounded work."""

    def __init__(self, body: Body, fps: float = 25.0, depth_known: bool = True, **opts):
        self.body, self.fps, self.depth_known = body, float(fps), depth_known
        self.opts = FitOptions(**{"iterations": 4, **opts})
        self.rest = body.rest_joints()
        self.offsets = body.keypoint_offsets()
        self.rest_kp = self.rest[KEYPOINT_JOINT] + self.offsets
        self.last = None          # last filled keypoints (50, 3)
        self.seen = np.zeros(50, bool)
        self.history: list[np.ndarray] = []
        self.index = 0
        self.scale: float | None = None

    def push(self, joints: np.ndarray, confidence: np.ndarray) -> MotionFrame:
        joints = np.asarray(joints, np.float64).reshape(50, 3)
        confidence = np.asarray(confidence, np.float64).reshape(50)
        valid = (confidence >= self.opts.min_confidence) & np.isfinite(joints).all(-1)
        joints = np.where(valid[:, None], joints, 0.0)
        if self.scale is None and valid.sum() >= 3:
            s = _body_scale(joints[None], valid[None], self.rest_kp)
            self.scale = s if s is not None and not SCALE_RANGE[0] <= s <= SCALE_RANGE[1] else 1.0
        joints = joints / (self.scale or 1.0)
        if self.last is None:
            self.last = self.rest_kp - self.rest_kp[NECK]
        if valid[L_SHOULDER] and valid[R_SHOULDER] and not valid[NECK]:
            joints[NECK] = 0.5 * (joints[L_SHOULDER] + joints[R_SHOULDER])
            valid[NECK] = True
        K = np.where(valid[:, None], joints, self.last)
        self.seen |= valid
        self.last = K
        if not self.depth_known:
            K = _lift_depth(K[None], self.rest_kp)[0]
        L, transl = analytic_pose(K[None], self.seen, self.rest, self.offsets)
        hist = np.stack(self.history) if len(self.history) == 2 else None
        if self.opts.iterations > 0:
            L, transl = refine(L, transl, K[None], _weights(valid[None], confidence[None], self.depth_known),
                               self.rest, self.offsets, self.opts, history=hist)
        G, P = forward_kinematics(L, self.rest, transl)
        self.history = (self.history + [_mv(G[0, KEYPOINT_JOINT], self.offsets) + P[0, KEYPOINT_JOINT]])[-2:]
        frame = MotionFrame(index=self.index, time=self.index / self.fps, pose=axis_angles(L[0]),
                            transl=transl[0])
        self.index += 1
        return frame

    def motion(self, frames: list[MotionFrame]) -> Motion:
        return Motion.from_frames(frames, self.body.betas, self.rest, self.fps, gender=self.body.gender)
