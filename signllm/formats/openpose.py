"""A folder of OpenPose JSON frames (`*_keypoints.json`, one per frame) -> one sequence.

Each frame's `people` list holds `pose_keypoints_2d` (BODY_25, 25 x (x, y, c) in pixels) and
`hand_left_keypoints_2d` / `hand_right_keypoints_2d` (21 x (x, y, c); point 0 is that hand's
wrist, `left` is the signer's left). BODY_25 points 0-7 and both hands map straight onto the
50-joint layout; the face is dropped. Frames are ordered by the frame number in the file name.

Several people in a frame: the most confident person (mean confidence over the 50 mapped joints)
is taken, not blindly the first. A frame without people has every joint missing (confidence 0);
a clip with no person in any frame is an error. Pixels become canonical metres through
`_image2d.image_to_canonical` (neck origin, y up, scale from the median shoulder width, Z = 0,
`depth_known=False`). OpenPose stores no frame rate: `fps=` (default 25) sets it.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..errors import BadInputError
from ..pose import PoseSequence
from ._image2d import image_to_canonical
from ._limits import loads_json, read_bytes

BODY_IN_50 = 8
PARTS = (("pose_keypoints_2d", 25, slice(0, 8)),
         ("hand_left_keypoints_2d", 21, slice(8, 29)),
         ("hand_right_keypoints_2d", 21, slice(29, 50)))
MAX_FRAME_BYTES = 8 * 1024**2   # one person is about 10 kB; a crowd of hundreds fits
_FRAME_NUMBER = re.compile(r"(\d+)_keypoints\.json$")


def _frame_key(path: Path):
    match = _FRAME_NUMBER.search(path.name)
    return (int(match.group(1)) if match else -1, path.name)


def _person(person, path: Path, index: int) -> tuple[np.ndarray, np.ndarray]:
    """(50, 2) pixels and (50,) confidences of one entry of `people`."""
    if not isinstance(person, dict):
        raise BadInputError(f"people[{index}] is not an object", path=path)
    xy, conf = np.zeros((50, 2)), np.zeros(50)
    for key, count, target in PARTS:
        values = person.get(key)
        if values is None or (isinstance(values, list) and not values):
            continue  # OpenPose leaves hands empty when hand detection is off
        if not isinstance(values, list) or len(values) != count * 3:
            got = f"{len(values)} values" if isinstance(values, list) else \
                f"a {type(values).__name__}"
            raise BadInputError(f"people[{index}].{key} must be a list of {count * 3} numbers, "
                                f"got {got}", path=path)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            raise BadInputError(f"people[{index}].{key} holds non-numbers", path=path)
        array = np.asarray(values, dtype=np.float64)
        if not np.isfinite(array).all():
            raise BadInputError(f"people[{index}].{key} holds NaN or infinite values", path=path)
        points = array.reshape(count, 3)[: target.stop - target.start]
        xy[target], conf[target] = points[:, :2], np.clip(points[:, 2], 0, 1)
    return xy, conf


def _read_frame(path: Path) -> tuple[np.ndarray, np.ndarray]:
    data = loads_json(read_bytes(path, MAX_FRAME_BYTES), path)
    people = data.get("people") if isinstance(data, dict) else None
    if not isinstance(people, list):
        raise BadInputError("no 'people' list; not an OpenPose keypoints file", path=path)
    if not people:
        return np.zeros((50, 2)), np.zeros(50)
    candidates = [_person(p, path, i) for i, p in enumerate(people)]
    return max(candidates, key=lambda c: c[1].mean())


def read(path, *, fps: float = 25.0, language: str | None = None) -> list[PoseSequence]:
    path = Path(path)
    files = sorted(path.glob("*_keypoints.json"), key=_frame_key)
    if not files:
        raise BadInputError("folder holds no OpenPose *_keypoints.json frames", path=path)
    xy, conf = (np.stack(parts) for parts in zip(*(_read_frame(f) for f in files)))
    if not (conf > 0).any():
        raise BadInputError(f"no person detected in any of its {len(files)} frames", path=path)
    joints, meta = image_to_canonical(xy, conf, path)
    return [PoseSequence(joints, conf, fps=fps, name=path.name, language=language,
                         depth_known=False, meta=meta)]
