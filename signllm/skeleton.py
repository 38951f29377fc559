"""Keypoint layouts: joint names, parents and named groups.

The model's native layout is Prompt2Sign v1's 50 joints: OpenPose BODY_25 joints 0-7, then the
21 left-hand and the 21 right-hand points in OpenPose hand order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

HAND_POINTS = ("wrist",
               "thumb1", "thumb2", "thumb3", "thumb4",
               "index1", "index2", "index3", "index4",
               "middle1", "middle2", "middle3", "middle4",
               "ring1", "ring2", "ring3", "ring4",
               "pinky1", "pinky2", "pinky3", "pinky4")
# Parent of each of the 21 hand points inside the hand (OpenPose order).
HAND_PARENTS = (-1, 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11, 0, 13, 14, 15, 0, 17, 18, 19)


@dataclass(frozen=True)
class Skeleton:
    name: str
    joint_names: tuple[str, ...]
    parents: tuple[int, ...]
    groups: dict[str, tuple[int, ...]] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self):
        if len(self.joint_names) != len(self.parents):
            raise ValueError("joint_names and parents differ in length")

    @property
    def num_joints(self) -> int:
        return len(self.joint_names)

    def index(self, joint: str) -> int:
        return self.joint_names.index(joint)

    def bones(self) -> list[tuple[int, int]]:
        """(parent, child) pairs, for drawing and bone-length checks."""
        return [(p, c) for c, p in enumerate(self.parents) if p >= 0]


def _prompt2sign50() -> Skeleton:
    body = ("nose", "neck", "right_shoulder", "right_elbow", "right_wrist",
            "left_shoulder", "left_elbow", "left_wrist")
    body_parents = (1, -1, 1, 2, 3, 1, 5, 6)
    names = list(body)
    parents = list(body_parents)
    for side, wrist in (("left", 7), ("right", 4)):
        base = len(names)
        names += [f"{side}_hand_{p}" for p in HAND_POINTS]
        parents += [wrist if p < 0 else base + p for p in HAND_PARENTS]
    groups = {"body": tuple(range(8)), "left_hand": tuple(range(8, 29)),
              "right_hand": tuple(range(29, 50)), "face": (0,)}
    return Skeleton("prompt2sign50", tuple(names), tuple(parents), groups)


PROMPT2SIGN_50 = _prompt2sign50()

# Handy indices into the 50-joint layout.
NOSE, NECK, R_SHOULDER, R_ELBOW, R_WRIST, L_SHOULDER, L_ELBOW, L_WRIST = range(8)
L_HAND = np.arange(8, 29)
R_HAND = np.arange(29, 50)

# Nominal shoulder width (metres) used to give unitless sources a metric scale.
NOMINAL_SHOULDER_WIDTH_M = 0.35
