"""signllm's plain keypoint `.npz`: numpy arrays only, loaded with `allow_pickle=False`.

One sequence, keys:
    joints       (T, J, 3) float32, canonical metres (+Y up, +Z forward, +X signer's left,
                 origin at the neck)
    confidence   (T, J) float32 in [0, 1]; 0 = missing joint (optional, default all 1)
    fps          () float
    joint_names  (J,) str;  parents (J,) int  (-1 = root)
    depth_known  () bool
    text, gloss, language, name   () str, each only when set
    meta         () str, JSON of the format details a writer may reuse (e.g. the `.skels`
                 counter convention); optional
Several sequences in one file: `num_sequences` () int, and the keys above prefixed with
`seq<i>/` for i = 0 .. n-1 (e.g. `seq0/joints`, `seq1/text`); a key whose value is the same in
every sequence (`fps`, `joint_names`, ...) may be stored once, unprefixed, and then holds for
each sequence that lacks its own (a zip member costs ~30 us to write: a 2,845-clip file has
20 k of them otherwise). Members are written stored (uncompressed); compressed ones read too.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from ..atomic import atomic_open
from ..errors import BadInputError
from ..pose import PoseSequence
from ..skeleton import PROMPT2SIGN_50, Skeleton
from ._limits import MAX_FILE_BYTES, check_fps, loads_json
from ._safe_unpickle import load_npz

log = logging.getLogger(__name__)

TEXT_FIELDS = ("text", "gloss", "language", "name")


def json_safe_meta(meta: dict) -> dict:
    """The entries of `meta` that JSON can hold (numpy scalars unwrapped), for files."""
    out = {}
    for key, value in meta.items():
        if isinstance(value, np.generic):
            value = value.item()
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            log.debug("meta %r is not JSON; not stored in .npz", key)
            continue
        out[key] = value
    return out


def _arrays(seq: PoseSequence) -> dict:
    arrays = {"joints": seq.joints.astype(np.float32),
              "confidence": seq.confidence.astype(np.float32),
              "fps": np.float64(seq.fps),
              "joint_names": np.array(seq.skeleton.joint_names, dtype=str),
              "parents": np.array(seq.skeleton.parents, dtype=np.int32),
              "depth_known": np.bool_(seq.depth_known),
              "meta": np.array(json.dumps(json_safe_meta(seq.meta)))}
    for field in TEXT_FIELDS:
        if getattr(seq, field) is not None:
            arrays[field] = np.array(getattr(seq, field))
    return arrays


def write(path, sequences: list[PoseSequence]) -> None:
    path = Path(path)
    if len(sequences) == 1:
        arrays = _arrays(sequences[0])
    else:
        each = [_arrays(seq) for seq in sequences]
        shared = {k: v for k, v in each[0].items() if k not in ("joints", "confidence")
                  and all(k in a and _same(a[k], v) for a in each[1:])}
        arrays = {"num_sequences": np.int64(len(sequences)), **shared}
        for i, a in enumerate(each):
            arrays.update({f"seq{i}/{k}": v for k, v in a.items() if k not in shared})
    with atomic_open(path, "wb") as handle:  # a handle: numpy would append .npz to a name
        np.savez(handle, **arrays)  # stored: deflate saves 40 % of the size at 4x the time


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and bool(np.all(a == b))


def _get(data: dict, key: str, path: Path, required: bool = True, prefix: str = ""):
    if key not in data:
        if required:
            raise BadInputError(f"missing array {prefix + key!r}", path=path)
        return None
    return data[key]


def _string(data, key: str, path: Path, prefix: str = "") -> str | None:
    value = _get(data, key, path, required=False)
    if value is None:
        return None
    if value.shape != () or value.dtype.kind != "U":
        raise BadInputError(f"{prefix + key!r} must be a single string", path=path)
    return str(value)


def _skeleton(data, path: Path, num_joints: int) -> Skeleton:
    names = _get(data, "joint_names", path, required=False)
    parents = _get(data, "parents", path, required=False)
    if names is None and parents is None:
        if num_joints != PROMPT2SIGN_50.num_joints:
            raise BadInputError(f"{num_joints} joints but no joint_names/parents", path=path)
        return PROMPT2SIGN_50
    if names is None or parents is None or names.shape != (num_joints,) \
            or parents.shape != (num_joints,) or parents.dtype.kind not in "iu":
        raise BadInputError(f"joint_names and parents must both be ({num_joints},) arrays "
                            "(strings, integers)", path=path)
    names, parents = tuple(str(n) for n in names), tuple(int(p) for p in parents)
    if names == PROMPT2SIGN_50.joint_names and parents == PROMPT2SIGN_50.parents:
        return PROMPT2SIGN_50
    if any(p < -1 or p >= num_joints for p in parents):
        raise BadInputError("parents must be -1 or a joint index", path=path)
    return Skeleton("custom", names, parents)


def _sequence(data, prefix: str, path: Path) -> PoseSequence:
    """One sequence from its arrays (`data`, keys without their `prefix`, which errors name)."""
    joints = _get(data, "joints", path, prefix=prefix)
    if joints.ndim != 3 or joints.shape[2] != 3 or joints.dtype.kind != "f" or not joints.size:
        raise BadInputError(f"{prefix}joints must be a float (T, J, 3) array with T, J > 0, got "
                            f"{joints.dtype} {joints.shape}", path=path)
    bad = ~(np.abs(joints) <= np.finfo(np.float32).max)
    if bad.any():
        raise BadInputError(f"{prefix}joints: a NaN, infinite or beyond-float32 coordinate",
                            path=path, frame=int(np.argwhere(bad)[0][0]))
    confidence = _get(data, "confidence", path, required=False)
    if confidence is None:
        confidence = np.ones(joints.shape[:2], np.float32)
    elif confidence.shape != joints.shape[:2] or confidence.dtype.kind not in "fiu":
        raise BadInputError(f"{prefix}confidence must be a {joints.shape[:2]} number array",
                            path=path)
    if not np.isfinite(confidence).all():
        raise BadInputError(f"{prefix}confidence holds NaN or infinite values", path=path)
    fps = _get(data, "fps", path, required=False)
    depth = _get(data, "depth_known", path, required=False)
    meta_text = _string(data, "meta", path, prefix)
    meta = loads_json(meta_text, path, f"{prefix}meta") if meta_text else {}
    if fps is not None and (fps.shape != () or fps.dtype.kind not in "iuf"):
        raise BadInputError(f"{prefix}fps must be a single number", path=path)
    fps_value = 25.0 if fps is None else check_fps(fps, path, f"{prefix}fps")
    if depth is not None and (depth.shape != () or depth.dtype.kind not in "biu"):
        raise BadInputError(f"{prefix}depth_known must be a single boolean", path=path)
    seq = PoseSequence(joints, np.clip(confidence, 0, 1), fps=fps_value,
                       skeleton=_skeleton(data, path, joints.shape[1]),
                       depth_known=True if depth is None else bool(depth),
                       meta=meta if isinstance(meta, dict) else {},
                       **{f: _string(data, f, path, prefix) for f in TEXT_FIELDS})
    return seq


def read(path, *, language: str | None = None) -> list[PoseSequence]:
    path = Path(path)
    data = load_npz(path, MAX_FILE_BYTES, allow_pickle=False)
    if "joints" in data:
        seqs = [_sequence(data, "", path)]
    else:
        count = _get(data, "num_sequences", path)
        if count.shape != () or count.dtype.kind not in "iu" or not 0 < int(count) <= len(data):
            raise BadInputError("num_sequences must be a positive integer, at most the number "
                                "of arrays", path=path)
        shared, own = {}, [{} for _ in range(int(count))]
        for key, value in data.items():
            head, _, rest = key.partition("/")
            index = int(head[3:]) if rest and head.startswith("seq") and head[3:].isdigit() \
                else -1
            if 0 <= index < len(own):
                own[index][rest] = value
            elif not rest:
                shared[key] = value
        seqs = [_sequence({**shared, **mine}, f"seq{i}/", path) for i, mine in enumerate(own)]
    if language is not None:
        for seq in seqs:
            seq.language = language
    return seqs
