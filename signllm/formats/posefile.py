"""pose-format `.pose` files (the sign-language-processing ecosystem's format), via `pose-format`.

Reading, in order of preference:
1. A `SIGNLLM_PROMPT2SIGN_50` component (written by us): the exact 50 joints, decoded with the
   fixed canvas mapping below. A `_2D` suffix on the name marks depth as unknown.
2. MediaPipe Holistic (`POSE_LANDMARKS` + hand components), by point name, so every variant
   maps: the full 33-point body, spoken-to-signed's reduced body (8 points, no nose: the nose is
   then missing), with or without `POSE_WORLD_LANDMARKS` (not used) and any face. Neck =
   midpoint of LEFT/RIGHT_SHOULDER (confidence = the smaller of the two).
3. OpenPose (`pose_keypoints_2d` + `hand_*_keypoints_2d`): Nose, Neck, R/L Shoulder, Elbow,
   Wrist and both hands, by pose-format's point names.
A header without the shoulders (needed to place and scale the signer) is refused.

Holistic and OpenPose data are image pixels (x right, y down) and go through
`_image2d.image_to_canonical` (neck origin, scale from the median shoulder width, Z = 0,
`depth_known=False`). Holistic's z is not used: in spoken-to-signed's fingerspelling clips it is
about 250 +/- 3 on a 500-pixel canvas (MediaPipe's relative depth, quantised to 0.1), a spread
about 1/70 of the shoulder width, so it carries no usable metric depth. Several people: the
person with the highest mean confidence over the mapped joints is used. Masked points have
confidence 0.

Writing: a Holistic header that spoken-to-signed and pose-format's tools understand
(`POSE_LANDMARKS` 33, `FACE_LANDMARKS` 478 without limbs, left/right hands, empty
`POSE_WORLD_LANDMARKS`) filled with the joints we have (all other points masked), plus the
`SIGNLLM_PROMPT2SIGN_50` component holding all 50 joints exactly -- the neck of a `.skels` clip is
not the shoulders' midpoint, so Holistic alone cannot round-trip. Everything is drawn on a
1000 x 1000 canvas: x_px = 500 + 500 X, y_px = 400 - 500 Y, z_px = -500 Z (1 m = 500 px, neck
at (500, 400), y down and z toward the camera like MediaPipe). fps and confidences are stored.
`.pose` has no metadata field, so text, gloss, language, name and the format details in `meta`
(e.g. the `.skels` counter convention) travel as JSON (ASCII, escaped) in the name of an empty,
zero-point component `SIGNLLM_META {...}`, which other tools carry along and ignore.

A sequence with a face (`PoseSequence.face`) adds two components that any pose-format tool lists
by name: `SIGNLLM_FACE_ARKIT`, one point per ARKit blendshape named as in ARKit ("jawOpen", …)
whose x is its weight in [0, 1] (y = z = 0), and `SIGNLLM_FACE_ROTATIONS`, the points head, jaw,
eye_left, eye_right whose x, y, z are axis-angle radians (the face track's rotations). They are
values, not image positions: viewers that draw them put them in the canvas's top-left corner.
Reading restores the face track from them.
"""
from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import numpy as np

from ..atomic import atomic_path
from ..errors import BadInputError
from ..face.track import FaceTrack
from ..pose import PoseSequence
from ..skeleton import (L_ELBOW, L_HAND, L_SHOULDER, L_WRIST, NECK, NOSE, PROMPT2SIGN_50,
                        R_ELBOW, R_HAND, R_SHOULDER, R_WRIST)
from ._image2d import image_to_canonical
from ._limits import MAX_FILE_BYTES, check_fps, loads_json, read_bytes
from .npz import json_safe_meta

log = logging.getLogger(__name__)

SIGNLLM_COMPONENT = "SIGNLLM_PROMPT2SIGN_50"
FACE_COMPONENT = "SIGNLLM_FACE_ARKIT"
FACE_ROTATIONS = "SIGNLLM_FACE_ROTATIONS"
ROTATION_POINTS = ("head", "jaw", "eye_left", "eye_right")
META_PREFIX = "SIGNLLM_META "
MAX_NAME_CHARS = 60000  # pose-format stores a component name with a 16-bit length
TEXT_FIELDS = ("text", "gloss", "language", "name")
CANVAS = 1000
PX_PER_M = 500.0
ORIGIN_PX = np.array([500.0, 400.0, 0.0])
_AXES = np.array([1.0, -1.0, -1.0])  # canonical -> image (x right, y down, z toward camera)

BODY_POINTS = (
    "NOSE", "LEFT_EYE_INNER", "LEFT_EYE", "LEFT_EYE_OUTER", "RIGHT_EYE_INNER", "RIGHT_EYE",
    "RIGHT_EYE_OUTER", "LEFT_EAR", "RIGHT_EAR", "MOUTH_LEFT", "MOUTH_RIGHT", "LEFT_SHOULDER",
    "RIGHT_SHOULDER", "LEFT_ELBOW", "RIGHT_ELBOW", "LEFT_WRIST", "RIGHT_WRIST", "LEFT_PINKY",
    "RIGHT_PINKY", "LEFT_INDEX", "RIGHT_INDEX", "LEFT_THUMB", "RIGHT_THUMB", "LEFT_HIP",
    "RIGHT_HIP", "LEFT_KNEE", "RIGHT_KNEE", "LEFT_ANKLE", "RIGHT_ANKLE", "LEFT_HEEL",
    "RIGHT_HEEL", "LEFT_FOOT_INDEX", "RIGHT_FOOT_INDEX")
BODY_LIMBS = ((0, 1), (1, 2), (2, 3), (3, 7), (0, 4), (4, 5), (5, 6), (6, 8), (9, 10), (11, 12),
              (11, 13), (13, 15), (15, 17), (15, 19), (15, 21), (17, 19), (12, 14), (14, 16),
              (16, 18), (16, 20), (16, 22), (18, 20), (11, 23), (12, 24), (23, 24), (23, 25),
              (24, 26), (25, 27), (26, 28), (27, 29), (28, 30), (29, 31), (30, 32), (27, 31),
              (28, 32))
HAND_POINTS = (
    "WRIST", "THUMB_CMC", "THUMB_MCP", "THUMB_IP", "THUMB_TIP", "INDEX_FINGER_MCP",
    "INDEX_FINGER_PIP", "INDEX_FINGER_DIP", "INDEX_FINGER_TIP", "MIDDLE_FINGER_MCP",
    "MIDDLE_FINGER_PIP", "MIDDLE_FINGER_DIP", "MIDDLE_FINGER_TIP", "RING_FINGER_MCP",
    "RING_FINGER_PIP", "RING_FINGER_DIP", "RING_FINGER_TIP", "PINKY_MCP", "PINKY_PIP",
    "PINKY_DIP", "PINKY_TIP")
HAND_LIMBS = ((0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (5, 9), (9, 10),
              (10, 11), (11, 12), (9, 13), (13, 14), (14, 15), (15, 16), (13, 17), (0, 17),
              (17, 18), (18, 19), (19, 20))
FACE_POINTS = 478
# Holistic body index of each 50-layout body joint except the neck (shoulders' midpoint), as
# the writer lays them out.
HOLISTIC_BODY = {NOSE: 0, R_SHOULDER: 12, R_ELBOW: 14, R_WRIST: 16,
                 L_SHOULDER: 11, L_ELBOW: 13, L_WRIST: 15}
# Readers go by point name, so reduced layouts (spoken-to-signed keeps 8 body points, no nose)
# map too. (body component, {our joint: point name}, neck as a point or a midpoint, hands)
LAYOUTS = {
    "holistic": ("POSE_LANDMARKS", {j: BODY_POINTS[i] for j, i in HOLISTIC_BODY.items()},
                 ("LEFT_SHOULDER", "RIGHT_SHOULDER"),
                 {"LEFT_HAND_LANDMARKS": L_HAND, "RIGHT_HAND_LANDMARKS": R_HAND}),
    "openpose": ("pose_keypoints_2d", {NOSE: "Nose", R_SHOULDER: "RShoulder",
                                       R_ELBOW: "RElbow", R_WRIST: "RWrist",
                                       L_SHOULDER: "LShoulder", L_ELBOW: "LElbow",
                                       L_WRIST: "LWrist"}, ("Neck",),
                 {"hand_left_keypoints_2d": L_HAND, "hand_right_keypoints_2d": R_HAND}),
}


# ----------------------------------------------------------------------------- reading

def _load(path: Path):
    from pose_format import Pose
    data = read_bytes(path, MAX_FILE_BYTES)
    try:
        pose = Pose.read(data)
    except MemoryError:
        raise BadInputError("not a readable .pose file (its header asks for more memory than "
                            "exists; corrupt?)", path=path) from None
    except Exception as exc:  # the library raises struct/index/value errors on garbage
        raise BadInputError(f"not a readable .pose file ({type(exc).__name__}: {exc})",
                            path=path) from None
    points = sum(len(c.points) for c in pose.header.components)
    shape = np.shape(pose.body.data)
    if len(shape) != 4 or shape[2] != points or np.shape(pose.body.confidence) != shape[:3]:
        raise BadInputError(f"header describes {points} points per frame but the body holds "
                            f"data of shape {shape}; corrupt or mismatched header", path=path)
    return pose


def _component(pose, name: str, path: Path):
    """(T, P, N, D) data and (T, P, N) confidence of one component."""
    header = pose.header
    names = [c.name for c in header.components]
    idx = names.index(name)
    start = sum(len(c.points) for c in header.components[:idx])
    comp = header.components[idx]
    data = np.ma.getdata(pose.body.data)[:, :, start:start + len(comp.points)]
    mask = np.ma.getmaskarray(pose.body.data)[:, :, start:start + len(comp.points)]
    conf = np.array(pose.body.confidence[:, :, start:start + len(comp.points)], np.float64)
    conf[mask.any(axis=-1)] = 0
    conf = np.clip(np.nan_to_num(conf, nan=0.0), 0, 1)
    data = np.array(data, np.float64)
    bad = ~np.isfinite(data).all(axis=-1) & (conf > 0)
    if bad.any():
        t = int(np.argwhere(bad)[0][0])
        raise BadInputError(f"component {name}: NaN or infinite coordinate", path=path, frame=t)
    return data, conf


def _named_points(pose, name: str, wanted: dict, path: Path):
    """(T, P, 50, 2) and (T, P, 50) with the `wanted` {our joint: point name} filled where the
    component has that point (others stay missing)."""
    data, conf = _component(pose, name, path)
    points = [c for c in pose.header.components if c.name == name][0].points
    index = {p: i for i, p in enumerate(points)}
    t, people = data.shape[:2]
    xy, c = np.zeros((t, people, 50, 2)), np.zeros((t, people, 50))
    for ours, theirs in wanted.items():
        if theirs in index:
            xy[:, :, ours] = data[:, :, index[theirs], :2]
            c[:, :, ours] = conf[:, :, index[theirs]]
    return xy, c


def _pick_person(xy50: np.ndarray, conf50: np.ndarray):
    """The person with the highest mean confidence over the 50 mapped joints."""
    best = int(np.argmax(conf50.mean(axis=(0, 2)))) if conf50.shape[1] > 1 else 0
    return xy50[:, best], conf50[:, best]


def _from_signllm(pose, name: str, path: Path, fps: float) -> PoseSequence:
    data, conf = _component(pose, name, path)
    if data.shape[2] != PROMPT2SIGN_50.num_joints or data.shape[3] < 3:
        raise BadInputError(f"component {name} has {data.shape[2]} points of {data.shape[3]} "
                            "values, expected 50 points of x, y, z", path=path)
    joints = (data[:, 0, :, :3] - ORIGIN_PX) / PX_PER_M * _AXES
    conf = conf[:, 0]
    joints[conf <= 0] = 0
    if not np.abs(joints).max(initial=0) <= np.finfo(np.float32).max:
        raise BadInputError(f"component {name}: coordinates beyond float32's range", path=path)
    return PoseSequence(joints + 0.0, conf, fps=fps, name=path.stem,
                        depth_known=not name.endswith("_2D"), meta={"pose_header": "signllm"})


def _gather(pose, path: Path, layout: str):
    """The 50-layout image points of a Holistic or OpenPose header, by point name."""
    from pose_format.utils.openpose import HAND_POINTS as OPENPOSE_HAND_POINTS
    body_name, body_map, neck, hands = LAYOUTS[layout]
    points = [c for c in pose.header.components if c.name == body_name][0].points
    needed = [p for p in (*neck, body_map[L_SHOULDER], body_map[R_SHOULDER]) if p not in points]
    if needed:
        raise BadInputError(f"{body_name} lacks the point(s) {', '.join(sorted(set(needed)))}; "
                            "cannot place and scale the signer", path=path)
    xy, conf = _named_points(pose, body_name, {**body_map, **({NECK: neck[0]} if len(neck) == 1
                                                               else {})}, path)
    if len(neck) == 2:
        a, b = (_named_points(pose, body_name, {NECK: p}, path) for p in neck)
        xy[:, :, NECK] = (a[0][:, :, NECK] + b[0][:, :, NECK]) / 2
        conf[:, :, NECK] = np.minimum(a[1][:, :, NECK], b[1][:, :, NECK])
    hand_names = HAND_POINTS if layout == "holistic" else OPENPOSE_HAND_POINTS
    for comp in pose.header.components:
        if comp.name in hands:
            ids = hands[comp.name]
            hxy, hc = _named_points(pose, comp.name, dict(zip(ids, hand_names)), path)
            xy[:, :, ids], conf[:, :, ids] = hxy[:, :, ids], hc[:, :, ids]
    return xy, conf


def read(path, *, fps: float | None = None, language: str | None = None) -> list[PoseSequence]:
    """One sequence per file; `fps=` overrides the file's frame rate."""
    path = Path(path)
    pose = _load(path)
    file_fps = float(pose.body.fps)
    fps = check_fps(fps or file_fps, path, "--fps" if fps else "the file's frame rate")
    if len(pose.body.data) == 0:
        raise BadInputError("file holds no frames", path=path)
    names = [c.name for c in pose.header.components]
    ours = [n for n in names if n.startswith(SIGNLLM_COMPONENT)]
    if ours:
        seq = _from_signllm(pose, ours[0], path, fps)
    else:
        source = next((k for k, v in LAYOUTS.items() if v[0] in names), None)
        if source is None:
            raise BadInputError(f"unsupported .pose header: components {names[:8]}; expected "
                                "MediaPipe Holistic (POSE_LANDMARKS), OpenPose "
                                "(pose_keypoints_2d) or signllm's own", path=path)
        xy, conf = _pick_person(*_gather(pose, path, source))
        joints, meta = image_to_canonical(xy, conf, path)
        seq = PoseSequence(joints, conf, fps=fps, name=path.stem, depth_known=False,
                           meta={**meta, "pose_header": source})
    _apply_meta(seq, [n for n in names if n.startswith(META_PREFIX)], path)
    if FACE_COMPONENT in names:
        seq.face = _read_face(pose, seq, path)
    if language is not None:
        seq.language = language
    return [seq]


def _read_face(pose, seq: PoseSequence, path: Path) -> FaceTrack:
    """The face track of our `SIGNLLM_FACE_ARKIT` (+ `SIGNLLM_FACE_ROTATIONS`) components."""
    names = [c.points for c in pose.header.components if c.name == FACE_COMPONENT][0]
    data, _ = _component(pose, FACE_COMPONENT, path)
    t = seq.num_frames
    rotations = np.zeros((t, len(ROTATION_POINTS), 3))
    if FACE_ROTATIONS in [c.name for c in pose.header.components]:
        points = [c.points for c in pose.header.components if c.name == FACE_ROTATIONS][0]
        rot, _ = _component(pose, FACE_ROTATIONS, path)
        if list(points) != list(ROTATION_POINTS) or rot.shape[3] < 3:
            raise BadInputError(f"component {FACE_ROTATIONS} must hold the points "
                                f"{', '.join(ROTATION_POINTS)} with x, y, z", path=path)
        rotations = rot[:, 0, :, :3]
    weights = data[:, 0, :, 0] if data.shape[3] else np.zeros((t, len(names)))
    if not (np.isfinite(weights).all() and np.isfinite(rotations).all()):
        raise BadInputError("face components hold NaN or infinite values", path=path)
    try:
        return FaceTrack(tuple(names), weights, rotations[:, 1], rotations[:, 0],
                         rotations[:, 2:4], seq.fps)
    except BadInputError as exc:
        raise BadInputError(f"component {FACE_COMPONENT}: {exc}", path=path) from None


def _apply_meta(seq: PoseSequence, components: list[str], path: Path) -> None:
    """Text, gloss, language, name and meta from our `SIGNLLM_META` component, if any."""
    if not components:
        return
    stored = loads_json(components[0][len(META_PREFIX):], path, META_PREFIX.strip())
    if not isinstance(stored, dict):
        raise BadInputError(f"{META_PREFIX.strip()} component is not a JSON object", path=path)
    for field in TEXT_FIELDS:
        if isinstance(stored.get(field), str):
            setattr(seq, field, stored[field])
    if isinstance(stored.get("meta"), dict):
        seq.meta.update(stored["meta"])


# ----------------------------------------------------------------------------- writing

def _meta_name(seq: PoseSequence) -> str:
    stored = {f: getattr(seq, f) for f in TEXT_FIELDS if getattr(seq, f) is not None}
    stored["meta"] = json_safe_meta(seq.meta)
    name = META_PREFIX + json.dumps(stored)  # ASCII: pose-format counts characters as bytes
    if len(name) > MAX_NAME_CHARS:
        log.warning("text/meta too long for a .pose header (%d characters); not stored", len(name))
        name = META_PREFIX + "{}"
    return name


def _header(seq: PoseSequence):
    from pose_format.pose_header import PoseHeader, PoseHeaderComponent, PoseHeaderDimensions

    def comp(name, points, limbs, color):
        return PoseHeaderComponent(name=name, points=list(points), limbs=list(limbs),
                                   colors=[color], point_format="XYZC")
    components = [
        comp("POSE_LANDMARKS", BODY_POINTS, BODY_LIMBS, (255, 0, 0)),
        comp("FACE_LANDMARKS", [str(i) for i in range(FACE_POINTS)], (), (128, 0, 0)),
        comp("LEFT_HAND_LANDMARKS", HAND_POINTS, HAND_LIMBS, (0, 255, 0)),
        comp("RIGHT_HAND_LANDMARKS", HAND_POINTS, HAND_LIMBS, (0, 0, 255)),
        comp("POSE_WORLD_LANDMARKS", BODY_POINTS, BODY_LIMBS, (255, 0, 0)),
        comp(SIGNLLM_COMPONENT + ("" if seq.depth_known else "_2D"), PROMPT2SIGN_50.joint_names,
             PROMPT2SIGN_50.bones(), (255, 255, 0)),
    ]
    if seq.face is not None:
        components += [comp(FACE_COMPONENT, seq.face.names, (), (255, 0, 255)),
                       comp(FACE_ROTATIONS, ROTATION_POINTS, (), (255, 0, 255))]
    components.append(comp(_meta_name(seq), (), (), (0, 0, 0)))
    return PoseHeader(version=0.2, dimensions=PoseHeaderDimensions(CANVAS, CANVAS, 0),
                      components=components)


def to_pose(seq: PoseSequence):
    """A pose-format `Pose` of one sequence (Holistic layout + the exact 50 joints)."""
    from pose_format import Pose
    from pose_format.numpy import NumPyPoseBody

    t = seq.num_frames
    px = ORIGIN_PX + seq.joints.astype(np.float64) * _AXES * PX_PER_M
    conf = seq.confidence.astype(np.float64)
    n_body, n_hand = len(BODY_POINTS), len(HAND_POINTS)
    sizes = [n_body, FACE_POINTS, n_hand, n_hand, n_body, PROMPT2SIGN_50.num_joints]
    if seq.face is not None:
        sizes += [len(seq.face.names), len(ROTATION_POINTS)]
    offsets = np.cumsum([0] + sizes)
    data = np.zeros((t, 1, offsets[-1], 3))
    c = np.zeros((t, 1, offsets[-1]))
    for ours, theirs in HOLISTIC_BODY.items():
        data[:, 0, theirs], c[:, 0, theirs] = px[:, ours], conf[:, ours]
    for k, idx in ((2, L_HAND), (3, R_HAND)):
        data[:, 0, offsets[k]:offsets[k + 1]] = px[:, idx]
        c[:, 0, offsets[k]:offsets[k + 1]] = conf[:, idx]
    data[:, 0, offsets[5]:offsets[6]] = px
    c[:, 0, offsets[5]:offsets[6]] = conf
    if seq.face is not None:
        face = seq.face
        data[:, 0, offsets[6]:offsets[7], 0] = face.weights
        data[:, 0, offsets[7]:offsets[8]] = np.concatenate(
            [face.head[:, None], face.jaw[:, None], face.eyes], axis=1)
        c[:, 0, offsets[6]:offsets[8]] = 1.0
    mask = np.repeat((c <= 0)[..., None], 3, axis=-1)
    body = NumPyPoseBody(fps=float(seq.fps), data=np.ma.masked_array(data.astype(np.float32), mask),
                         confidence=c.astype(np.float32))
    return Pose(header=_header(seq), body=body)


def write(path, sequences: list[PoseSequence]) -> None:
    """One sequence per `.pose` file (pose-format holds one clip)."""
    path = Path(path)
    if len(sequences) != 1:
        raise BadInputError(f"a .pose file holds one sequence, got {len(sequences)}; write one "
                            "file per sequence", path=path)
    seq = sequences[0]
    if seq.skeleton.num_joints != PROMPT2SIGN_50.num_joints:
        raise BadInputError(f"{seq.skeleton.num_joints}-joint sequences cannot be written as "
                            ".pose; expected the 50-joint layout", path=path)
    if np.abs(seq.joints.astype(np.float64)).max() * PX_PER_M + CANVAS > np.finfo(np.float32).max:
        raise BadInputError("coordinates too large for .pose float32 pixels (1 m = "
                            f"{PX_PER_M:g} px)", path=path)
    pose = to_pose(seq)
    buffer = io.BytesIO()
    pose.write(buffer)
    with atomic_path(path) as tmp:
        tmp.write_bytes(buffer.getvalue())
