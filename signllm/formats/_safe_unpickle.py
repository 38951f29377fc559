"""Load pickled data that may come from strangers: plain containers and numpy arrays only.

`np.load(allow_pickle=True)` executes whatever a hostile pickle names; DWPose frames store a
pickled dict, so we unpickle with a whitelist. Any other global -> BadInputError.
"""
from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import numpy as np

from ..errors import BadInputError

MAX_MEMBER_BYTES = 256 * 1024**2  # one DWPose frame is a few kB; refuse zip bombs

# (module, name) pairs a numpy array (or scalar) pickle needs, under numpy 1 and 2 names.
_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("builtins", "dict"), ("builtins", "list"), ("builtins", "tuple"),
    ("builtins", "int"), ("builtins", "float"), ("builtins", "complex"), ("builtins", "bool"),
    ("builtins", "str"), ("builtins", "bytes"),
    ("collections", "OrderedDict"), ("_codecs", "encode"),
}


class _Restricted(pickle.Unpickler):
    def __init__(self, file, path):
        super().__init__(file)
        self._path = path

    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise BadInputError(f"refusing to unpickle {module}.{name}: only dicts, lists, numbers "
                            "and numpy arrays are allowed", path=self._path)


def loads(data: bytes, path=None):
    try:
        return _Restricted(io.BytesIO(data), path).load()
    except BadInputError:
        raise
    except Exception as exc:  # pickle raises many types on garbage
        raise BadInputError(f"corrupt pickled data ({type(exc).__name__}: {exc})",
                            path=path) from None


def load_npz(path: Path) -> dict:
    """Every array of an .npz; object arrays are unpickled with the whitelist above."""
    try:
        with zipfile.ZipFile(path) as archive:
            out = {}
            for info in archive.infolist():
                member = info.filename
                if info.file_size > MAX_MEMBER_BYTES:
                    raise BadInputError(f"member {member!r} unpacks to {info.file_size:,} bytes, "
                                        "implausible for one frame", path=path)
                raw = archive.read(member)
                key = member[:-4] if member.endswith(".npy") else member
                out[key] = _load_npy(raw, path, key)
            return out
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise BadInputError(f"not a readable .npz archive ({exc})", path=path) from None


def _load_npy(raw: bytes, path, key):
    handle = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(handle)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        _, _, dtype = read_header(handle)
    except Exception as exc:
        raise BadInputError(f"array {key!r} has a bad .npy header ({exc})", path=path) from None
    if dtype.hasobject:
        value = loads(raw[handle.tell():], path)
        return value.item() if isinstance(value, np.ndarray) and value.shape == () else value
    try:
        handle.seek(0)
        return np.load(handle, allow_pickle=False)
    except Exception as exc:
        raise BadInputError(f"array {key!r} is corrupt ({exc})", path=path) from None
