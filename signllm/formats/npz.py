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
`seq<i>/` for i = 0 .. n-1 (e.g. `seq0/joints`, `seq1/text`).
"""
from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path

import numpy as np

from ..atomic import atomic_path
from ..errors import BadInputError
from ..pose import PoseSequence
from ..skeleton import PROMPT2SIGN_50, Skeleton

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
        arrays = {"num_sequences": np.int64(len(sequences))}
        for i, seq in enumerate(sequences):
            arrays.update({f"seq{i}/{k}": v for k, v in _arrays(seq).items()})
    with atomic_path(path) as tmp:
        np.savez_compressed(tmp, **arrays)


def _get(data, key: str, path: Path, required: bool = True):
    if key not in data.files:
        if required:
            raise BadInputError(f"missing array {key!r}", path=path)
        return None
    try:
        return data[key]
    except ValueError as exc:  # object arrays need pickle: refuse
        raise BadInputError(f"array {key!r} cannot be loaded without pickle ({exc}); refusing",
                            path=path) from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BadInputError(f"array {key!r} is corrupt ({exc})", path=path) from None


def _string(data, key: str, path: Path) -> str | None:
    value = _get(data, key, path, required=False)
    if value is None:
        return None
    if value.shape != () or value.dtype.kind != "U":
        raise BadInputError(f"{key!r} must be a single string", path=path)
    return str(value)


def _skeleton(data, prefix: str, path: Path, num_joints: int) -> Skeleton:
    names = _get(data, prefix + "joint_names", path, required=False)
    parents = _get(data, prefix + "parents", path, required=False)
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
    joints = _get(data, prefix + "joints", path)
    if joints.ndim != 3 or joints.shape[2] != 3 or joints.dtype.kind != "f":
        raise BadInputError(f"{prefix}joints must be a float (T, J, 3) array, got "
                            f"{joints.dtype} {joints.shape}", path=path)
    confidence = _get(data, prefix + "confidence", path, required=False)
    if confidence is None:
        confidence = np.ones(joints.shape[:2], np.float32)
    elif confidence.shape != joints.shape[:2] or confidence.dtype.kind not in "fiu":
        raise BadInputError(f"{prefix}confidence must be a {joints.shape[:2]} number array",
                            path=path)
    if not np.isfinite(confidence).all():
        raise BadInputError(f"{prefix}confidence holds NaN or infinite values", path=path)
    fps = _get(data, prefix + "fps", path, required=False)
    depth = _get(data, prefix + "depth_known", path, required=False)
    meta_text = _string(data, prefix + "meta", path)
    try:
        meta = json.loads(meta_text) if meta_text else {}
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{prefix}meta is not JSON ({exc})", path=path) from None
    try:
        fps_value = 25.0 if fps is None else float(fps)
    except (TypeError, ValueError):
        raise BadInputError(f"{prefix}fps must be a number", path=path) from None
    seq = PoseSequence(joints, np.clip(confidence, 0, 1), fps=fps_value,
                       skeleton=_skeleton(data, prefix, path, joints.shape[1]),
                       depth_known=True if depth is None else bool(depth),
                       meta=meta if isinstance(meta, dict) else {},
                       **{f: _string(data, prefix + f, path) for f in TEXT_FIELDS})
    return seq


def _check_unpacked_size(path: Path) -> None:
    """Refuse archives that would unpack to more than the file-size limit (zip bombs)."""
    from . import DEFAULT_MAX_BYTES
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BadInputError(f"not a readable .npz archive ({exc})", path=path) from None
    if total > DEFAULT_MAX_BYTES:
        raise BadInputError(f"unpacks to {total:,} bytes, over the limit of "
                            f"{DEFAULT_MAX_BYTES:,} (raise it with SIGNLLM_MAX_FILE_BYTES)",
                            path=path)


def read(path, *, language: str | None = None) -> list[PoseSequence]:
    path = Path(path)
    _check_unpacked_size(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            if "joints" in data.files:
                seqs = [_sequence(data, "", path)]
            else:
                count = _get(data, "num_sequences", path)
                if count.shape != () or count.dtype.kind not in "iu" or not 0 < int(count) < 10**6:
                    raise BadInputError("num_sequences must be a positive integer", path=path)
                seqs = [_sequence(data, f"seq{i}/", path) for i in range(int(count))]
    except BadInputError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise BadInputError(f"not a readable .npz archive ({exc})", path=path) from None
    if language is not None:
        for seq in seqs:
            seq.language = language
    return seqs
