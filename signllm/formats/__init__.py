"""Readers and writers of keypoint files, chosen by extension or by name.

Every adapter converts into the canonical frame on read and back on write (ARCHITECTURE.md).
`read(path)` returns a list of sequences (a `.skels` file holds many clips); `write(path, seqs)`
writes atomically. Both are the boundary to untrusted files: whatever a library raises on a bad
file becomes a `BadInputError` naming the file, and values no format can hold (frame rates
outside `_limits.MIN_FPS..MAX_FPS`) are refused on both sides.
"""
from __future__ import annotations

import importlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..errors import BadInputError, SignLLMError, UnsupportedFormatError
from ..pose import PoseSequence
from ._limits import MAX_FILE_BYTES as DEFAULT_MAX_BYTES
from ._limits import check_fps, check_regular


@dataclass(frozen=True)
class Format:
    name: str
    module: str          # module with read(path, **options) and, if writable, write(path, seqs, **options)
    extensions: tuple[str, ...]
    description: str
    folder: bool = False  # a folder of per-frame files
    writable: bool = True
    read_options: tuple[str, ...] = ()   # keyword options read() takes
    write_options: tuple[str, ...] = ()  # keyword options write() takes
    fields: tuple[str, ...] = ()         # metadata the format stores (text, gloss, language, name)
    one_per_file: bool = False           # write() takes exactly one sequence

    def load(self):
        return importlib.import_module(self.module)


FORMATS: tuple[Format, ...] = (
    Format("skels", "signllm.formats.skels", (".skels",),
           "Progressive Transformers / Prompt2Sign .skels (v1 50x3 + counter, or 2025 DWPose 384 "
           "+ counter) with .text/.gloss/.files siblings",
           read_options=("scale", "fps", "layout", "aspect", "language", "select"),
           write_options=("scale", "counter"), fields=("text", "gloss", "name")),
    Format("pose", "signllm.formats.posefile", (".pose",),
           "pose-format .pose (MediaPipe Holistic or OpenPose header)",
           read_options=("fps", "language"), fields=("text", "gloss", "language", "name"),
           one_per_file=True),
    Format("npz", "signllm.formats.npz", (".npz",), "signllm's documented keypoint .npz",
           read_options=("language",), fields=("text", "gloss", "language", "name")),
    Format("openpose", "signllm.formats.openpose", (), "folder of OpenPose *_keypoints.json",
           folder=True, writable=False, read_options=("fps", "language")),
    Format("dwpose", "signllm.formats.dwpose", (), "folder of DWPose per-frame .npz",
           folder=True, writable=False, read_options=("fps", "aspect", "language")),
)
_BY_NAME = {f.name: f for f in FORMATS}


def get_format(name: str) -> Format:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnsupportedFormatError(
            f"unknown format {name!r}; known: {', '.join(_BY_NAME)}") from None


# One extension, one meaning in every command: `.npz` is signllm's keypoints; SMPL-X motion in
# the AMASS layout (written by the retarget wing) is named `*.amass.npz`.
AMASS_SUFFIX = ".amass.npz"


def is_amass_path(path: str | os.PathLike) -> bool:
    return Path(path).name.lower().endswith(AMASS_SUFFIX)


def detect_format(path: str | os.PathLike, for_writing: bool = False) -> Format:
    """The format of `path`, from its extension, or from its contents for a folder."""
    path = Path(path)
    if is_amass_path(path):
        raise UnsupportedFormatError(
            f"{path}: a {AMASS_SUFFIX} file is SMPL-X motion (AMASS layout), not keypoints; "
            "keypoint .npz files are named without '.amass'")
    if not for_writing and not os.path.lexists(path):
        raise BadInputError("no such file or folder", path=path)
    if not for_writing and path.is_dir():
        if any(path.glob("*_keypoints.json")):
            return _BY_NAME["openpose"]
        if any(path.glob("*.npz")):
            return _BY_NAME["dwpose"]
        raise UnsupportedFormatError(
            f"{path}: folder holds neither OpenPose *_keypoints.json nor DWPose .npz frames")
    suffix = path.suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.extensions:
            return fmt
    known = ", ".join(e for f in FORMATS for e in f.extensions)
    raise UnsupportedFormatError(
        f"{path}: unknown extension {suffix or '(none)'!r}; known: {known}, or a folder of "
        "OpenPose JSON / DWPose .npz frames")


def options_for(fmt: Format, options: dict, writing: bool = False) -> dict:
    """The options `fmt` takes, from a dict of user choices (None = not chosen).

    Chosen options the format has no use for are logged, so a CLI flag never vanishes silently.
    """
    accepted = fmt.write_options if writing else fmt.read_options
    chosen = {k: v for k, v in options.items() if v is not None}
    ignored = sorted(set(chosen) - set(accepted))
    if ignored:
        logging.getLogger(__name__).warning("%s %s does not use option(s) %s; ignored",
                                            "writing" if writing else "reading", fmt.name,
                                            ", ".join(ignored))
    return {k: v for k, v in chosen.items() if k in accepted}


def check_size(path: Path) -> None:
    """Fail fast on a missing, empty, oversized or special file (a folder is left to detection)."""
    if not os.path.exists(path):
        raise BadInputError("no such file or folder", path=path)
    if os.path.isdir(path):
        return
    size = check_regular(path)
    if size == 0:
        raise BadInputError("file is empty", path=path)
    if size > DEFAULT_MAX_BYTES:
        raise BadInputError(
            f"file is {size:,} bytes, over the limit of {DEFAULT_MAX_BYTES:,} bytes "
            "(raise it with SIGNLLM_MAX_FILE_BYTES)", path=path)


def read(path: str | os.PathLike, format: str | None = None, select: int | None = None,
         **options) -> list[PoseSequence]:
    """The clips of a file or folder; with `select`, only clip `select` (a reader that can, such
    as `.skels`, then parses only that one)."""
    path = Path(path)
    check_size(path)
    fmt = get_format(format) if format else detect_format(path)
    if select is not None and "select" in fmt.read_options:
        options["select"] = select
    if options.get("fps") is not None:
        options["fps"] = check_fps(options["fps"], path, "--fps")
    try:
        seqs = fmt.load().read(path, **options)
    except BadInputError as exc:
        if str(path) in str(exc):
            raise
        raise BadInputError(str(exc), path=path) from None  # e.g. PoseSequence names no file
    except SignLLMError:
        raise
    except MemoryError:
        raise BadInputError(f"reading it as {fmt.name} needs more memory than is available "
                            "(corrupt sizes?)", path=path) from None
    except RecursionError:
        raise BadInputError(f"nested too deeply to read as {fmt.name}", path=path) from None
    except Exception as exc:  # the boundary: any library's error on a bad file
        raise BadInputError(f"not a readable {fmt.name} file ({type(exc).__name__}: "
                            f"{exc or 'no details'})", path=path) from None
    if select is not None and "select" not in fmt.read_options:
        if not 0 <= select < len(seqs):
            raise BadInputError(f"clip {select} asked for, but it has {len(seqs)} clips",
                                path=path)
        seqs = [seqs[select]]
    for i, seq in enumerate(seqs):
        check_fps(seq.fps, path, f"sequence {i}: frame rate")
    return seqs


def write(path: str | os.PathLike, sequences: Sequence[PoseSequence] | PoseSequence,
          format: str | None = None, **options) -> None:
    path = Path(path)
    if isinstance(sequences, PoseSequence):
        sequences = [sequences]
    if not sequences:
        raise BadInputError("nothing to write: no sequences", path=path)
    fmt = get_format(format) if format else detect_format(path, for_writing=True)
    if not fmt.writable:
        raise UnsupportedFormatError(f"{path}: format {fmt.name!r} can be read but not written")
    for i, seq in enumerate(sequences):
        check_fps(seq.fps, path, f"sequence {i}: frame rate")
    fmt.load().write(path, list(sequences), **options)
