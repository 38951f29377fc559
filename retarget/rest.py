"""A natural rest for an arm the input does not show: hanging, the hand resting at the waist.

Why: a joint never observed is missing, and a missing arm left in SMPL-X's rest pose is a
T-pose arm, or, when a generator wrote it at the neck, a hand inside the chest. Long gaps (and
never-seen arms) are given the body's own rest keypoints, anchored on the nearest joint of the arm
that is seen, so the usual interpolation eases the arm from its last seen pose to the rest and back.
"""
from __future__ import annotations

import numpy as np

from signllm.skeleton import L_ELBOW, L_HAND, L_SHOULDER, L_WRIST, NECK, R_ELBOW, R_HAND, R_SHOULDER, R_WRIST

from .body import Body
from .geometry import _mv
from .kinematics import forward_kinematics, rotmats
from .skeleton55 import KEYPOINT_JOINT, NUM_JOINTS, finger_joints, joint

HANG = np.radians(72)    # upper arm turned down from the T-pose
BEND = np.radians(60)    # elbow bent forwards: the forearm rests in front of the waist
CURL = 0.35              # radians per finger joint: a relaxed hand
# per side: the chain of keypoints from the shoulder out, each anchored on the one before
_CHAINS = {"left": (L_SHOULDER, L_ELBOW, L_WRIST, list(L_HAND)),
           "right": (R_SHOULDER, R_ELBOW, R_WRIST, list(R_HAND))}


def rest_pose_keypoints(body: Body, betas=None) -> np.ndarray:
    """(50, 3) keypoints of `body` standing with both arms at rest (neck at the origin)."""
    L = np.broadcast_to(np.eye(3), (1, NUM_JOINTS, 3, 3)).copy()
    for side, s in (("left", -1.0), ("right", 1.0)):
        L[0, joint(f"{side}_shoulder")] = rotmats(np.array([0, 0, s * HANG]))
        L[0, joint(f"{side}_elbow")] = rotmats(np.array([0, s * BEND, 0]))
        for f in ("index", "middle", "ring", "pinky"):
            for j in finger_joints(side, f):
                L[0, j] = rotmats(np.array([0, 0, -s * CURL]))
    rest = body.rest_joints(betas)
    G, P = forward_kinematics(L, rest)
    kp = _mv(G[0, KEYPOINT_JOINT], body.keypoint_offsets(betas)) + P[0, KEYPOINT_JOINT]
    return kp - kp[NECK]


def rest_missing_arms(K: np.ndarray, valid: np.ndarray, rest_kp: np.ndarray,
                      ease: int) -> tuple[np.ndarray, np.ndarray]:
    """Arm keypoints missing for more than `ease` frames on either side of a frame get the rest
    pose there (anchored on the nearest seen joint up the arm); returns (K, valid)."""
    K, valid = K.copy(), valid.copy()
    if valid.all():
        return K, valid
    for shoulder, elbow, wrist, hand in _CHAINS.values():
        anchor_ok = valid[:, shoulder] | valid[:, NECK]
        for joints, parent in (([elbow], shoulder), ([wrist], elbow), (hand, wrist)):
            ok = valid[:, joints]
            if ok.all():
                continue
            put = (_gap(ok) > ease) & anchor_ok[:, None]
            base = np.where(valid[:, parent, None], K[:, parent], np.where(
                valid[:, shoulder, None], K[:, shoulder] + rest_kp[parent] - rest_kp[shoulder],
                K[:, NECK] + rest_kp[parent]))
            filled = base[:, None] + rest_kp[joints] - rest_kp[parent]
            K[:, joints] = np.where(put[..., None], filled, K[:, joints])
            valid[:, joints] |= put
    return K, valid


def _gap(ok: np.ndarray) -> np.ndarray:
    """(T, J) frames from each frame to the nearest frame where the joint is seen (inf: never)."""
    t = np.arange(len(ok), dtype=float)[:, None]
    before = np.maximum.accumulate(np.where(ok, t, -np.inf), axis=0)
    after = np.minimum.accumulate(np.where(ok, t, np.inf)[::-1], axis=0)[::-1]
    return np.minimum(t - before, after - t)
