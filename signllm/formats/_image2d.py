"""2D image keypoints -> the canonical frame, shared by every image-space source.

OpenPose JSON, DWPose (.npz frames and the 2025 `.skels` layout) and MediaPipe-Holistic `.pose`
files give points in image coordinates: x to the right, y *down*, no usable depth. The signer
faces the camera, so the signer's left appears on the image's right, which is canonical +X.

    X = (x - neck_x) * s,   Y = -(y - neck_y) * s,   Z = 0,   depth_known = False

`s` (metres per image unit) makes the clip's median shoulder width, over frames where both
shoulders are confidently detected, equal `NOMINAL_SHOULDER_WIDTH_M`; one `s` per clip so the
signer does not breathe in size. Frames without a detected neck use the shoulders' midpoint, then
the nearest frame's neck. `s` and the per-frame neck position are kept in `meta` so a writer can
invert the mapping.
"""
from __future__ import annotations

import numpy as np

from ..errors import BadInputError
from ..skeleton import L_SHOULDER, NECK, NOMINAL_SHOULDER_WIDTH_M, R_SHOULDER

# A shoulder must be at least this confident to take part in the scale estimate.
SCALE_CONFIDENCE = 0.3
# A joint this far from the neck (in metres, after scaling) means garbage coordinates.
MAX_METRES = 100.0


def _neck_track(xy: np.ndarray, conf: np.ndarray, path) -> np.ndarray:
    """(T, 2) neck position per frame: detected neck, else shoulders' midpoint, else nearest."""
    neck = xy[:, NECK].copy()
    have = conf[:, NECK] > 0
    both = (conf[:, L_SHOULDER] > 0) & (conf[:, R_SHOULDER] > 0) & ~have
    neck[both] = (xy[both, L_SHOULDER] + xy[both, R_SHOULDER]) / 2
    have = have | both
    if not have.any():
        raise BadInputError("no frame has a detected neck or both shoulders; cannot place the "
                            "signer", path=path)
    known = np.flatnonzero(have)
    for t in np.flatnonzero(~have):
        neck[t] = neck[known[np.argmin(np.abs(known - t))]]
    return neck


def image_to_canonical(xy: np.ndarray, conf: np.ndarray, path=None) -> tuple[np.ndarray, dict]:
    """Map (T, J, 2) image points of the 50-joint layout to (T, J, 3) canonical metres.

    `xy` must already be in isotropic units (same unit along x and y, e.g. pixels).
    Returns the joints (missing joints, confidence 0, are set to 0) and the meta entries
    `image_scale` (metres per unit) and `image_neck` ((T, 2) neck positions).
    """
    xy = np.asarray(xy, dtype=np.float64)
    conf = np.nan_to_num(np.asarray(conf, dtype=np.float64), nan=0.0)
    bad = ~np.isfinite(xy).all(axis=-1) & (conf > 0)
    if bad.any():
        t, j = np.argwhere(bad)[0]
        raise BadInputError(f"joint {j} has a NaN or infinite coordinate", path=path, frame=int(t))
    neck = _neck_track(xy, conf, path)
    shoulders = (conf[:, L_SHOULDER] >= SCALE_CONFIDENCE) & (conf[:, R_SHOULDER] >= SCALE_CONFIDENCE)
    if not shoulders.any():
        shoulders = (conf[:, L_SHOULDER] > 0) & (conf[:, R_SHOULDER] > 0)
    widths = np.linalg.norm(xy[shoulders, L_SHOULDER] - xy[shoulders, R_SHOULDER], axis=-1)
    widths = widths[widths > 0]
    if widths.size == 0:
        raise BadInputError("no frame has both shoulders detected; cannot set the metric scale",
                            path=path)
    scale = NOMINAL_SHOULDER_WIDTH_M / float(np.median(widths))
    joints = np.zeros(xy.shape[:2] + (3,), np.float64)
    joints[..., 0] = (xy[..., 0] - neck[:, None, 0]) * scale
    joints[..., 1] = -(xy[..., 1] - neck[:, None, 1]) * scale
    joints[conf <= 0] = 0.0
    joints += 0.0  # no negative zeros
    if not (np.isfinite(scale) and np.abs(joints).max(initial=0) < MAX_METRES):
        raise BadInputError(f"points span more than {MAX_METRES:g} m once scaled to a "
                            f"{NOMINAL_SHOULDER_WIDTH_M} m shoulder width; the shoulders are "
                            "implausibly close together for the body's size", path=path)
    return joints.astype(np.float32), {"image_scale": scale, "image_neck": neck}
