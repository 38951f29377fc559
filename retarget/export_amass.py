"""AMASS-style `.npz`: poses (T, 165) = global orient, 21 body, jaw, eyes, 2 x 15 hand joints as
axis-angle (full hand poses, no PCA, no hand mean), trans, betas, gender, mocap_framerate.

A motion with a face (`retarget.face`) has its jaw and eyes in their pose slots (66:69, 69:75)
and the head's nods and shakes inside the head joint's pose; three extra keys, which AMASS
readers ignore, keep the rest of the face: `face_names` (ARKit blendshape names), `face_weights`
(T, K) and `face_head` (T, 3, the face's head rotation already composed into the head pose).
SMPL-X `expression` stays zero: ARKit weights are not SMPL-X expression coefficients."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from signllm.atomic import atomic_path
from signllm.errors import BadInputError
from signllm.face.track import FaceTrack

from .face import JAW, LEFT_EYE, RIGHT_EYE
from .motion import Motion


def write_amass(path: str | Path, motion: Motion, body=None) -> None:
    poses = motion.full_pose().reshape(motion.num_frames, -1).astype(np.float32)
    if not (np.isfinite(poses).all() and np.isfinite(motion.transl).all()):
        raise BadInputError("motion has non-finite values", path=path)
    with atomic_path(path) as tmp:
        np.savez(tmp, poses=poses, trans=motion.transl.astype(np.float32),
                 betas=motion.betas.astype(np.float32), gender=np.array(motion.gender),
                 mocap_framerate=np.array(float(motion.fps)), surface_model_type=np.array("smplx"),
                 expression=motion.expression.astype(np.float32), **_face_arrays(motion))


def _face_arrays(motion: Motion) -> dict[str, np.ndarray]:
    face = motion.face
    if face is None:
        return {}
    return {"face_names": np.array(face.names), "face_weights": face.weights.astype(np.float32),
            "face_head": face.head.astype(np.float32)}


def read_amass(path: str | Path, rest_joints: np.ndarray) -> Motion:
    """Read back an AMASS-style file (needs the rest skeleton of the body it was fitted to)."""
    with np.load(path, allow_pickle=False) as d:
        poses = d["poses"].reshape(len(d["poses"]), -1, 3)
        fps = float(d["mocap_framerate"])
        face = None
        if "face_names" in d.files:
            face = FaceTrack(tuple(str(n) for n in d["face_names"]), d["face_weights"],
                             poses[:, JAW], d["face_head"], poses[:, LEFT_EYE:RIGHT_EYE + 1], fps)
        return Motion.from_full_pose(poses, d["trans"], d["betas"], rest_joints, fps,
                                     gender=str(d["gender"]), face=face)
