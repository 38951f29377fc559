"""Bounded reading of untrusted input: what is read is limited, not what `stat` promises.

A symlink to `/dev/zero` has size 0 and a FIFO blocks forever, so the limits apply to the bytes
actually read, from regular files only (opened non-blocking, checked again on the open handle).
JSON is parsed with bounded integers and depth; frame rates must lie in a range every writer
can store.
"""
from __future__ import annotations

import json
import os
import stat

from ..errors import BadInputError

# Refuse files larger than this unless the user raises it: a multi-GB file is almost always
# a mistake, and reading it would exhaust memory instead of failing with a clear message.
MAX_FILE_BYTES = int(os.environ.get("SIGNLLM_MAX_FILE_BYTES", 2 * 1024**3))
# Frame rates outside this range are typing errors (fps 0.0001) and overflow derived values.
MIN_FPS, MAX_FPS = 0.1, 1000.0
# Integers longer than this in JSON are not keypoints (Python refuses > 4300 digits anyway).
MAX_JSON_INT_DIGITS = 40


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, expected a file"
    kind = "FIFO" if stat.S_ISFIFO(mode) else "device" if stat.S_ISCHR(mode) or \
        stat.S_ISBLK(mode) else "socket" if stat.S_ISSOCK(mode) else "special file"
    return f"is a {kind}, not a regular file; refusing to read it"


def _os_error(exc: OSError, path) -> BadInputError:
    return BadInputError(f"cannot read it ({exc.strerror or exc})", path=path)


def check_regular(path) -> int:
    """The size of `path` after following symlinks; BadInputError unless it is a regular file."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise BadInputError("no such file or folder", path=path) from None
    except OSError as exc:
        raise _os_error(exc, path) from None
    problem = _not_regular(info.st_mode)
    if problem:
        raise BadInputError(problem, path=path)
    return info.st_size


def open_regular(path, limit: int = MAX_FILE_BYTES):
    """A binary handle on a regular file of at most `limit` bytes (by stat; callers bound reads)."""
    size = check_regular(path)
    if size == 0:
        raise BadInputError("file is empty", path=path)
    if size > limit:
        hint = " (raise it with SIGNLLM_MAX_FILE_BYTES)" if limit == MAX_FILE_BYTES else ""
        raise BadInputError(f"file is {size:,} bytes, over the limit of {limit:,} bytes{hint}",
                            path=path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _os_error(exc, path) from None
    try:
        problem = _not_regular(os.fstat(fd).st_mode)  # swapped between stat and open
        if problem:
            raise BadInputError(problem, path=path)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path, limit: int) -> bytes:
    """All bytes of a regular file, refusing (not truncating) more than `limit`."""
    with open_regular(path, limit) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise _os_error(exc, path) from None
    if len(data) > limit:
        raise BadInputError(f"file grew past the limit of {limit:,} bytes while being read",
                            path=path)
    return data


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_INT_DIGITS:
        raise ValueError(f"integer with {len(text)} digits")
    return int(text)


def loads_json(text: str | bytes, path, what: str | None = None):
    """JSON with integers of bounded length (they convert to float64) and bounded nesting."""
    where = f"{what}: " if what else ""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadInputError(f"{where}not UTF-8 text ({exc.reason} at byte {exc.start})",
                                path=path) from None
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{where}not valid JSON ({exc.msg}, column {exc.colno})",
                            path=path, line=exc.lineno) from None
    except RecursionError:
        raise BadInputError(f"{where}JSON nested too deeply", path=path) from None
    except ValueError as exc:
        raise BadInputError(f"{where}implausible number in JSON ({exc})", path=path) from None


def check_fps(fps, path, what: str = "frame rate") -> float:
    """`fps` as a float in [MIN_FPS, MAX_FPS], or BadInputError."""
    try:
        value = float(fps)
    except (TypeError, ValueError, OverflowError):
        raise BadInputError(f"{what} must be a number, got {fps!r}", path=path) from None
    if not MIN_FPS <= value <= MAX_FPS:  # also False for NaN
        raise BadInputError(f"{what} {value:g} is outside {MIN_FPS:g}..{MAX_FPS:g} fps",
                            path=path)
    return value
