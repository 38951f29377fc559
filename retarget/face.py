"""The face channel (`signllm.face.track.FaceTrack`) on an SMPL-X `Motion`.

Why here: the keypoints carry no face, so the fitter never moves the jaw, the eyes or the
head's own nods and shakes; a generator's face track says them. The jaw and the eyes go into
their SMPL-X slots as they are (local axis-angle, the rest frame of each joint is the canonical
frame). The head's face rotation is added on top of the fitted head: the `head` joint's local
rotation becomes `fitted head @ face head`, i.e. the nod and the shake turn about the head's own
axes after the neck and head have followed the keypoints (the nose). The neck is left as
fitted, so the keypoints' head position is unchanged. The blendshape weights travel with the
motion (`Motion.face`) to the exporters that carry them (GLB morph targets, the AMASS file).
"""
from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from signllm.errors import BadInputError
from signllm.face.track import FaceFrame, FaceTrack

from .motion import Motion, MotionFrame
from .skeleton55 import joint

JAW, HEAD, LEFT_EYE, RIGHT_EYE = (joint(n) for n in ("jaw", "head", "left_eye_smplhf",
                                                       "right_eye_smplhf"))


def apply_face(pose: np.ndarray, jaw: np.ndarray, head: np.ndarray, eyes: np.ndarray) -> np.ndarray:
    """(T, 55, 3) axis-angle poses with the face's jaw (T, 3), eyes (T, 2, 3) in their slots and
    its head (T, 3) composed onto the fitted head rotation."""
    pose = np.array(pose, np.float64, copy=True)
    if not (len(jaw) == len(head) == len(eyes) == len(pose)):
        raise BadInputError(f"the face has {len(jaw)} frames, the motion {len(pose)}")
    if len(pose) == 0:
        return pose
    pose[:, JAW] = jaw
    pose[:, LEFT_EYE] = eyes[:, 0]
    pose[:, RIGHT_EYE] = eyes[:, 1]
    pose[:, HEAD] = (Rotation.from_rotvec(pose[:, HEAD]) * Rotation.from_rotvec(head)).as_rotvec()
    return pose


def motion_with_face(motion: Motion, face: FaceTrack | None) -> Motion:
    """A copy of `motion` moved by `face` (jaw, eyes, head) and carrying it for the exporters;
    `motion` itself when there is no face."""
    if face is None:
        return motion
    if face.num_frames != motion.num_frames:
        raise BadInputError(f"the face has {face.num_frames} frames, the motion {motion.num_frames}")
    pose = apply_face(motion.full_pose(), face.jaw, face.head, face.eyes)
    return Motion.from_full_pose(pose, motion.transl, motion.betas, motion.rest_joints, motion.fps,
                                 expression=motion.expression, gender=motion.gender,
                                 name=motion.name, meta=dict(motion.meta), face=face)


def frames_with_face(frames: list[MotionFrame], faces: list[FaceFrame | None]) -> list[MotionFrame]:
    """Streamed motion frames moved by their frames' faces (frames without one unchanged)."""
    if len(frames) != len(faces):
        raise BadInputError(f"{len(faces)} face frames for {len(frames)} motion frames")
    keep = [i for i, f in enumerate(faces) if f is not None]
    if not keep:
        return frames
    pose = apply_face(np.stack([frames[i].pose for i in keep]),
                      np.stack([faces[i].jaw for i in keep]), np.stack([faces[i].head for i in keep]),
                      np.stack([faces[i].eyes for i in keep]))
    out = list(frames)
    for k, i in enumerate(keep):
        f = frames[i]
        out[i] = MotionFrame(index=f.index, time=f.time, pose=pose[k], transl=f.transl)
    return out

