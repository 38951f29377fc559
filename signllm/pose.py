"""`PoseSequence`: the one keypoint type every stage and format speaks.

Canonical frame (see ARCHITECTURE.md): metres, right-handed, +Y up, +Z forward (out of the
signer's chest), +X the signer's left, origin at the neck. Format adapters convert at the edge.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .errors import BadInputError
from .face.track import FaceTrack
from .skeleton import PROMPT2SIGN_50, Skeleton


@dataclass
class PoseSequence:
    """Keypoints of one clip.

    joints: (T, J, 3) float32 in the canonical frame. A missing joint has confidence 0 and its
    coordinates are meaningless (readers store 0).
    confidence: (T, J) float32 in [0, 1].
    depth_known: False for 2D sources, whose Z is 0 and must not be trusted.
    meta: format details a writer may reuse to reproduce its input (e.g. the `.skels` counter
    convention); never needed to interpret `joints`.
    face: the non-manual channel (`signllm.face.FaceTrack`, one entry per frame) when a generator
    or reader made one, else None.
    """

    joints: np.ndarray
    confidence: np.ndarray
    fps: float = 25.0
    skeleton: Skeleton = PROMPT2SIGN_50
    text: str | None = None
    gloss: str | None = None
    language: str | None = None
    name: str | None = None
    depth_known: bool = True
    meta: dict = field(default_factory=dict)
    face: FaceTrack | None = None

    def __post_init__(self):
        self.joints = np.asarray(self.joints, dtype=np.float32)
        self.confidence = np.asarray(self.confidence, dtype=np.float32)
        j = self.skeleton.num_joints
        if self.joints.ndim != 3 or self.joints.shape[1:] != (j, 3):
            raise BadInputError(f"joints must have shape (T, {j}, 3), got {self.joints.shape}",
                                path=self.name)
        if self.confidence.shape != self.joints.shape[:2]:
            raise BadInputError(f"confidence must have shape {self.joints.shape[:2]}, "
                                f"got {self.confidence.shape}", path=self.name)
        if not np.isfinite(self.joints).all():
            frame = int(np.argwhere(~np.isfinite(self.joints))[0][0])
            raise BadInputError("non-finite joint coordinate", path=self.name, frame=frame)
        if not (np.isfinite(self.fps) and self.fps > 0):
            raise BadInputError(f"fps must be a positive number, got {self.fps}", path=self.name)
        if self.face is not None and self.face.num_frames != self.num_frames:
            raise BadInputError(f"face track has {self.face.num_frames} frames, the keypoints "
                                f"{self.num_frames}", path=self.name)

    @classmethod
    def from_joints(cls, joints: np.ndarray, **kwargs) -> "PoseSequence":
        """All joints present (confidence 1)."""
        joints = np.asarray(joints, dtype=np.float32)
        return cls(joints, np.ones(joints.shape[:2], np.float32), **kwargs)

    @property
    def num_frames(self) -> int:
        return int(self.joints.shape[0])

    @property
    def duration(self) -> float:
        return self.num_frames / self.fps

    @property
    def missing_share(self) -> float:
        """Share of (frame, joint) entries with confidence 0."""
        return float((self.confidence <= 0).mean()) if self.confidence.size else 0.0

    def with_(self, **changes) -> "PoseSequence":
        """A copy with fields changed; new joints of another length drop the face track (it no
        longer matches them) unless a new one is given."""
        if ("joints" in changes and "face" not in changes and self.face is not None
                and len(changes["joints"]) != self.num_frames):
            changes["face"] = None
        return replace(self, **changes)

    def __len__(self) -> int:
        return self.num_frames
