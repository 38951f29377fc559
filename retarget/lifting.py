"""Depth for 2D keypoints (`depth_known=False`): a documented lift, never z = 0 taken as measured.

1. Bone lengths: each bone of the kinematic tree keeps the length it has on the fitted body and
   takes the depth its 2D length leaves over, leaning forwards (a signer's arms work in front).
2. Signing-space prior: a hand raised above the waist is at least `FRONT` in front of the
   shoulder line (fingerspelling and most signs happen there), moved with its hand rigidly, and
   the elbow takes the part of it that keeps the forearm's length.
3. Temporal consistency: the depth is smoothed over time with the keypoint filter afterwards
   (a depth from lengths flips sign nowhere, as it always leans forwards).
The body volume (retarget/volume.py) then keeps what is still inside the torso outside it.
"""
from __future__ import annotations

import numpy as np

from signllm.skeleton import L_ELBOW, L_HAND, L_SHOULDER, L_WRIST, NECK, PROMPT2SIGN_50, R_ELBOW, R_HAND, R_SHOULDER, R_WRIST

FRONT = 0.15        # metres in front of the shoulder line for a raised hand
WAIST_BELOW_NECK = 0.45  # metres: below this a hand is at rest and keeps its lifted depth
_CHILD = np.array([c for c, p in enumerate(PROMPT2SIGN_50.parents) if p >= 0])
_PARENT = np.array([p for p in PROMPT2SIGN_50.parents if p >= 0])
_SIDES = ((L_SHOULDER, L_ELBOW, L_WRIST, list(L_HAND)), (R_SHOULDER, R_ELBOW, R_WRIST, list(R_HAND)))


def bone_length_depth(K: np.ndarray, rest_kp: np.ndarray) -> np.ndarray:
    """Give 2D keypoints a plausible depth: each bone keeps its body length, leaning forward."""
    K = K.copy()
    length = np.linalg.norm(rest_kp[_CHILD] - rest_kp[_PARENT], axis=-1)
    flat = np.linalg.norm(K[:, _CHILD, :2] - K[:, _PARENT, :2], axis=-1)
    rise = np.sqrt(np.maximum(length ** 2 - flat ** 2, 0.0))     # (T, bones), all at once
    shoulders = np.isin(_CHILD, (L_SHOULDER, R_SHOULDER))
    rise[:, shoulders] = rest_kp[_CHILD[shoulders], 2] - rest_kp[_PARENT[shoulders], 2]
    z = np.zeros(K.shape[:2])
    for k, (c, p) in enumerate(zip(_CHILD, _PARENT)):           # parents come first
        z[:, c] = z[:, p] + rise[:, k]
    K[:, :, 2] = z
    return K


def signing_space(K: np.ndarray) -> np.ndarray:
    """Push raised hands to at least FRONT before the shoulder line (step 2 above)."""
    K = K.copy()
    for sh, el, wr, hand in _SIDES:
        raised = K[:, wr, 1] > K[:, NECK, 1] - WAIST_BELOW_NECK
        line = 0.5 * (K[:, L_SHOULDER, 2] + K[:, R_SHOULDER, 2])
        # full push at the waist line and above the elbow, none at rest: continuous in height
        weight = np.clip((K[:, wr, 1] - (K[:, NECK, 1] - WAIST_BELOW_NECK)) / 0.1, 0, 1)
        need = np.where(raised, np.maximum(line + FRONT - K[:, wr, 2], 0) * weight, 0.0)
        K[:, [wr] + hand, 2] += need[:, None]
        K[:, el, 2] += 0.5 * need
    return K


def lift(K: np.ndarray, rest_kp: np.ndarray) -> np.ndarray:
    return signing_space(bone_length_depth(K, rest_kp))
