"""Refuse keypoints no body can be fitted to, before fitting, with the file and frame at fault.

Finite but absurd coordinates (a body a million metres wide, every joint at one point) make the
fitter's geometry degenerate (zero-length bones, zero-norm quaternions) deep inside numpy and
scipy; checked here, at the entry, they become one clear `BadInputError`.
"""
from __future__ import annotations

import numpy as np

from signllm.errors import BadInputError
from signllm.pose import PoseSequence

# Joints further apart than this are no body in any unit: the fitter rescales bodies given in
# centimetres or millimetres (about 2,000 "m" wide), so the bound is generous.
MAX_SPAN_M = 1e4
MIN_SPAN_M = 0.01   # joints closer together than this in every frame are one point


def check_fittable(seq: PoseSequence, min_confidence: float, path=None) -> None:
    """BadInputError unless `seq` has present joints spread like a human body."""
    where = path if path is not None else seq.name
    present = seq.confidence >= min_confidence
    counts = present.sum(axis=1)
    if not (counts >= 2).any():
        raise BadInputError(f"no frame has two joints with confidence >= {min_confidence}; "
                            "nothing to fit", path=where)
    joints = np.where(present[..., None], seq.joints.astype(np.float64), np.nan)
    with np.errstate(invalid="ignore"):
        span = np.nanmax(joints, axis=1) - np.nanmin(joints, axis=1)   # (T, 3), NaN if empty
    extent = np.linalg.norm(np.nan_to_num(span), axis=-1)
    if extent.max() > MAX_SPAN_M:
        frame = int(np.argmax(extent))
        raise BadInputError(f"present joints span {extent[frame]:.3g} m; no body is wider "
                            f"than {MAX_SPAN_M:g} in any unit (garbage coordinates?)",
                            path=where, frame=frame)
    if extent[counts >= 2].max() < MIN_SPAN_M:
        raise BadInputError(f"all present joints lie within {MIN_SPAN_M * 100:g} cm of one "
                            "point in every frame; not a body", path=where)
