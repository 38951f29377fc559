"""DWPose keypoints: a folder of per-frame `.npz` files, and Prompt2Sign's 2025 `.skels` layout.

Per-frame `.npz` (as Prompt2Sign's `tools-new-2025` writes them): `num_persons` and `person_0`,
a *pickled* dict with `body_keypoints` (18, 2), `body_scores` (18,), `left_hand_keypoints` /
`right_hand_keypoints` (21, 2) with `*_scores` (21,), `face_keypoints` (68, 2) and
`face_scores`. The dict is read with a whitelisting unpickler (`_safe_unpickle`), never with
`np.load(allow_pickle=True)`. Frames are taken in file-name order; the first person is used.

2025 `.skels` frame (385 values): 18 body (x, y), 18 body scores, 2 x 21 hand (x, y) (left hand
first, as in DWPose's output and the npz keys), 42 hand scores, 68 face (x, y), 68 face scores,
then a counter idx / (T - 1).

Body: the 18 points are OpenPose-COCO order, whose first 8 (nose, neck, right shoulder, elbow,
wrist, left shoulder, elbow, wrist) are the 50-joint layout's body. DWPose's body "scores" are
its `subset` indices (-1 = not detected), so integer-valued body scores mean "present unless
-1"; real-valued scores are clipped to [0, 1] and used as confidences.

Coordinates are normalised by the image width (x) and height (y) separately, so x is multiplied
by `aspect` = width / height (default 16/9, How2Sign's 1280 x 720) to make both axes the same
unit before `_image2d.image_to_canonical` (neck origin, y up, scale from shoulder width, Z = 0,
depth unknown). The face is not part of the 50-joint layout and is dropped.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import BadInputError
from ..pose import PoseSequence
from ._image2d import image_to_canonical
from ._safe_unpickle import load_npz

BODY_IN_50 = 8
DEFAULT_ASPECT = 16 / 9
MAX_FRAME_BYTES = 4 * 1024**2   # one frame is about 4 kB unpacked
MAX_POINTS = 1000               # no DWPose part has more points than this


def _body_confidence(scores: np.ndarray) -> np.ndarray:
    """DWPose subset indices (integers, -1 = missing) or real scores -> confidence in [0, 1]."""
    if np.all(scores == np.round(scores)) and np.all(scores >= -1):
        return (scores >= 0).astype(np.float64)
    return np.clip(scores, 0, 1)


def to_sequence(body_xy, body_scores, hands_xy, hand_scores, *, aspect: float = DEFAULT_ASPECT,
                fps: float = 25.0, path=None, name=None, meta=None) -> PoseSequence:
    """Build the canonical 50-joint sequence from DWPose arrays.

    body_xy (T, 18, 2), body_scores (T, 18), hands_xy (T, 2, 21, 2) left first,
    hand_scores (T, 2, 21); coordinates normalised to [0, 1] by width and height.
    """
    if not (np.isfinite(aspect) and 1e-3 < aspect < 1e3):
        raise BadInputError(f"aspect must be a width/height ratio in 0.001..1000, got {aspect}",
                            path=path)
    t = body_xy.shape[0]
    xy = np.concatenate([body_xy[:, :BODY_IN_50], hands_xy.reshape(t, 42, 2)], axis=1)
    conf = np.concatenate([_body_confidence(body_scores[:, :BODY_IN_50]),
                           np.clip(hand_scores.reshape(t, 42), 0, 1)], axis=1)
    xy = xy * np.array([aspect, 1.0])
    joints, image_meta = image_to_canonical(xy, conf, path)
    meta = {**(meta or {}), **image_meta, "dwpose_aspect": aspect}
    return PoseSequence(joints, conf, fps=fps, name=name, depth_known=False, meta=meta)


def sequence_from_skels2025(frames: np.ndarray, *, aspect: float = DEFAULT_ASPECT,
                            fps: float = 25.0, path=None, line=None) -> PoseSequence:
    """One line of a 2025 DWPose `.skels` file, already split into (T, 385) frames."""
    t = frames.shape[0]
    body_xy = frames[:, 0:36].reshape(t, 18, 2)
    body_s = frames[:, 36:54]
    hands_xy = frames[:, 54:138].reshape(t, 2, 21, 2)
    hand_s = frames[:, 138:180].reshape(t, 2, 21)
    try:
        return to_sequence(body_xy, body_s, hands_xy, hand_s, aspect=aspect, fps=fps, path=path,
                           meta={"skels_layout": "dwpose"})
    except BadInputError as exc:
        raise BadInputError(str(exc).split(": ", 1)[-1], path=path, line=line) from None


def _shape_of(value, depth: int):
    """The shape of nested lists/tuples/arrays without converting them (shared references in
    a pickle can make a small file stand for a huge nested list), or None when ragged."""
    if isinstance(value, np.ndarray):
        return value.shape if value.dtype.kind in "biuf" else None
    if depth == 0 or not isinstance(value, (list, tuple)):
        return () if isinstance(value, (int, float, np.number)) and not isinstance(value, bool) \
            else None
    shapes = {_shape_of(v, depth - 1) for v in value[:MAX_POINTS + 1]}
    if len(value) > MAX_POINTS or len(shapes) > 1 or None in shapes:
        return None
    return (len(value), *(shapes.pop() if shapes else ()))


def _array(person: dict, key: str, shape: tuple, path: Path) -> np.ndarray:
    value = person.get(key)
    got = _shape_of(value, len(shape)) if value is not None else None
    if got != shape:
        what = "missing" if value is None else f"shape {got}" if got is not None \
            else f"a {type(value).__name__} that is not a number array"
        raise BadInputError(f"person_0.{key} must be a number array of shape {shape}, got {what}",
                            path=path)
    array = np.asarray(value, dtype=np.float64)
    if not np.isfinite(array).all():
        raise BadInputError(f"person_0.{key} holds NaN or infinite values", path=path)
    return array


def _num_persons(data: dict, path: Path) -> int | None:
    value = data.get("num_persons")
    if value is None:
        return None
    array = np.asarray(value) if isinstance(value, (np.ndarray, int, float)) else None
    if array is None or array.shape != () or array.dtype.kind not in "biuf" \
            or not np.isfinite(array) or array != np.round(array) or array < 0:
        raise BadInputError("num_persons must be a non-negative integer", path=path)
    return int(array)


def _read_frame(path: Path):
    data = load_npz(path, MAX_FRAME_BYTES)
    person = data.get("person_0")
    if person is None and _num_persons(data, path) == 0:
        return (np.zeros((18, 2)), np.full(18, -1.0), np.zeros((2, 21, 2)), np.zeros((2, 21)))
    if not isinstance(person, dict):
        raise BadInputError("no person_0 dict (and num_persons is not 0)", path=path)
    return (_array(person, "body_keypoints", (18, 2), path),
            _array(person, "body_scores", (18,), path),
            np.stack([_array(person, f"{side}_hand_keypoints", (21, 2), path)
                      for side in ("left", "right")]),
            np.stack([_array(person, f"{side}_hand_scores", (21,), path)
                      for side in ("left", "right")]))


def read(path, *, fps: float = 25.0, aspect: float = DEFAULT_ASPECT,
         language: str | None = None) -> list[PoseSequence]:
    """A folder of DWPose frame files -> one sequence."""
    path = Path(path)
    files = sorted(path.glob("*.npz"))
    if not files:
        raise BadInputError("folder holds no DWPose .npz frames", path=path)
    frames = [_read_frame(f) for f in files]
    body_xy, body_s, hands_xy, hand_s = (np.stack(parts) for parts in zip(*frames))
    seq = to_sequence(body_xy, body_s, hands_xy, hand_s, aspect=aspect, fps=fps, path=path,
                      name=path.name, meta={"source_frames": [f.name for f in files]})
    seq.language = language
    return [seq]
