"""`FaceTrack`: the non-manual channel of one clip, frame by frame.

Why its own type: the face travels beside the keypoints (`PoseSequence.face`, stream frames)
and out to avatars, which want two things: ARKit blendshape weights (rigs, Live Link Face) and
SMPL-X rotations (jaw, head, eyes as axis-angle in the canonical frame: +X the signer's left,
+Y up, +Z forward; a positive rotation about +X opens the jaw and tips the head down, one about
+Y turns the face to the signer's left). The names are listed once per track, the weights are a
(T, K) array in that order, so a header can carry the names and each frame only numbers.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import BadInputError
from .arkit import ARKIT_INDEX


@dataclass(frozen=True)
class FaceFrame:
    """One frame of a `FaceTrack` (what a stream frame carries)."""
    weights: np.ndarray    # (K,) float32 in [0, 1], in the track's `names` order
    jaw: np.ndarray        # (3,) axis-angle
    head: np.ndarray       # (3,) axis-angle
    eyes: np.ndarray       # (2, 3) axis-angle, left then right eye


@dataclass
class FaceTrack:
    """names: ARKit blendshape names (unique, from `arkit.ARKIT_NAMES`); weights: (T, K) float32
    in [0, 1]; jaw, head: (T, 3) and eyes: (T, 2, 3) axis-angle (radians); fps."""

    names: tuple[str, ...]
    weights: np.ndarray
    jaw: np.ndarray
    head: np.ndarray
    eyes: np.ndarray
    fps: float = 25.0

    def __post_init__(self):
        self.names = tuple(self.names)
        unknown = [n for n in self.names if n not in ARKIT_INDEX]
        if unknown:
            raise BadInputError(f"not ARKit blendshape names: {', '.join(map(repr, unknown[:5]))}")
        if len(set(self.names)) != len(self.names):
            raise BadInputError("face blendshape names repeat")
        self.weights = np.asarray(self.weights, np.float32)
        t = self.weights.shape[0] if self.weights.ndim == 2 else -1
        if self.weights.shape != (t, len(self.names)):
            raise BadInputError(f"face weights must have shape (T, {len(self.names)}), "
                                f"got {self.weights.shape}")
        for field, shape in (("jaw", (t, 3)), ("head", (t, 3)), ("eyes", (t, 2, 3))):
            value = np.asarray(getattr(self, field), np.float32)
            if value.shape != shape:
                raise BadInputError(f"face {field} must have shape {shape}, got {value.shape}")
            setattr(self, field, value)
        for field in ("weights", "jaw", "head", "eyes"):
            value = getattr(self, field)
            if not np.isfinite(value).all():
                frame = int(np.argwhere(~np.isfinite(value))[0][0])
                raise BadInputError(f"non-finite face {field}", frame=frame)
        if self.weights.size and (self.weights.min() < 0 or self.weights.max() > 1):
            frame = int(np.argwhere((self.weights < 0) | (self.weights > 1))[0][0])
            raise BadInputError("face weights must lie in [0, 1]", frame=frame)
        if not (np.isfinite(self.fps) and self.fps > 0):
            raise BadInputError(f"fps must be a positive number, got {self.fps}")

    @classmethod
    def neutral(cls, names, frames: int, fps: float = 25.0) -> "FaceTrack":
        """A still, relaxed face of `frames` frames."""
        names = tuple(names)
        return cls(names, np.zeros((frames, len(names)), np.float32),
                   np.zeros((frames, 3), np.float32), np.zeros((frames, 3), np.float32),
                   np.zeros((frames, 2, 3), np.float32), fps)

    @classmethod
    def from_frames(cls, names, frames: list[FaceFrame], fps: float = 25.0) -> "FaceTrack":
        """A track collected from stream frames."""
        if not frames:
            return cls.neutral(names, 0, fps)
        return cls(tuple(names), np.stack([f.weights for f in frames]),
                   np.stack([f.jaw for f in frames]), np.stack([f.head for f in frames]),
                   np.stack([f.eyes for f in frames]), fps)

    @property
    def num_frames(self) -> int:
        return int(self.weights.shape[0])

    def __len__(self) -> int:
        return self.num_frames

    def channel(self, name: str) -> np.ndarray:
        """(T,) weights of one blendshape; zeros for a name the track does not use."""
        if name not in ARKIT_INDEX:
            raise BadInputError(f"not an ARKit blendshape name: {name!r}")
        if name not in self.names:
            return np.zeros(self.num_frames, np.float32)
        return self.weights[:, self.names.index(name)]

    def frame(self, i: int) -> FaceFrame:
        return FaceFrame(self.weights[i], self.jaw[i], self.head[i], self.eyes[i])

    def slice(self, start: int, stop: int) -> "FaceTrack":
        """Frames [start, stop)."""
        return FaceTrack(self.names, self.weights[start:stop], self.jaw[start:stop],
                         self.head[start:stop], self.eyes[start:stop], self.fps)

    def concat(self, other: "FaceTrack") -> "FaceTrack":
        """This track, then `other` (same names and fps)."""
        if other.names != self.names or other.fps != self.fps:
            raise BadInputError("face tracks with different names or fps cannot be joined")
        return FaceTrack(self.names, np.concatenate([self.weights, other.weights]),
                         np.concatenate([self.jaw, other.jaw]),
                         np.concatenate([self.head, other.head]),
                         np.concatenate([self.eyes, other.eyes]), self.fps)
