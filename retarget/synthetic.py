"""Plausible signing motions with known ground truth, for the round-trip benchmark and tests.

Arms in the signing space in front of the chest, random handshapes (per-finger curl and
spread), small torso and head motion, random body shapes; keyframes interpolated over time.
"""
from __future__ import annotations

import numpy as np

from .body import Body
from .kinematics import forward_kinematics, rotmats
from .motion import Motion
from .skeleton55 import NUM_JOINTS, finger_joints, joint


def _keyframe(rng: np.random.Generator) -> np.ndarray:
    pose = np.zeros((NUM_JOINTS, 3))
    for name in ("spine1", "spine2", "spine3"):
        pose[joint(name)] = rng.normal(0, 0.04, 3)
    pose[joint("neck")] = rng.normal(0, 0.08, 3)
    pose[joint("head")] = rng.normal(0, 0.08, 3)
    for side, s in (("left", -1.0), ("right", 1.0)):
        pose[joint(f"{side}_collar")] = rng.normal(0, 0.05, 3)
        pose[joint(f"{side}_shoulder")] = (rng.uniform(-0.5, 0.5), s * rng.uniform(0.2, 1.2),
                                           s * rng.uniform(0.5, 1.3))
        pose[joint(f"{side}_elbow")] = (rng.uniform(-0.6, 0.6), s * rng.uniform(0.3, 2.2), 0.0)
        pose[joint(f"{side}_wrist")] = (rng.uniform(-0.5, 0.5), rng.uniform(-0.3, 0.3),
                                        rng.uniform(-0.6, 0.6))
        for finger in ("index", "middle", "ring", "pinky"):
            curl = rng.uniform(0, 1) ** 0.7
            j1, j2, j3 = finger_joints(side, finger)
            pose[j1] = (0, rng.uniform(-0.2, 0.2), s * 1.4 * curl)
            pose[j2] = (0, 0, s * 1.6 * curl)
            pose[j3] = (0, 0, s * 1.0 * curl)
        for j in finger_joints(side, "thumb"):
            pose[j] = rng.uniform(-0.4, 0.4, 3)
    return pose


def sample_motion(body: Body, frames: int, rng: np.random.Generator, fps: float = 25.0,
                  keyframe_every: int = 12, shape_sd: float = 1.0) -> Motion:
    """A random signing motion with random betas, neck at the origin."""
    keys = max(2, frames // keyframe_every + 2)
    key_poses = np.stack([_keyframe(rng) for _ in range(keys)])
    t = np.linspace(0, keys - 1, frames)
    i0 = np.clip(np.floor(t).astype(int), 0, keys - 2)
    a = (t - i0)[:, None, None]
    a = a * a * (3 - 2 * a)  # ease in/out between keyframes
    pose = (1 - a) * key_poses[i0] + a * key_poses[i0 + 1]
    betas = np.clip(rng.normal(0, shape_sd, body.num_betas), -2.5, 2.5)
    rest = body.rest_joints(betas)
    neck = forward_kinematics(rotmats(pose), rest)[1][:, joint("neck")]
    return Motion.from_full_pose(pose, -neck, betas, rest, fps, gender=body.gender)
