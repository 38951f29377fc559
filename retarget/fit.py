"""Keypoints (`PoseSequence`, 50 joints) -> SMPL-X `Motion`, fitted in joint space.

Two stages (the full SMPL-X mesh forward pass per iteration is far too slow to fit through):
1. an analytic solution from bone directions: torso from the shoulder line, upper-arm twist from
   the elbow's hinge plane (offline: averaged over the frames that show it clearly), hand from the palm plane (wrist / middle base / index-pinky line) with
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
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.transform import Rotation

from signllm.errors import BadInputError
from signllm.pose import PoseSequence
from signllm.skeleton import (L_ELBOW, L_HAND, L_SHOULDER, L_WRIST, NECK, NOSE, PROMPT2SIGN_50,
                              R_ELBOW, R_SHOULDER, R_WRIST)

from .body import Body
from .face import motion_with_face
from .filters import STREAM, OneEuro, one_euro, smooth_rotations, step_many
from .lifting import bone_length_depth, signing_space
from .rest import rest_missing_arms, rest_pose_keypoints
from .volume import body_volume, push_out
from .geometry import _T, _cross, _frame, _min_rotation, _mv, _power, _unit
from .kinematics import axis_angles, forward_kinematics, quaternions, rotmats
from .motion import Motion, MotionFrame
from .skeleton55 import KEYPOINT_JOINT, NUM_JOINTS, PARENTS, finger_joints, joint

log = logging.getLogger(__name__)

_HAND_BASE = {"left": 8, "right": 29}
_FINGER_KP = {"thumb": 1, "index": 5, "middle": 9, "ring": 13, "pinky": 17}  # offsets in a hand
_ARM = {"left": (L_SHOULDER, L_ELBOW, L_WRIST), "right": (R_SHOULDER, R_ELBOW, R_WRIST)}
# (10, 3) SMPL-X joints and (10, 4) keypoints of the fingers of both hands, in the same order.
_FINGER_JOINTS = np.array([finger_joints(side, f) for side in ("left", "right") for f in _FINGER_KP])
_FINGER_KPS = np.array([[_HAND_BASE[side] + k0 + i for i in range(4)]
                        for side in ("left", "right") for k0 in _FINGER_KP.values()])
# Joints the optimiser may move, in tree order: all the keypoints depend on (legs, jaw and eyes
# stay at rest and are skipped by FK while fitting).
ACTIVE = np.array([0, 3, 6, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21] + list(range(25, 55)))
_FINGERS = np.arange(25, 55)                     # both hands' 30 finger joints
_BODY_ACTIVE = ACTIVE[1:][ACTIVE[1:] < 25]        # spine, neck, head, arms (not the root)
# The mannequin's betas that keypoints measure: stature, arm length, shoulder width, torso length,
# hand size, head size (leg length and girth move no keypoint and stay at the mean).
_MANNEQUIN_VISIBLE_BETAS = (0, 1, 2, 3, 4, 7)
SCALE_RANGE = (0.5, 2.0)   # observed/expected body size outside this is rescaled with a warning


@dataclass
class FitOptions:
    iterations: int = 3           # optimiser (L-BFGS) steps over the whole sequence
    smoothness: float = 0.1       # weight of keypoint acceleration
    prior: float = 0.02           # pull towards the analytic solution
    limits: float = 10.0          # weight of anatomical-limit violations
    min_confidence: float = 0.2   # below this a joint counts as missing
    fit_shape: bool = True        # fit betas once per sequence (3D input only)
    smooth_input: float = 0.0     # Gaussian sigma (frames) over the keypoints before fitting
    smooth_palm: float = 1.0      # Gaussian sigma (frames) over the palm orientation
    smooth_bend_plane: float = 3.0  # the same over the elbow's bend plane, weighted by how
    #                               clearly each frame shows it (upper-arm twist; offline)
    max_speed: float = 15.0       # rad/s any joint may turn (0.6 rad per frame at 25 fps): a safety net
    one_euro: bool = True         # confidence-aware One Euro filter on the keypoints (filters.py)
    smooth_rotations: float = 1.0 # Gaussian sigma (frames) over the fitted rotations (offline)
    smooth_fingers: float = 1.7   # the same over the finger joints: their keypoints are the noisiest
    #                               (chosen on the PHOENIX and How2Sign samples, docs/retarget.md)
    rest_ease: int = 8            # arm joints missing this many frames away rest (rest.py); 0 = off
    body_volume: bool = True      # keep hands and forearms outside the body (volume.py)
    signing_space: bool = True    # 2D input: raised hands in front of the shoulders (lifting.py)


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
    """Observed / expected size, from the bones seen in both files (median over frames): the
    arm and shoulder bones where they are seen, the hands' only without them — 40 finger bones
    would outvote them, and a model's averaged hands come out small (a DSGS sentence's hands
    at 0.48x made the whole body 2.1x too big)."""
    bones = [(c, p, valid[:, c] & valid[:, p]) for c, p in enumerate(PROMPT2SIGN_50.parents)
             if p >= 0]
    seen = [bone for bone in bones if bone[2].any()]
    arms = [bone for bone in seen if bone[0] < L_HAND[0]]
    ratios = []
    for c, p, both in arms or seen:
        obs = np.median(np.linalg.norm(K[both, c] - K[both, p], axis=-1))
        exp = np.linalg.norm(rest_kp[c] - rest_kp[p])
        if exp > 1e-3 and obs > 0:
            ratios.append(obs / exp)
    return float(np.median(ratios)) if ratios else None


def _unit_factor(scale: float, name: str | None) -> float:
    """What to divide keypoints by when they are far from metres: a power of ten when the size
    is near one (millimetres, centimetres), else the measured size ratio."""
    power = 10.0 ** round(np.log10(scale))
    factor = power if 0.6 < scale / power < 1.6 else scale
    log.warning("%s: keypoints are %.3g x the body's size; divided by %.4g to get metres",
                name or "sequence", scale, factor)
    return factor


def _fit_betas(body: Body, K: np.ndarray, valid: np.ndarray, reg: float = 0.05) -> np.ndarray:
    """Betas whose keypoint bone lengths match the median observed ones (regularised LS)."""
    rest_kp = body.rest_keypoints()
    bones = [(p, c) for c, p in enumerate(PROMPT2SIGN_50.parents)
             if p >= 0 and np.linalg.norm(rest_kp[c] - rest_kp[p]) > 0.01]  # not wrist-to-wrist
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
    # only the directions the keypoints can see; on a user's SMPL-X model all are mixed, so the
    # regulariser keeps the rest small
    cols = _MANNEQUIN_VISIBLE_BETAS if body.is_mannequin else range(B)
    for _ in range(2):  # Gauss-Newton: lengths are nearly linear in the betas
        l0 = lengths(beta)
        D = np.stack([(lengths(beta + 0.1 * np.eye(B)[i]) - l0) / 0.1 if i in cols else np.zeros_like(l0)
                      for i in range(B)], 1)
        A = D.T @ D + reg * np.eye(B) * (D ** 2).sum() / max(len(rows), 1)
        beta = beta + np.linalg.solve(A, D.T @ (obs - l0) - reg * beta * (D ** 2).sum() / len(rows))
        beta = np.clip(beta, -3, 3)
    return beta


# ----------------------------------------------------------------------------- analytic stage
def rate_limit(L: np.ndarray, max_step: float, previous: np.ndarray | None = None,
               segments: int = 1) -> np.ndarray:
    """Cap how far each joint turns between consecutive frames (radians), walking forward in
    time: a noisy keypoint that would flip a finger or a palm over in one frame is followed at the
    capped speed instead. `previous` (J, 3, 3), or (segments, J, 3, 3): the frame before each
    segment's first (streaming). L holds `segments` equal-length sequences one after another,
    limited independently but in one vectorised walk."""
    J = L.shape[1]
    q = quaternions(L).reshape(segments, -1, J, 4)
    prev = None if previous is None else quaternions(previous).reshape(segments, J, 4)
    half = max_step / 2
    for t in range(q.shape[1]):
        if prev is not None:
            cur = q[:, t] * np.where((q[:, t] * prev).sum(-1, keepdims=True) < 0, -1.0, 1.0)
            theta = np.arccos(np.clip((cur * prev).sum(-1), -1.0, 1.0))  # half the turn
            over = theta > half
            if over.any():
                f = half / theta[over]
                th = theta[over][:, None]
                cur[over] = (np.sin((1 - f)[:, None] * th) * prev[over]
                             + np.sin(f[:, None] * th) * cur[over]) / np.sin(th)
            q[:, t] = cur
        prev = q[:, t]
    return Rotation.from_quat(q.reshape(-1, 4)).as_matrix().reshape(L.shape)


def analytic_pose(K: np.ndarray, seen: np.ndarray, rest: np.ndarray, offsets: np.ndarray,
                  palm_sigma: float = 1.0, segments: int = 1,
                  plane_sigma: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Local rotations (T, 55, 3, 3) and translation (T, 3) from filled keypoints K (T, 50, 3).
    Every step is per frame except the palm smoothing and the forearm-roll unwrapping, which
    run along time within each of `segments` equal-length sequences (many streams' chunks
    solved at once)."""
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
        # the nose's depth is unreliable in datasets lifted from 2D: tilt the head from its
        # height and sideways offset, keeping the rest pose's forward offset
        target = K[:, NOSE] - P[:, neck]
        target[:, 2] = _mv(G[:, spine3], rest_kp[NOSE] - rest[neck])[:, 2]
        R = _min_rotation(_mv(G[:, spine3], rest_kp[NOSE] - rest[neck]), target)
        half = _power(_T(G[:, spine3]) @ R @ G[:, spine3], 0.5, max_angle=0.6)
        L[:, neck] = half
        L[:, head] = half
    place(neck)
    place(head)
    for side, sign in (("left", -1.0), ("right", 1.0)):
        k_sh, k_el, k_wr = _ARM[side]
        col, sh, el, wr = (joint(f"{side}_{n}") for n in ("collar", "shoulder", "elbow", "wrist"))
        hb = _HAND_BASE[side]
        # the body's and the hand's wrist points can disagree by centimetres: aim between them
        wrist_kp = [k for k in (k_wr, hb) if seen[k]]
        wt = np.mean([K[:, k] for k in wrist_kp], 0) if wrist_kp else None
        place(col)
        if seen[k_sh]:
            R = _min_rotation(_mv(G[:, spine3], rest[sh] - rest[col]), K[:, k_sh] - P[:, col])
            L[:, col] = _power(_T(G[:, spine3]) @ R @ G[:, spine3], 1.0, max_angle=0.5)
        place(col)
        place(sh)
        if seen[k_el]:
            u_r, h_r = rest[el] - rest[sh], np.array([0.0, sign, 0.0])
            u = K[:, k_el] - P[:, sh]
            f = wt - K[:, k_el] if wt is not None else np.broadcast_to(rest[wr] - rest[el], u.shape)
            n_obs = _cross(_unit(u), _unit(f))  # its length, sin(bend), says how clearly
            if plane_sigma > 0:  # the frame shows the plane: clear frames outvote unclear ones
                n_obs = gaussian_filter1d(n_obs.reshape(segments, -1, 3), plane_sigma, axis=1,
                                          mode="nearest").reshape(-1, 3)
            h_ref = _mv(_min_rotation(_mv(G[:, col], u_r), u) @ G[:, col], h_r)
            # a nearly straight arm leaves the bend plane to noise: lean on the reference there
            # (a folded arm, hand near the shoulder, still shows its plane clearly)
            straight = (_unit(u) * _unit(f)).sum(-1, keepdims=True) > 0
            w = np.clip(np.linalg.norm(n_obs, axis=-1, keepdims=True) / np.where(straight, 0.35, 0.05), 0, 1)
            n = w * _unit(n_obs) + (1 - w) * h_ref  # u x f: the elbow always bends forwards
            n = np.where(np.linalg.norm(n, axis=-1, keepdims=True) < 1e-3, h_ref, n)
            Gs = _frame(u, n) @ _T(_frame(u_r, h_r))
            L[:, sh] = _T(G[:, col]) @ Gs
        place(sh)
        place(el)
        if wt is not None:
            swing(el, rest[wr] - rest[el], wt - P[:, el])
        place(wr)
        palm = (hb, hb + _FINGER_KP["middle"], hb + _FINGER_KP["index"], hb + _FINGER_KP["pinky"])
        if all(seen[k] for k in palm):
            wrist_kp, mid, idx, pky = (K[:, k] for k in palm)
            mid_j, idx_j, pky_j = (finger_joints(side, f)[0] for f in ("middle", "index", "pinky"))
            W = _frame(mid - wrist_kp, idx - pky) @ _T(_frame(rest[mid_j] - rest[wr], rest[idx_j] - rest[pky_j]))
            if palm_sigma > 0:  # a hand seen edge-on makes the palm plane flicker
                W = np.concatenate([smooth_rotations(w, palm_sigma) for w in np.split(W, segments)])
            # split the forearm roll: half at the elbow (about the forearm axis), half at the wrist;
            # the hand's swing stays at the wrist: Lw0 = swing @ twist(tau)
            a = _unit(rest[wr] - rest[el])
            Lw0 = _T(G[:, el]) @ W
            q = quaternions(Lw0)
            raw = 2 * np.arctan2(q[:, :3] @ a, q[:, 3])
            swing_part = Lw0 @ rotmats(-a * raw[:, None])
            raw = (raw + np.pi) % (2 * np.pi) - np.pi
            raw = np.unwrap(raw.reshape(segments, -1), axis=-1).reshape(-1)  # no 2-pi flips between frames
            tau = np.clip(raw, -_MAX_ROLL, _MAX_ROLL)
            L[:, el] = L[:, el] @ rotmats(a * (tau[:, None] / 2))
            L[:, wr] = rotmats(-a * (tau[:, None] / 2)) @ swing_part @ rotmats(a * tau[:, None])
            place(el)
            place(wr)
    # fingers of both hands at once, one phalanx level at a time; directions are taken inside
    # the hand, whose own wrist point may sit centimetres from the body's wrist point
    for level in range(3):
        js, ps = _FINGER_JOINTS[:, level], PARENTS[_FINGER_JOINTS[:, level]]
        G[:, js] = G[:, ps] @ L[:, js]
        P[:, js] = P[:, ps] + _mv(G[:, ps], rest[js] - rest[ps])
        k0, k1 = _FINGER_KPS[:, level], _FINGER_KPS[:, level + 1]
        ok = seen[k0] & seen[k1]
        if not ok.any():
            continue
        rest_vec = rest[_FINGER_JOINTS[:, level + 1]] - rest[js] if level < 2 else offsets[k1]
        Gp = G[:, ps][:, ok]
        R = _min_rotation(_mv(Gp, rest_vec[ok]), K[:, k1[ok]] - K[:, k0[ok]])
        L[:, js[ok]] = _T(Gp) @ R @ Gp
        G[:, js] = G[:, ps] @ L[:, js]
    return clamp_to_limits(L), transl


def clamp_to_limits(L: np.ndarray) -> np.ndarray:
    """Project elbow, wrist and finger rotations into their anatomical ranges (noisy hand
    keypoints otherwise fold fingers backwards or flip them between frames). Elbows and wrists
    are limited as swing x twist (the twist about the bone, x, taken out first): a bent elbow
    with its forearm rolled is in range however large both are, which the axis-angle
    components, mixing the two, would deny."""
    out = L.copy()
    j = _AXIS_ANGLE_LIMITED
    out[:, j] = rotmats(np.clip(axis_angles(L[:, j]), _LIMIT_LO[j], _LIMIT_HI[j]))
    j = _SWING_TWIST
    x, y, z, w = np.moveaxis(quaternions(L[:, j]), -1, 0)
    half = np.arctan2(x, w)                        # half the twist about x
    c, s = np.cos(half), np.sin(half)
    sw, sy, sz = w * c + x * s, y * c - z * s, z * c + y * s   # swing = q * twist^-1 (x: 0)
    norm = np.hypot(sy, sz)
    scale = np.where(norm > 1e-12, 2 * np.arctan2(norm, sw) / np.maximum(norm, 1e-12), 2.0)
    swing = np.stack([np.zeros_like(sy), sy * scale, sz * scale], -1)
    swing[..., 1:] = np.clip(swing[..., 1:], _LIMIT_LO[j, 1:], _LIMIT_HI[j, 1:])
    twist = np.zeros_like(swing)
    twist[..., 0] = np.clip(2 * half, _LIMIT_LO[j, 0], _LIMIT_HI[j, 0])
    out[:, j] = rotmats(swing) @ rotmats(twist)
    return out


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
        for j in finger_joints(side, "thumb"):
            lo[j], hi[j] = (-1.0, -1.0, -1.0), (1.0, 1.0, 1.0)
    return lo, hi


_LIMIT_LO, _LIMIT_HI = _limit_table()
_LIMITED = np.flatnonzero((_LIMIT_LO > -np.pi).any(1))
_SWING_TWIST = np.array([joint(f"{side}_{part}") for side in ("left", "right")
                         for part in ("elbow", "wrist")])
_AXIS_ANGLE_LIMITED = np.setdiff1d(_LIMITED, _SWING_TWIST)
_MAX_ROLL = 2.4  # forearm roll (radians), half at the elbow and half at the wrist
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
    kj_sub = torch.tensor([ACTIVE.tolist().index(j) for j in KEYPOINT_JOINT])  # into ACTIVE
    optim = torch.optim.LBFGS([delta, dtr], lr=1.0, max_iter=opts.iterations, history_size=10,
                              line_search_fn="strong_wolfe")
    active = torch.tensor(ACTIVE)

    def forward():
        local = L0_t.clone()
        local[:, active] = L0_t[:, active] @ torch_rotmats(delta)
        G, P = torch_forward_kinematics(local, rest_t, transl_t + dtr, joints=ACTIVE.tolist())
        return (G[:, kj_sub] @ off_t[..., None])[..., 0] + P[:, kj_sub]

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
        K = K / _unit_factor(scale, pose.name)
    conf = np.where(valid, pose.confidence, 0.0)
    if opts.rest_ease > 0:
        K, filled = rest_missing_arms(K, valid, rest_pose_keypoints(body), opts.rest_ease)
        conf = np.where(filled & ~valid, 1.0, conf)
        valid = filled
    K, seen = _fill_missing(K, valid)
    if opts.one_euro and len(K) > 1:
        K = one_euro(K, np.where(valid, conf, 0.0) + 0.02, pose.fps)
    if opts.smooth_input > 0 and len(K) > 1:
        K = gaussian_filter1d(K, opts.smooth_input, axis=0, mode="nearest")
    return K, valid, seen, conf


def _weights(valid: np.ndarray, confidence: np.ndarray, depth_known: bool) -> np.ndarray:
    w = np.where(valid, np.clip(confidence, 0, 1), 0.02)[..., None] * np.ones(3)
    if not depth_known:
        w[..., 2] *= 0.05
    return w


def _lifted_outside(K: np.ndarray, depth_known: bool, rest_kp: np.ndarray, volume, o: FitOptions):
    """Keypoints with a depth (lifted when unknown) and, when asked, outside the body."""
    if not depth_known:
        K = bone_length_depth(K, rest_kp)
        if o.signing_space:
            K = signing_space(K)
    return push_out(K, volume, rest_kp) if o.body_volume else K


_VOLUME_PASSES = 2  # re-solves with the targets moved by what is still inside the body


def _solve(K, seen, weights, rest, offsets, fps: float, o: FitOptions):
    """Analytic pose, refinement, rotation smoothing and the rate limit, over a whole clip."""
    L, transl = analytic_pose(K, seen, rest, offsets, o.smooth_palm, plane_sigma=o.smooth_bend_plane)
    if o.iterations > 0:
        L, transl = refine(L, transl, K, weights, rest, offsets, o)
    for joints, sigma in ((_BODY_ACTIVE, o.smooth_rotations), (_FINGERS, o.smooth_fingers)):
        if sigma > 0:
            L[:, joints] = smooth_rotations(L[:, joints], sigma)
    if o.max_speed > 0:
        L = rate_limit(L, o.max_speed / fps)
    return L, transl


def _keypoints(L, transl, rest, offsets) -> np.ndarray:
    G, P = forward_kinematics(L, rest, transl)
    return _mv(G[:, KEYPOINT_JOINT], offsets) + P[:, KEYPOINT_JOINT]


def fit_sequence(pose: PoseSequence, body: Body, **opts) -> Motion:
    """Fit a whole clip at once (batched over frames); a pose's face track moves the jaw, eyes
    and head (`retarget.face`) and travels with the motion."""
    o = FitOptions(**opts)
    K, valid, seen, conf = _prepare(pose, body, o)
    betas = body.betas
    if pose.depth_known and o.fit_shape:
        betas = _fit_betas(body, K, valid)
    rest, offsets = body.rest_joints(betas), body.keypoint_offsets(betas)
    rest_kp = rest[KEYPOINT_JOINT] + offsets
    K = _lifted_outside(K, pose.depth_known, rest_kp, body_volume(body, betas), o)
    weights = _weights(valid, conf, pose.depth_known)
    L, transl = _solve(K, seen, weights, rest, offsets, pose.fps, o)
    for _ in range(_VOLUME_PASSES if o.body_volume else 0):
        # what the solve left inside the body (fixed bone lengths, smoothing) moves the targets
        kp = _keypoints(L, transl, rest, offsets)
        fix = push_out(kp, body_volume(body, betas), rest_kp) - kp
        if not np.abs(fix).max() > 1e-4:
            break
        K = K + fix
        L, transl = _solve(K, seen, weights, rest, offsets, pose.fps, o)
    motion = Motion.from_full_pose(axis_angles(L), transl, betas, rest, pose.fps, name=pose.name,
                                   gender=body.gender)
    return motion_with_face(motion, pose.face)  # jaw, eyes, head's nods and shakes (face.py)


def motion_keypoints(motion: Motion, body: Body) -> np.ndarray:
    """(T, 50, 3) keypoints of a motion (FK + the body's nose / fingertip offsets)."""
    return _keypoints(motion.local_rotmats(), motion.transl, motion.rest_joints,
                      body.keypoint_offsets(motion.betas))


class StreamingFitter:
    """Frame-by-frame fitting with warm start: missing joints hold their last value, the last two
    fitted frames enter the smoothness term, and each push costs the same bounded work."""

    def __init__(self, body: Body, fps: float = 25.0, depth_known: bool = True, **opts):
        self.body, self.fps, self.depth_known = body, float(fps), depth_known
        self.opts = FitOptions(**{"iterations": 0, **opts})
        self.rest = body.rest_joints()
        self.offsets = body.keypoint_offsets()
        self.rest_kp = self.rest[KEYPOINT_JOINT] + self.offsets
        self.last = None          # last filled keypoints (50, 3)
        self.seen = np.zeros(50, bool)
        self.history: list[np.ndarray] = []
        self.previous: np.ndarray | None = None  # last frame's local rotations (55, 3, 3)
        self.index = 0
        self.scale: float | None = None
        self.since = np.full(50, np.iinfo(np.int32).max // 2)  # frames since each joint was seen
        self.rest_pose = rest_pose_keypoints(body)
        self.volume = body_volume(body)
        self.filter = OneEuro(self.fps, **STREAM)

    def _lifted(self, K: np.ndarray) -> np.ndarray:
        """The lift and push out of the body: stateless per frame, so streams that share them
        run them on all their chunks at once (`push_batch`)."""
        return _lifted_outside(K, self.depth_known, self.rest_kp, self.volume, self.opts)

    def _lift_key(self) -> tuple:
        o = self.opts
        return id(self.body), self.depth_known, o.signing_space, o.body_volume

    def _held(self, joints: np.ndarray, confidence: np.ndarray):
        """(held keypoints (T, 50, 3), valid masks, seen recently masks) of a chunk: a joint not
        seen in a frame holds its last seen place (before the stream's first sight: the rest
        pose); updates the held state. Whole-chunk passes, equal to going frame by frame."""
        joints = np.asarray(joints, np.float64).reshape(-1, 50, 3)
        confidence = np.asarray(confidence, np.float64).reshape(-1, 50)
        valid = (confidence >= self.opts.min_confidence) & np.isfinite(joints).all(-1)
        joints = np.where(valid[..., None], joints, 0.0)
        if self.scale is None:
            enough = np.flatnonzero(valid.sum(1) >= 3)
            if enough.size:                           # frames before it stay unscaled
                t = enough[0]
                s = _body_scale(joints[t][None], valid[t][None], self.rest_kp)
                self.scale = _unit_factor(s, "stream") if s is not None and not \
                    SCALE_RANGE[0] <= s <= SCALE_RANGE[1] else 1.0
                joints[t:] /= self.scale
        else:
            joints /= self.scale
        if self.last is None:
            self.last = self.rest_kp - self.rest_kp[NECK]
        neck = valid[:, L_SHOULDER] & valid[:, R_SHOULDER] & ~valid[:, NECK]
        joints[neck, NECK] = 0.5 * (joints[neck, L_SHOULDER] + joints[neck, R_SHOULDER])
        valid[neck, NECK] = True
        frames = np.arange(len(joints))[:, None]
        last_seen = np.maximum.accumulate(np.where(valid, frames, -1), axis=0)   # (T, 50)
        K = np.where((last_seen >= 0)[..., None],
                     joints[last_seen.clip(0), np.arange(50)], self.last)
        since = np.where(last_seen >= 0, frames - last_seen, self.since + frames + 1)
        if len(K):
            self.seen |= valid.any(0)
            self.last, self.since = K[-1], since[-1]
        return K, valid, since <= self.opts.rest_ease

    def push_many(self, joints: np.ndarray, confidence: np.ndarray) -> list[MotionFrame]:
        """Several frames (T, 50, 3) in one batched solve: the per-frame solve is dominated by
        fixed costs (8 frames cost ~6x less each here). Same state as `push`; with refinement
        iterations it pushes frame by frame."""
        return push_batch([self], [joints], [confidence])[0]

    def _emit(self, L: np.ndarray, transl: np.ndarray,
              poses: np.ndarray | None = None) -> list[MotionFrame]:
        """MotionFrames of a solved chunk (`poses`: L as axis-angles, if already converted); it
        becomes the state the next chunk continues from."""
        self.previous = L[-1]
        poses = axis_angles(L) if poses is None else poses
        frames = [MotionFrame(index=self.index + t, time=(self.index + t) / self.fps,
                              pose=poses[t], transl=transl[t]) for t in range(len(L))]
        self.index += len(L)
        return frames

    def push(self, joints: np.ndarray, confidence: np.ndarray) -> MotionFrame:
        [(K, valid)] = _track([self], [np.asarray(joints)[None]], [np.asarray(confidence)[None]])
        K, valid = self._lifted(K)[0], valid[0]
        L, transl = analytic_pose(K[None], self.seen, self.rest, self.offsets)
        hist = np.stack(self.history) if len(self.history) == 2 else None
        if self.opts.iterations > 0:
            L, transl = refine(L, transl, K[None], _weights(valid[None], confidence[None], self.depth_known),
                               self.rest, self.offsets, self.opts, history=hist)
        if self.opts.max_speed > 0:
            L = rate_limit(L, self.opts.max_speed / self.fps, self.previous)
        if self.opts.iterations > 0:  # the smoothness term needs the last fitted keypoints
            G, P = forward_kinematics(L, self.rest, transl)
            self.history = (self.history + [_mv(G[0, KEYPOINT_JOINT], self.offsets) + P[0, KEYPOINT_JOINT]])[-2:]
        return self._emit(L, transl)[0]

    def motion(self, frames: list[MotionFrame]) -> Motion:
        return Motion.from_frames(frames, self.body.betas, self.rest, self.fps, gender=self.body.gender)


def _track(fitters: list[StreamingFitter], joints: list[np.ndarray],
           confidence: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(tracked keypoints (T, 50, 3), valid masks (T, 50)) of each stream's chunk, before the
    lift: the held state per stream; the rest for long-missing arms (frame by frame, so the
    streams sharing a body run it on all their frames at once) and the One Euro filter (stateful,
    but stepped for all streams together, `filters.step_many`) batched across streams."""
    held = [f._held(j, c) for f, j, c in zip(fitters, joints, confidence)]
    keypoints = [K for K, _, _ in held]
    resting: dict[int, list[int]] = {}
    for k, (f, (_, _, recent)) in enumerate(zip(fitters, held)):
        if f.opts.rest_ease > 0 and not recent.all():   # held too long or never seen: rest
            resting.setdefault(id(f.body), []).append(k)
    for ks in resting.values():
        K, rested = rest_missing_arms(np.concatenate([keypoints[k] for k in ks]),
                                      np.concatenate([held[k][2] for k in ks]),
                                      fitters[ks[0]].rest_pose, 0)
        ends = np.cumsum([len(keypoints[k]) for k in ks])[:-1]
        for k, Kk, rk in zip(ks, np.split(K, ends), np.split(rested, ends)):
            keypoints[k] = Kk
            fitters[k].seen |= rk.any(0)
    filtered: dict[tuple, list[int]] = {}
    for k, f in enumerate(fitters):
        if f.opts.one_euro:
            e = f.filter
            filtered.setdefault((e.fps, e.min_cutoff, e.beta, e.d_cutoff), []).append(k)
    for ks in filtered.values():
        weights = [np.where(held[k][1], np.asarray(confidence[k], np.float64).reshape(-1, 50), 0.0)
                   + 0.02 for k in ks]
        steps = step_many([fitters[k].filter for k in ks], [keypoints[k] for k in ks], weights)
        for k, K in zip(ks, steps):
            keypoints[k] = K
    return [(K, valid) for K, (_, valid, _) in zip(keypoints, held)]


def push_batch(fitters: list[StreamingFitter], joints: list[np.ndarray],
               confidence: list[np.ndarray]) -> list[list[MotionFrame]]:
    """The next chunk (T_i, 50, 3) of each of many streams, in as few solves as possible.

    Why: a server streaming to many clients pays the analytic solve's fixed cost (~5 ms) once
    per call, so 64 streams' 16-frame chunks solved together cost ~5x less per frame than 64
    calls. Streams sharing a body, the joints seen so far and the speed limit are stacked (short
    chunks padded by holding their last frame, which only comes after the real ones); each keeps
    its own warm-start state, exactly as if it had called `push_many` alone. The per-frame
    lift and push out of the body also run once for all streams that share them: per stream,
    on a few frames, their fixed cost was most of the batch's time."""
    out: list[list[MotionFrame] | None] = [None] * len(fitters)
    batched = []
    for i, (fitter, j, c) in enumerate(zip(fitters, joints, confidence)):
        if fitter.opts.iterations > 0 or len(j) == 0:
            out[i] = [fitter.push(jj, cc) for jj, cc in zip(j, c)]
        else:
            batched.append(i)
    tracked: dict[tuple, list[tuple[int, np.ndarray]]] = {}
    keypoints = _track([fitters[i] for i in batched], [joints[i] for i in batched],
                       [confidence[i] for i in batched])
    for i, (K, _) in zip(batched, keypoints):
        tracked.setdefault(fitters[i]._lift_key(), []).append((i, K))
    groups: dict[tuple, list[tuple[int, np.ndarray]]] = {}
    for items in tracked.values():
        lifted = fitters[items[0][0]]._lifted(np.concatenate([K for _, K in items]))
        ends = np.cumsum([len(K) for _, K in items])
        for (i, _), K in zip(items, np.split(lifted, ends[:-1])):
            fitter = fitters[i]
            key = (id(fitter.body), fitter.seen.tobytes(), fitter.opts.max_speed / fitter.fps)
            groups.setdefault(key, []).append((i, K))
    for items in groups.values():
        first = fitters[items[0][0]]
        n = max(len(K) for _, K in items)
        stacked = np.concatenate([np.concatenate([K, np.repeat(K[-1:], n - len(K), 0)]) for _, K in items])
        L, transl = analytic_pose(stacked, first.seen, first.rest, first.offsets, palm_sigma=0.0,
                                  segments=len(items))  # as push: one frame has no palm track
        L, transl = L.reshape(len(items), n, *L.shape[1:]), transl.reshape(len(items), n, 3)
        if first.opts.max_speed > 0:  # a stream's first chunk has no previous frame: itself
            previous = np.stack([L[s, 0] if fitters[i].previous is None else fitters[i].previous
                                 for s, (i, _) in enumerate(items)])
            L = rate_limit(L.reshape(-1, *L.shape[2:]), first.opts.max_speed / first.fps, previous,
                           segments=len(items)).reshape(L.shape)
        poses = axis_angles(L)      # once for the group: per stream it was a fifth of the time
        for s, (i, k) in enumerate(items):
            out[i] = fitters[i]._emit(L[s, :len(k)], transl[s, :len(k)], poses[s, :len(k)])
    return out


def rotation_steps(motion: Motion) -> np.ndarray:
    """(T-1, 55) angle (radians) each local joint rotation turns between consecutive frames."""
    R = motion.local_rotmats()
    rel = _T(R[:-1]) @ R[1:]
    cos = (np.trace(rel, axis1=-2, axis2=-1) - 1) / 2
    return np.arccos(np.clip(cos, -1.0, 1.0))


def max_rotation_step(motion: Motion) -> float:
    """The largest frame-to-frame joint rotation (radians); 0 for fewer than two frames."""
    return float(rotation_steps(motion).max()) if motion.num_frames > 1 else 0.0
