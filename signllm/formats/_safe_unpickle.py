"""Load `.npz` archives and pickles that may come from strangers, within bounded memory.

`np.load(allow_pickle=True)` executes whatever a hostile pickle names; DWPose frames store a
pickled dict, so we unpickle with a whitelist of the few numpy callables an array pickle needs
(containers and numbers are built by pickle opcodes, so `list`, `bytes`, ... are not needed,
and `list(bytes(300_000_000))` is refused). Every callable is wrapped to bound what it
allocates. Archives are read member by member: encrypted members, implausible compression
ratios (zip bombs) and sizes over the caller's limit are refused before decompressing, reads
are bounded by the declared size, and `.npy` headers must agree with the data they carry.
"""
from __future__ import annotations

import codecs
import io
import math
import pickle
import zipfile

import numpy as np

from ..errors import BadInputError
from ._limits import open_regular

# Above this unpacked size a member must not expand more than MAX_RATIO times (deflate manages
# about 1000x only on constant data, which no keypoint array is).
RATIO_CHECK_BYTES = 8 * 1024**2
MAX_RATIO = 100
MAX_PICKLED_ELEMENTS = 10**6
_MODULES = ("numpy.core.multiarray", "numpy._core.multiarray")
_NUMERIC = ("numpy.core.numeric", "numpy._core.numeric")


class _NdarrayType:
    """Stands in for `numpy.ndarray`: usable only as `_reconstruct`'s subtype, never called."""

    def __call__(self, *args):
        raise pickle.UnpicklingError("ndarray() called directly")


_NDARRAY = _NdarrayType()


def _count(shape) -> int:
    if isinstance(shape, int):
        shape = (shape,)
    if not isinstance(shape, tuple) or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise pickle.UnpicklingError(f"bad array shape {shape!r}")
    count = math.prod(shape)
    if count > MAX_PICKLED_ELEMENTS:
        raise pickle.UnpicklingError(f"array of {count:,} elements is implausibly large")
    return count


def _reconstruct(subtype, shape, dtype):
    if subtype is not _NDARRAY:
        raise pickle.UnpicklingError("only plain numpy arrays are allowed")
    _count(shape)
    return np._core.multiarray._reconstruct(np.ndarray, shape, dtype)


def _dtype(spec, align=False, copy=False):
    if not isinstance(spec, str) or len(spec) > 8:
        raise pickle.UnpicklingError(f"unsupported dtype {spec!r}")
    return np.dtype(spec, align, copy)


def _encode(text, encoding="utf-8"):
    if codecs.lookup(encoding).name not in ("latin-1", "iso8859-1"):
        raise pickle.UnpicklingError(f"encoding {encoding!r} is not allowed")
    return text.encode(encoding)


def _frombuffer(buffer, dtype, shape, order):
    _count(shape)
    return np._core.numeric._frombuffer(buffer, dtype, shape, order)


_ALLOWED = {("numpy", "ndarray"): _NDARRAY, ("numpy", "dtype"): _dtype,
            ("_codecs", "encode"): _encode,
            **{(m, "_reconstruct"): _reconstruct for m in _MODULES},
            **{(m, "scalar"): np._core.multiarray.scalar for m in _MODULES},
            **{(m, "_frombuffer"): _frombuffer for m in _NUMERIC}}


class _Restricted(pickle.Unpickler):
    def __init__(self, file, path):
        super().__init__(file)
        self._path = path

    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return _ALLOWED[(module, name)]
        raise BadInputError(f"refusing to unpickle {module}.{name}: only dicts, lists, numbers "
                            "and numpy arrays are allowed", path=self._path)


def loads(data: bytes, path=None):
    try:
        return _Restricted(io.BytesIO(data), path).load()
    except BadInputError:
        raise
    except RecursionError:
        raise BadInputError("pickled data is nested too deeply", path=path) from None
    except Exception as exc:  # pickle raises many types on garbage
        raise BadInputError(f"corrupt pickled data ({type(exc).__name__}: {exc})",
                            path=path) from None


def _member_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path, budget: int) -> bytes:
    name = info.filename
    if info.flag_bits & 0x1:
        raise BadInputError(f"member {name!r} is encrypted", path=path)
    if info.file_size > budget:
        raise BadInputError(f"member {name!r} unpacks to {info.file_size:,} bytes, over the "
                            f"limit of {budget:,}", path=path)
    ratio = info.file_size // max(info.compress_size, 1)
    if info.file_size > RATIO_CHECK_BYTES and ratio > MAX_RATIO:
        raise BadInputError(f"member {name!r} expands {ratio} times ({info.file_size:,} bytes); "
                            "refusing a zip bomb", path=path)
    try:
        with archive.open(info) as handle:
            data = handle.read(info.file_size + 1)
    except Exception as exc:  # zlib.error, BadZipFile (CRC), NotImplementedError (method), ...
        raise BadInputError(f"member {name!r} is corrupt ({type(exc).__name__}: {exc})",
                            path=path) from None
    if len(data) != info.file_size:
        raise BadInputError(f"member {name!r} holds {len(data):,} bytes, its header says "
                            f"{info.file_size:,}", path=path)
    return data


def load_npz(path, max_bytes: int, allow_pickle: bool = True) -> dict:
    """Every array of an .npz (key = member name without `.npy`), at most `max_bytes` unpacked.

    Object arrays are unpickled with the whitelist above, or refused when `allow_pickle` is
    False.
    """
    handle = open_regular(path, max_bytes)
    try:
        with handle, zipfile.ZipFile(handle) as archive:
            out, budget = {}, max_bytes
            for info in archive.infolist():
                if not info.filename.endswith(".npy"):
                    raise BadInputError(f"member {info.filename!r} is not a .npy array",
                                        path=path)
                key = info.filename[:-4]
                if key in out:
                    raise BadInputError(f"member {info.filename!r} appears twice", path=path)
                raw = _member_bytes(archive, info, path, budget)
                budget -= len(raw)
                out[key] = _load_npy(raw, path, key, allow_pickle)
            return out
    except BadInputError:
        raise
    except Exception as exc:  # BadZipFile, LargeZipFile, EOFError, OSError, ValueError, ...
        raise BadInputError(f"not a readable .npz archive ({type(exc).__name__}: {exc})",
                            path=path) from None


def _load_npy(raw: bytes, path, key: str, allow_pickle: bool):
    handle = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(handle)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, fortran, dtype = read_header(handle)
    except Exception as exc:  # ValueError, SyntaxError, tokenize.TokenError, ...
        raise BadInputError(f"array {key!r} has a bad .npy header ({type(exc).__name__}: "
                            f"{exc})", path=path) from None
    if dtype.hasobject:
        if not allow_pickle:
            raise BadInputError(f"array {key!r} holds Python objects (pickle); refusing",
                                path=path)
        value = loads(raw[handle.tell():], path)
        return value.item() if isinstance(value, np.ndarray) and value.shape == () else value
    size = math.prod(shape) * dtype.itemsize
    if size != len(raw) - handle.tell():
        raise BadInputError(f"array {key!r}: header says {shape} {dtype} ({size:,} bytes), the "
                            f"member holds {len(raw) - handle.tell():,}", path=path)
    array = np.frombuffer(raw, dtype=dtype, offset=handle.tell(), count=math.prod(shape))
    return array.reshape(shape, order="F" if fortran else "C").copy()
