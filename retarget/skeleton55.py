"""The SMPL-X 55-joint skeleton: names, parents, and how the 50 keypoints attach to it.

The order is smplx's (pelvis, 21 body joints, jaw, two eyes, 15 left then 15 right hand joints);
shared by the mannequin, the fitter and the exporters so that
no module keeps its own copy of the joint order.
"""
from __future__ import annotations

import numpy as np

_FINGERS = ("index", "middle", "pinky", "ring", "thumb")  # SMPL-X hand order
JOINT_NAMES: tuple[str, ...] = (
    "pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2",
    "left_ankle", "right_ankle", "spine3", "left_foot", "right_foot", "neck", "left_collar",
    "right_collar", "head", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "jaw", "left_eye_smplhf", "right_eye_smplhf",
) + tuple(f"{side}_{f}{k}" for side in ("left", "right") for f in _FINGERS for k in (1, 2, 3))
PARENTS = np.array([-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19,
                    15, 15, 15, 20, 25, 26, 20, 28, 29, 20, 31, 32, 20, 34, 35, 20, 37, 38,
                    21, 40, 41, 21, 43, 44, 21, 46, 47, 21, 49, 50, 21, 52, 53], dtype=np.int64)
NUM_JOINTS = 55
assert len(JOINT_NAMES) == NUM_JOINTS

# SMPL-X vertex ids of the extra keypoints (smplx.vertex_ids['smplx']), used for nose and tips.
VERTEX_IDS = {"nose": 9120, "reye": 9929, "leye": 9448, "rear": 616, "lear": 6,
              "LBigToe": 5770, "LSmallToe": 5780, "LHeel": 8846, "RBigToe": 8463,
              "RSmallToe": 8474, "RHeel": 8635,
              "lthumb": 5361, "lindex": 4933, "lmiddle": 5058, "lring": 5169, "lpinky": 5286,
              "rthumb": 8079, "rindex": 7669, "rmiddle": 7794, "rring": 7905, "rpinky": 8022}


def joint(name: str) -> int:
    return JOINT_NAMES.index(name)


def finger_joints(side: str, finger: str) -> tuple[int, int, int]:
    base = joint(f"{side}_{finger}1")
    return base, base + 1, base + 2


def _keypoint_attachments() -> tuple[np.ndarray, list[str | None]]:
    """For each of the 50 keypoints: the SMPL-X joint it rides on, and the vertex-id name when
    it is a surface point (nose, fingertips) rather than the joint itself."""
    attach = [joint("head"), joint("neck"), joint("right_shoulder"), joint("right_elbow"),
              joint("right_wrist"), joint("left_shoulder"), joint("left_elbow"),
              joint("left_wrist")]
    vertex: list[str | None] = ["nose"] + [None] * 7
    for side, s in (("left", "l"), ("right", "r")):
        attach.append(joint(f"{side}_wrist"))
        vertex.append(None)
        for finger in ("thumb", "index", "middle", "ring", "pinky"):  # OpenPose hand order
            j1, j2, j3 = finger_joints(side, finger)
            attach += [j1, j2, j3, j3]
            vertex += [None, None, None, f"{s}{finger}"]
    return np.array(attach, dtype=np.int64), vertex


KEYPOINT_JOINT, KEYPOINT_VERTEX = _keypoint_attachments()
