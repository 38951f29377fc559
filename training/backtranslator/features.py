"""Pose sequences -> per-frame feature vectors for the back-translator's encoder.

Positions are taken relative to the neck and divided by the sequence's mean shoulder width, so
corpora stored at different scales (Progressive Transformers' 1/3, Prompt2Sign's 1/9, metres)
look alike; frame-to-frame velocities are appended because signs are movements. Missing joints
(confidence 0) are zeroed rather than guessed.
"""
from __future__ import annotations

import numpy as np

from signllm.pose import PoseSequence
from signllm.skeleton import L_SHOULDER, NECK, R_SHOULDER

NUM_JOINTS = 50
FEATURE_DIM = NUM_JOINTS * 3 * 2


def pose_features(seq: PoseSequence) -> np.ndarray:
    """(T, FEATURE_DIM) float32: scale-normalised positions then velocities."""
    joints = np.asarray(seq.joints, np.float32)
    if joints.shape[1] != NUM_JOINTS:
        from signllm.errors import BadInputError
        raise BadInputError(f"the back-translator reads the 50-joint layout, got "
                            f"{joints.shape[1]} joints", path=seq.name)
    present = (np.asarray(seq.confidence) > 0)[..., None]
    rel = (joints - joints[:, NECK:NECK + 1]) * present
    width = np.linalg.norm(joints[:, R_SHOULDER] - joints[:, L_SHOULDER], axis=-1)
    both = (seq.confidence[:, R_SHOULDER] > 0) & (seq.confidence[:, L_SHOULDER] > 0)
    scale = float(width[both].mean()) if both.any() and width[both].mean() > 1e-6 else 1.0
    pos = rel / scale
    vel = np.diff(pos, axis=0, prepend=pos[:1])
    return np.concatenate([pos.reshape(len(pos), -1), vel.reshape(len(vel), -1)], axis=1)
