"""Gaze: during a fingerspelled word the eyes follow the spelling hand; elsewhere they look ahead.

Why: signers watch their own hand while they spell (and so steer the addressee's eyes to it),
but look at the addressee while signing. The spelling hand is the one held higher over the word
(the other rests), so a left-handed signer needs no flag. Each eye turns towards the hand's
centre from its own place (a little above the nose, `EYE_ABOVE_NOSE_M`, `EYE_HALF_SPACING_M`
to each side), yaw and pitch clamped to a natural range (`YAW_LIMIT_DEG`, `PITCH_LIMIT_DEG`),
eased in and out over `RAMP_S` outside the word and smoothed like pursuit (`SMOOTH_S`).

Directions are taken in the body's canonical frame (+X the signer's left, +Y up, +Z forward)
as if the head faced forward: the eye rotation is SMPL-X's, local to the head, and the keypoints
say where the head is, not how it is turned. Keypoints without measured depth (2D clips) have
the hand `depth_m` in front of the eyes. The ARKit eyeLook* weights say the same turn as a share
of the limit (1 at the limit): looking to the signer's left is eyeLookOut_L + eyeLookIn_R.
"""
from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from ..skeleton import L_HAND, NOSE, R_HAND
from .curves import gaussian_smooth, plateau

YAW_LIMIT_DEG, PITCH_LIMIT_DEG = 30.0, 20.0
EYE_ABOVE_NOSE_M, EYE_HALF_SPACING_M = 0.035, 0.032
DEPTH_2D_M = 0.3      # the spelling hand in front of the face where the keypoints have no depth
RAMP_S, SMOOTH_S = 0.15, 0.05
LOOK_NAMES = ("eyeLookDown_L", "eyeLookIn_L", "eyeLookOut_L", "eyeLookUp_L",
              "eyeLookDown_R", "eyeLookIn_R", "eyeLookOut_R", "eyeLookUp_R")


def spelling_hand(joints: np.ndarray, seen: np.ndarray, start: int, end: int) -> np.ndarray | None:
    """The joint indices of the hand held higher over frames [start, end), of those seen there
    (`seen`: (T, 50) bool); None if neither is."""
    best, height = None, -np.inf
    for hand in (R_HAND, L_HAND):
        frames = seen[start:end][:, hand].all(axis=1)
        mean = joints[start:end][frames][:, hand, 1].mean() if frames.any() else -np.inf
        if mean > height:
            best, height = hand, mean
    return best


def eye_angles(joints: np.ndarray, seen: np.ndarray, hand: np.ndarray,
               depth_m: float | None) -> np.ndarray:
    """(T, 2, 2) yaw, pitch (radians; yaw > 0 to the signer's left, pitch > 0 down) of the left
    and right eye towards the hand's centre, clamped; frames where the hand or the nose is not
    seen take their neighbours' angles. `depth_m`: the hand's distance in front of the eyes
    when the keypoints have no depth (None: they do)."""
    target = joints[:, hand].mean(axis=1)
    valid = seen[:, hand].all(axis=1) & seen[:, NOSE]
    out = np.zeros((len(joints), 2, 2))
    if not valid.any():
        return out
    frames = np.arange(len(joints))
    for k, side in enumerate((1.0, -1.0)):           # left eye at +X
        eye = joints[:, NOSE] + [side * EYE_HALF_SPACING_M, EYE_ABOVE_NOSE_M, 0.0]
        d = target - eye
        if depth_m is not None:
            d[:, 2] = depth_m
        yaw = np.arctan2(d[:, 0], d[:, 2])
        pitch = np.arctan2(-d[:, 1], np.hypot(d[:, 0], d[:, 2]))
        for i, (angle, limit) in enumerate(((yaw, YAW_LIMIT_DEG), (pitch, PITCH_LIMIT_DEG))):
            angle = np.interp(frames, frames[valid], angle[valid])
            out[:, k, i] = np.clip(angle, -np.radians(limit), np.radians(limit))
    return out


def rotations(angles: np.ndarray) -> np.ndarray:
    """(..., 2) yaw, pitch -> (..., 3) axis-angle: turn about +Y, then tip about the turned X."""
    flat = angles.reshape(-1, 2)
    return Rotation.from_euler("YX", flat).as_rotvec().reshape(*angles.shape[:-1], 3)


def look_weights(angles: np.ndarray) -> dict[str, np.ndarray]:
    """ARKit eyeLook* weights of (T, 2, 2) eye angles, each a share of its limit."""
    yaw = angles[..., 0] / np.radians(YAW_LIMIT_DEG)
    pitch = angles[..., 1] / np.radians(PITCH_LIMIT_DEG)
    out = {}
    for k, eye in enumerate("LR"):
        outward = yaw[:, k] if eye == "L" else -yaw[:, k]    # away from the nose
        out[f"eyeLookOut_{eye}"] = np.clip(outward, 0, 1)
        out[f"eyeLookIn_{eye}"] = np.clip(-outward, 0, 1)
        out[f"eyeLookDown_{eye}"] = np.clip(pitch[:, k], 0, 1)
        out[f"eyeLookUp_{eye}"] = np.clip(-pitch[:, k], 0, 1)
    return out


def follow(joints: np.ndarray, confidence: np.ndarray, spans: list[tuple[int, int]], fps: float,
           depth_m: float | None) -> np.ndarray:
    """(T, 2, 2) eye yaw and pitch: towards the spelling hand over each span [start, end) of a
    fingerspelled word, eased in and out around it; zero (ahead) elsewhere and where no hand
    is seen."""
    frames = len(joints)
    seen = confidence > 0
    angles = np.zeros((frames, 2, 2))
    for start, end in spans:
        hand = spelling_hand(joints, seen, start, end) if end > start else None
        if hand is None:
            continue
        target = eye_angles(joints, seen, hand, depth_m)
        target = gaussian_smooth(target.reshape(frames, 4), SMOOTH_S * fps).reshape(frames, 2, 2)
        weight = plateau(frames, start, end, RAMP_S * fps)[:, None, None]
        angles += weight * (target - angles)
    return angles
