"""AMASS-style `.npz`: poses (T, 165) = global orient, 21 body, jaw, eyes, 2 x 15 hand joints as
axis-angle (full hand poses, no PCA, no hand mean), trans, betas, gender, mocap_framerate."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from signllm.atomic import atomic_path
from signllm.errors import BadInputError

from .motion import Motion


def write_amass(path: str | Path, motion: Motion, body=None) -> None:
    poses = motion.full_pose().reshape(motion.num_frames, -1).astype(np.float32)
    if not (np.isfinite(poses).all() and np.isfinite(motion.transl).all()):
        raise BadInputError("motion has non-finite values", path=path)
    with atomic_path(path) as tmp:
        np.savez(tmp, poses=poses, trans=motion.transl.astype(np.float32),
                 betas=motion.betas.astype(np.float32), gender=np.array(motion.gender),
                 mocap_framerate=np.array(float(motion.fps)), surface_model_type=np.array("smplx"),
                 expression=motion.expression.astype(np.float32))


def read_amass(path: str | Path, rest_joints: np.ndarray) -> Motion:
    """Read back an AMASS-style file (needs the rest skeleton of the body it was fitted to)."""
    with np.load(path, allow_pickle=False) as d:
        poses = d["poses"].reshape(len(d["poses"]), -1, 3)
        return Motion.from_full_pose(poses, d["trans"], d["betas"], rest_joints,
                                     float(d["mocap_framerate"]), gender=str(d["gender"]))
