"""`Motion`: SMPL-X parameters per frame, the value retargeting hands to exporters and servers.

Axis-angle arrays as in SMPL-X; hand poses are full (not PCA, no hand mean added), the same
convention as AMASS. The rest skeleton (shaped by `betas`) travels with the motion so that
exporters and FK need no model file. `face` keeps a face track's blendshape weights for the
exporters that carry them (`retarget.face` puts its jaw, eyes and head into the poses).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial.transform import Rotation

from signllm.face.track import FaceTrack

from .kinematics import forward_kinematics, rotmats
from .skeleton55 import JOINT_NAMES, NUM_JOINTS, PARENTS


@dataclass
class Motion:
    global_orient: np.ndarray        # (T, 3)
    body_pose: np.ndarray            # (T, 21, 3)
    jaw_pose: np.ndarray             # (T, 3)
    leye_pose: np.ndarray            # (T, 3)
    reye_pose: np.ndarray            # (T, 3)
    left_hand_pose: np.ndarray       # (T, 15, 3)
    right_hand_pose: np.ndarray      # (T, 15, 3)
    transl: np.ndarray               # (T, 3)
    betas: np.ndarray                # (B,)
    rest_joints: np.ndarray          # (55, 3) rest skeleton for these betas
    fps: float = 25.0
    expression: np.ndarray | None = None  # (T, 10)
    gender: str = "neutral"
    name: str | None = None
    meta: dict = field(default_factory=dict)
    face: FaceTrack | None = None    # the face channel it was moved by (retarget.face), if any

    joint_names = JOINT_NAMES
    parents = PARENTS

    def __post_init__(self):
        if self.expression is None:
            self.expression = np.zeros((self.num_frames, 10), np.float32)

    @classmethod
    def from_full_pose(cls, pose: np.ndarray, transl: np.ndarray, betas: np.ndarray,
                       rest_joints: np.ndarray, fps: float = 25.0, **kwargs) -> "Motion":
        """pose (T, 55, 3) axis-angle in SMPL-X joint order."""
        pose = np.asarray(pose, np.float32)
        return cls(global_orient=pose[:, 0], body_pose=pose[:, 1:22], jaw_pose=pose[:, 22],
                   leye_pose=pose[:, 23], reye_pose=pose[:, 24], left_hand_pose=pose[:, 25:40],
                   right_hand_pose=pose[:, 40:55], transl=np.asarray(transl, np.float32),
                   betas=np.asarray(betas, np.float32), rest_joints=np.asarray(rest_joints, np.float64),
                   fps=float(fps), **kwargs)

    @property
    def num_frames(self) -> int:
        return int(self.transl.shape[0])

    def __len__(self) -> int:
        return self.num_frames

    def full_pose(self) -> np.ndarray:
        """(T, 55, 3) axis-angle in SMPL-X joint order."""
        return np.concatenate([self.global_orient[:, None], self.body_pose, self.jaw_pose[:, None],
                               self.leye_pose[:, None], self.reye_pose[:, None],
                               self.left_hand_pose, self.right_hand_pose], axis=1)

    def local_rotmats(self) -> np.ndarray:
        return rotmats(self.full_pose())

    def local_quaternions(self) -> np.ndarray:
        """(T, 55, 4) local joint rotations as unit quaternions x, y, z, w (w >= 0)."""
        pose = self.full_pose()
        q = Rotation.from_rotvec(pose.reshape(-1, 3)).as_quat().reshape(pose.shape[:-1] + (4,))
        q *= np.where(q[..., 3:] < 0, -1.0, 1.0)
        return q.astype(np.float32)

    def joint_positions(self) -> np.ndarray:
        """(T, 55, 3) world joint positions (metres, canonical frame), as smplx computes them."""
        return forward_kinematics(self.local_rotmats(), self.rest_joints, self.transl)[1]

    def frame(self, t: int) -> "MotionFrame":
        return MotionFrame(index=t, time=t / self.fps, pose=self.full_pose()[t],
                           transl=self.transl[t].copy())

    @classmethod
    def from_frames(cls, frames: list["MotionFrame"], betas, rest_joints, fps, **kwargs) -> "Motion":
        pose = np.stack([f.pose for f in frames]) if frames else np.zeros((0, NUM_JOINTS, 3))
        transl = np.stack([f.transl for f in frames]) if frames else np.zeros((0, 3))
        return cls.from_full_pose(pose, transl, betas, rest_joints, fps, **kwargs)


@dataclass
class MotionFrame:
    """One frame of a streamed motion."""
    index: int
    time: float          # seconds
    pose: np.ndarray     # (55, 3) axis-angle
    transl: np.ndarray   # (3,)

    def local_quaternions(self) -> np.ndarray:
        q = Rotation.from_rotvec(self.pose).as_quat()
        q *= np.where(q[:, 3:] < 0, -1.0, 1.0)
        return q.astype(np.float32)
