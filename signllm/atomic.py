"""Atomic file writes: a crash, a full disk or a bad input never leaves half a file behind.

Each write goes to a hidden temporary sibling that is renamed over the target only when the
writer finished; on any failure the temporary is removed. Inside `atomic_group()` the renames
wait until the whole group succeeded, so multi-file outputs (a `.skels` and its siblings, the
clips of one `convert`) appear together or not at all. Targets that exist but are not regular
files (a device, a FIFO, a folder) are refused rather than replaced.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Iterator

from .errors import BadInputError

# mkstemp creates 0600 files; a finished file gets the mode a plain open() would have given it.
_UMASK = os.umask(0)
os.umask(_UMASK)
# (temporary, target) pairs of the innermost open group, renamed when it closes.
_PENDING: contextvars.ContextVar[list | None] = contextvars.ContextVar("atomic_group",
                                                                       default=None)


def check_target(path: str | os.PathLike) -> None:
    """BadInputError when `path` exists and is not a regular file (or a link to one)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise BadInputError(f"cannot write it ({exc.strerror or exc})", path=path) from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else \
            "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"
        raise BadInputError(f"exists and is {kind}; refusing to replace it with the output",
                            path=path)


def _commit(tmp: Path, target: Path) -> None:
    os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_UMASK)
    os.replace(tmp, target)


@contextlib.contextmanager
def atomic_group() -> Iterator[None]:
    """Hold back the renames of every atomic write inside until the block succeeds."""
    if _PENDING.get() is not None:  # nested: the outer group commits
        yield
        return
    pending: list[tuple[Path, Path]] = []
    token = _PENDING.set(pending)
    try:
        yield
        for tmp, target in pending:
            check_target(target)
        for tmp, target in pending:
            _commit(tmp, target)
    finally:
        _PENDING.reset(token)
        for tmp, _ in pending:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it over `path` only on success.

    Use for libraries that want a file name rather than a handle (numpy, pose-format, pygltflib).
    The temporary file keeps the target's extension, since some writers look at it.
    """
    target = Path(path)
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                               suffix=suffix if suffix is not None else target.suffix)
    os.close(fd)
    tmp_path = Path(tmp)
    pending = _PENDING.get()
    try:
        yield tmp_path
        if pending is None:
            _commit(tmp_path, target)
        else:
            pending.append((tmp_path, target))
            tmp_path = None  # the group renames or removes it
    finally:
        if tmp_path is not None:
            with contextlib.suppress(FileNotFoundError):
                tmp_path.unlink()


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", **kwargs) -> Iterator[IO]:
    """Open a temporary sibling for writing and move it into place when the block succeeds."""
    if "b" not in mode:
        kwargs.setdefault("encoding", "utf-8")
    with atomic_path(path) as tmp, open(tmp, mode, **kwargs) as handle:
        yield handle
