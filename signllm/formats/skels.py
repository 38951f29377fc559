"""`.skels`: Progressive Transformers / Prompt2Sign keypoint text files, one clip per line.

Layouts (detected from the value count per line and the counter pattern, or forced with
`layout=`):
- **v1** (151 values per frame): 50 joints x (x, y, z) in the Prompt2Sign-50 order, then a
  counter. Written by Progressive Transformers (PT) and Prompt2Sign (P2S).
- **dwpose** (385 values per frame, read only): Prompt2Sign's 2025 DWPose layout, see
  `signllm.formats.dwpose.frames_from_skels2025`.

v1 axes and scale. The file's x points to the signer's right, y down, z toward the camera (the
Phoenix sample has the right shoulder at x = +0.167, the nose at y = -0.17, the hands at
z = +0.21), so canonical X = -x, Y = -y, Z = +z: a 180 degree turn about Z, handedness kept.
The lifted values were divided by 3 (PT) or 9 (P2S) before writing; undivided they have a
shoulder width of about 1, so

    metres = file value x divisor x NOMINAL_SHOULDER_WIDTH_M (0.35)

`scale="auto"` picks the divisor from the median shoulder width in file units (about 0.33 -> 3,
about 0.11 -> 9; outside both bands: 3 and a warning). The divisor is kept in
`meta["skels_scale"]` so writing reproduces the file. The neck is the file's origin; it is not
moved.

Counter: the last value of every frame. PT writes i/T ("pt"), P2S (i+1)/T ("p2s"); detected
from the first frame of each line, kept in `meta["skels_counter"]` with its printed decimals
in `meta["skels_counter_decimals"]` (default 4, as PT prints it); the writer's `counter=`
overrides.

Missing joints: P2S writes 0.01600 for values that were 0, -0 or NaN. A joint whose three values
are all 0.01600 is missing (confidence 0, stored as 0) except the neck, which is the origin
(read as (0, 0, 0) present; `meta["skels_neck_sentinel"]` remembers the spelling). The writer
writes missing joints as the sentinel and all values with 5 decimals, like the sources.

Siblings with the same stem -- `.text` (sentence), `.gloss`, `.files` (clip name) -- are
optional; when present each must have one UTF-8 line per clip. The writer writes each sibling
when any sequence has that field. `.skels` stores no frame rate: `fps=` (default 25) sets it.
"""
from __future__ import annotations

import itertools
import logging
import os
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ..atomic import atomic_group, atomic_open
from ..errors import BadInputError
from ..pose import PoseSequence
from ..skeleton import L_SHOULDER, NECK, NOMINAL_SHOULDER_WIDTH_M, PROMPT2SIGN_50, R_SHOULDER
from . import _decimals
from ._limits import MAX_FILE_BYTES, open_regular, read_bytes

log = logging.getLogger(__name__)

V1_WIDTH = 151
DWPOSE_WIDTH = 385
SENTINEL = 0.016
SENTINEL_TOL = 5e-6
DECIMALS = 5
COUNTER_DECIMALS = 4  # as Progressive Transformers print it; a read file's own is kept in meta
MAX_COUNTER_DECIMALS = 17  # more digits than float64 holds mean nothing
SIBLINGS = {"text": ".text", "gloss": ".gloss", "name": ".files"}
COUNTERS = ("pt", "p2s")
# Median shoulder width (file units) -> divisor. Undivided shoulder width is about 1.
_SCALE_BANDS = ((3, 0.19, 0.7), (9, 0.06, 0.19))
DEFAULT_SCALE = 3
MAX_LINE_BYTES = 256 * 1024**2   # one clip; about 20 minutes of v1 frames
MAX_SIBLING_BYTES = 64 * 1024**2
BLOCK_BYTES = 1024**2  # read at once, whole lines parsed together (several blocks at once)
PARSERS = min(4, os.cpu_count() or 1)
_TOKEN = re.compile(rb"\S+")


# ----------------------------------------------------------------------------- reading

def _tokens(raw: bytes):
    return (m.group().decode("ascii", "replace") for m in _TOKEN.finditer(raw))


def _token(raw: bytes, index: int) -> str:
    """Token `index` of a line without splitting the whole line."""
    parts = raw.split(None, index + 1)
    return parts[index].decode("ascii", "replace") if len(parts) > index else ""


def _parse_line(raw: bytes, path: Path, lineno: int) -> np.ndarray:
    """The numbers of one line; memory a few times the line, not one Python object per value."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise BadInputError(f"byte 0x{raw[exc.start]:02x} at column {exc.start + 1} is not "
                            "part of a number (binary or garbled data)", path=path, line=lineno)
    if not text or text.isspace():  # numpy reads blank text as [-1.]
        raise BadInputError("empty line (every line must hold one clip)", path=path, line=lineno)
    try:
        with warnings.catch_warnings():
            # numpy < 2.3 only warns when it stops at a non-number; make that an error too
            warnings.simplefilter("error", DeprecationWarning)
            values = np.fromstring(text, dtype=np.float64, sep=" ")
    except (ValueError, DeprecationWarning):
        values = None
    if values is not None:
        return values
    for i, token in enumerate(_tokens(raw)):
        try:
            if "_" in token:  # float() reads 1_000, numpy does not
                raise ValueError(token)
            float(token)
        except ValueError:
            raise BadInputError(f"value {i + 1} {token[:20]!r} is not a number", path=path,
                                line=lineno) from None
    raise BadInputError("not plain decimal numbers separated by spaces", path=path, line=lineno)


def _counter_plausible(values: np.ndarray, width: int) -> bool:
    counters = values[width - 1::width]
    return bool(np.all((counters >= -1e-6) & (counters <= 1 + 1e-6))
                and np.all(np.diff(counters) >= -1e-6))


def _detect_layout(values: np.ndarray, path: Path) -> str:
    n = values.size
    fits = [name for name, width in (("v1", V1_WIDTH), ("dwpose", DWPOSE_WIDTH))
            if n % width == 0 and _counter_plausible(values, width)]
    if len(fits) == 1:
        return fits[0]
    if len(fits) == 2:  # both widths divide the count: DWPose's counter ends at exactly 1
        return "dwpose" if abs(values[-1] - 1) < 1e-4 and abs(values[DWPOSE_WIDTH - 1]) < 1e-4 \
            else "v1"
    if n % V1_WIDTH and n % DWPOSE_WIDTH:
        raise BadInputError(f"{n} values, not a multiple of {V1_WIDTH} (v1) or {DWPOSE_WIDTH} "
                            "(DWPose 2025) values per frame; truncated or garbled line?",
                            path=path, line=1)
    raise BadInputError("the counter (last value of each frame) is not a rising value in "
                        "[0, 1]; not a .skels file?", path=path, line=1)


def _detect_counter(counters: np.ndarray) -> str | None:
    t = counters.size
    if abs(counters[0]) < 1e-3 and (t == 1 or abs(counters[-1] - (t - 1) / t) < 2e-3):
        return "pt"
    if abs(counters[0] - 1 / t) < 1e-3 and abs(counters[-1] - 1) < 2e-3:
        return "p2s"
    return None


def _shoulder_width(file_joints: list[np.ndarray]) -> float | None:
    widths = []
    for xyz in file_joints:
        ls, rs = xyz[:, L_SHOULDER], xyz[:, R_SHOULDER]
        ok = ~(_is_sentinel(ls) | _is_sentinel(rs))
        widths.append(np.linalg.norm(ls[ok] - rs[ok], axis=-1))
    widths = np.concatenate(widths) if widths else np.empty(0)
    widths = widths[widths > 0]
    return float(np.median(widths)) if widths.size else None


def _is_sentinel(xyz: np.ndarray) -> np.ndarray:
    """(...,) True where all three coordinates are the sentinel: x over the whole array, y and
    z only where x is (sentinels are few; a third of the passes and the memory)."""
    out = np.abs(xyz[..., 0] - SENTINEL) < SENTINEL_TOL
    hit = np.nonzero(out)
    if hit[0].size:
        out[hit] = (np.abs(xyz[hit][:, 1:] - SENTINEL) < SENTINEL_TOL).all(axis=1)
    return out


def detect_scale(file_joints: list[np.ndarray], path: Path | None = None) -> int:
    """The divisor (3 or 9) that the file's median shoulder width points to."""
    width = _shoulder_width(file_joints)
    if width is not None:
        for divisor, low, high in _SCALE_BANDS:
            if low <= width < high:
                return divisor
    log.warning("%s: median shoulder width %s fits neither the 1/3 nor the 1/9 scale; assuming "
                "1/%d (pass scale=3 or 9 to choose)", path,
                "unknown" if width is None else f"{width:.3f}", DEFAULT_SCALE)
    return DEFAULT_SCALE


def metres_per_file_unit(divisor: int) -> float:
    return divisor * NOMINAL_SHOULDER_WIDTH_M


def _axis_factors(divisor: int) -> np.ndarray:
    k = metres_per_file_unit(divisor)
    return np.array([-k, -k, k])


def _read_sibling(path: Path, expected: int, skels: Path) -> list[str | None]:
    data = read_bytes(path, MAX_SIBLING_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInputError(f"not UTF-8 text (byte 0x{data[exc.start]:02x})", path=path,
                            line=data[:exc.start].count(b"\n") + 1) from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != expected:
        raise BadInputError(f"has {len(lines)} lines but {skels} has {expected} clips; "
                            "sibling files must have one line per clip", path=path)
    return [line.rstrip("\r").strip() or None for line in lines]


def _parse_block(block: bytes, first: int, path: Path) -> list[tuple]:
    """The rows (see `_read_lines`) of whole lines joined by b"\\n", the first being line
    `first`: parsed as one block when they are plain decimals (`_decimals`), else line by
    line, which also names what is wrong."""
    parsed = _decimals.parse(block)
    if parsed is not None:
        values, per_line, fraction = parsed
        starts = np.cumsum(per_line) - per_line
        counters = np.where(per_line >= V1_WIDTH, fraction[np.minimum(
            starts + V1_WIDTH - 1, fraction.size - 1)], 0)
        return [(first + i, v, int(d), None) for i, (v, d) in
                enumerate(zip(np.split(values, starts[1:]), counters))]
    rows = []
    for lineno, raw in enumerate(block.split(b"\n"), first):
        raw = raw.rstrip(b"\r")
        values = _parse_line(raw, path, lineno)
        bad = np.flatnonzero(~np.isfinite(values))
        rows.append((lineno, values, len(_token(raw, V1_WIDTH - 1).partition(".")[2]),
                     (int(bad[0]), _token(raw, int(bad[0]))) if bad.size else None))
    return rows


def _whole_lines(handle, path: Path, limit: int):
    """(first line number, line count, whole lines joined by b"\\n" without the last newline)
    of blocks of about BLOCK_BYTES, each read in one call (not line by line: a v1 line is
    ~50 kB). A line is refused once it passes MAX_LINE_BYTES, the file once it passes `limit`;
    a line longer than a block is gathered in pieces (linear, not quadratic)."""
    pieces, partial, total, count = [], 0, 0, 0
    while chunk := handle.read(BLOCK_BYTES):
        total += len(chunk)
        if total > limit:
            raise BadInputError(f"file grew past the limit of {limit:,} bytes", path=path,
                                line=count + 1)
        cut, head = chunk.rfind(b"\n"), chunk.find(b"\n")
        if partial + (head if head >= 0 else len(chunk)) > MAX_LINE_BYTES:
            raise BadInputError(f"line is longer than {MAX_LINE_BYTES:,} bytes", path=path,
                                line=count + 1)
        if cut < 0:
            pieces.append(chunk)
            partial += len(chunk)
            continue
        block = b"".join([*pieces, chunk[:cut]]) if pieces else chunk[:cut]
        lines = block.count(b"\n") + 1
        yield count + 1, lines, block
        count += lines
        pieces, partial = [chunk[cut + 1:]], len(chunk) - cut - 1
    if partial:
        yield count + 1, 1, b"".join(pieces)


def _read_lines(path: Path, limit: int, select: int | None = None) \
        -> tuple[list[tuple], np.ndarray, int]:
    """(line number, values, printed decimals of the first v1 frame's counter, first non-finite
    value as (index, token) or None) of every line (only of line `select` + 1 if given: the
    others are counted, not parsed), all values as one array (each line's are views of it), and
    the number of lines. Blocks are parsed on `PARSERS` threads while the next is read (numpy
    lets go of the GIL in its passes); at most PARSERS + 1 blocks wait."""
    parsed, count = [], 0
    with open_regular(path, limit) as handle, ThreadPoolExecutor(PARSERS) as pool:
        for first, lines, block in _whole_lines(handle, path, limit):
            count = first + lines - 1
            if select is not None:
                if not first <= select + 1 < first + lines:
                    continue
                first, block = select + 1, block.split(b"\n")[select + 1 - first]
            if len(parsed) > PARSERS:
                parsed[-PARSERS - 1].result()      # bound the blocks held in memory
            parsed.append(pool.submit(_parse_block, block, first, path))
        rows = [row for block in parsed for row in block.result()]
    if not count:
        raise BadInputError("file holds no clips", path=path)
    if not rows:
        raise BadInputError(f"clip {select} asked for, but it has {count} clips", path=path)
    flat = np.concatenate([row[1] for row in rows])  # the blocks' arrays are freed
    lines = np.split(flat, np.cumsum([row[1].size for row in rows])[:-1])
    return [(row[0], values, *row[2:]) for row, values in zip(rows, lines)], flat, count


def read(path, *, scale: str | int = "auto", fps: float = 25.0, layout: str = "auto",
         aspect: float = 16 / 9, language: str | None = None,
         select: int | None = None) -> list[PoseSequence]:
    """All clips of a `.skels` file (one PoseSequence per line), siblings attached; with
    `select`, only that clip is parsed (its own shoulder width then picks the scale)."""
    path = Path(path)
    if scale not in ("auto", 3, 9, "3", "9"):
        raise BadInputError(f"scale must be 'auto', 3 or 9, got {scale!r}", path=path)
    if layout not in ("auto", "v1", "dwpose"):
        raise BadInputError(f"layout must be 'auto', 'v1' or 'dwpose', got {layout!r}", path=path)
    if select is not None and (isinstance(select, bool) or not isinstance(select, int)
                               or select < 0):
        raise BadInputError(f"select must be a clip index (0 or more), got {select!r}", path=path)
    rows, flat, count = _read_lines(path, MAX_FILE_BYTES, select)
    if layout == "auto":
        layout = _detect_layout(rows[0][1], path)
    width = V1_WIDTH if layout == "v1" else DWPOSE_WIDTH
    frames = []
    for lineno, values, _, bad in rows:
        if values.size % width:
            raise BadInputError(f"{values.size} values, not a multiple of the {layout} frame "
                                f"width {width}; truncated or garbled line?", path=path,
                                line=lineno)
        if bad is not None:
            i, token = bad
            raise BadInputError(f"value {i + 1} is {token[:20]!r}, not a finite number",
                                path=path, line=lineno, frame=i // width)
        frames.append(values.reshape(-1, width))
    siblings = {field: _read_sibling(path.with_suffix(ext), count, path)
                for field, ext in SIBLINGS.items() if path.with_suffix(ext).exists()}
    if select is not None:
        siblings = {field: [lines[select]] for field, lines in siblings.items()}
    if layout == "v1":
        seqs = _v1_sequences(flat.reshape(-1, width), [len(f) for f in frames], rows, path,
                             scale, fps)
    else:
        from .dwpose import sequence_from_skels2025
        seqs = [sequence_from_skels2025(f, aspect=aspect, fps=fps, path=path, line=row[0])
                for f, row in zip(frames, rows)]
    for i, seq in enumerate(seqs):
        for field, lines in siblings.items():
            setattr(seq, field, lines[i])
        seq.language = language
    return seqs


def _v1_sequences(allf, lengths, rows, path, scale, fps) -> list[PoseSequence]:
    """All clips' frames (`allf`, clip after clip) converted as one array, then split into
    per-clip views: the per-clip work is only the counter's bookkeeping."""
    xyz = allf[:, :V1_WIDTH - 1].reshape(-1, 50, 3)
    divisor = detect_scale([xyz], path) if scale == "auto" else int(scale)
    missing = _is_sentinel(xyz)
    neck_missing = missing[:, NECK].copy()
    missing[:, NECK] = False
    joints = np.multiply(xyz, _axis_factors(divisor), out=np.empty(xyz.shape, np.float32),
                         casting="same_kind")
    joints += 0.0  # no negative zeros
    joints[missing] = 0.0
    joints[neck_missing, NECK] = 0.0
    confidence = (~missing).astype(np.float32)
    bounds = np.cumsum(lengths)[:-1]
    seqs = []
    for j, c, n, counters, (lineno, _, decimals, _) in zip(
            np.split(joints, bounds), np.split(confidence, bounds), np.split(neck_missing, bounds),
            np.split(allf[:, -1], bounds), rows):
        convention = _detect_counter(counters)
        if convention is None:
            log.warning("%s line %d: counter starts at %.4f, neither i/T nor (i+1)/T", path,
                        lineno, counters[0])
        meta = {"skels_scale": divisor, "skels_counter": convention or "pt",
                "skels_counter_decimals": min(decimals, MAX_COUNTER_DECIMALS) or
                COUNTER_DECIMALS,
                "skels_neck_sentinel": bool(n.any())}
        seqs.append(PoseSequence(j, c, fps=fps, meta=meta))
    return seqs


# ----------------------------------------------------------------------------- writing

def _format_line(seq: PoseSequence, divisor: int, counter: str, decimals: int) -> str:
    t = seq.num_frames
    values = seq.joints.astype(np.float64) / _axis_factors(divisor)
    values[seq.confidence <= 0] = SENTINEL
    if seq.meta.get("skels_neck_sentinel"):
        at_origin = np.all(seq.joints[:, NECK] == 0, axis=-1)
        values[at_origin, NECK] = SENTINEL
    values = np.round(values, DECIMALS) + 0.0  # no "-0.00000"
    i = np.arange(t, dtype=np.float64)
    counters = np.round((i if counter == "pt" else i + 1) / t, decimals) + 0.0
    fmt, cfmt = f"{{:.{DECIMALS}f}}".format, f"{{:.{decimals}f}}".format
    parts = []
    for frame, c in zip(values.reshape(t, -1), counters):
        parts.append(" ".join(map(fmt, frame)))
        parts.append(cfmt(c))
    return " ".join(parts)


def _sibling_line(value: str | None, field: str, index: int) -> str:
    if value is None:
        return ""
    if "\n" in value or "\r" in value:
        log.warning("sequence %d: line break in %s replaced by a space", index, field)
        value = " ".join(value.splitlines())
    return value


def write(path, sequences: list[PoseSequence], *, scale: int | None = None,
          counter: str | None = None) -> None:
    """Write v1 `.skels` (and `.text`/`.gloss`/`.files` where any sequence has that field)."""
    path = Path(path)
    if scale not in (None, 3, 9, "3", "9"):
        raise BadInputError(f"scale must be 3 or 9, got {scale!r}", path=path)
    if counter not in (None, *COUNTERS):
        raise BadInputError(f"counter must be 'pt' or 'p2s', got {counter!r}", path=path)
    lines = []
    for i, seq in enumerate(sequences):
        if seq.skeleton.num_joints != PROMPT2SIGN_50.num_joints:
            raise BadInputError(f"sequence {i} has {seq.skeleton.num_joints} joints; .skels v1 "
                                f"holds the {PROMPT2SIGN_50.num_joints}-joint layout", path=path)
        if seq.num_frames == 0:
            raise BadInputError(f"sequence {i} has no frames", path=path)
        divisor = scale or seq.meta.get("skels_scale", DEFAULT_SCALE)
        if divisor not in (3, 9, "3", "9"):
            raise BadInputError(f"sequence {i}: .skels scale (meta skels_scale) must be 3 or 9, "
                                f"got {divisor!r}", path=path)
        divisor = int(divisor)
        convention = counter or seq.meta.get("skels_counter", "pt")
        decimals = seq.meta.get("skels_counter_decimals", COUNTER_DECIMALS)
        if convention not in COUNTERS or not isinstance(decimals, int) \
                or not 1 <= decimals <= MAX_COUNTER_DECIMALS:
            raise BadInputError(f"sequence {i}: meta skels_counter {convention!r} / "
                                f"skels_counter_decimals {decimals!r} must be 'pt' or 'p2s' / "
                                f"1..{MAX_COUNTER_DECIMALS}", path=path)
        lines.append(_format_line(seq, divisor, convention, decimals))
    siblings = {field: [_sibling_line(getattr(s, field), field, i)
                        for i, s in enumerate(sequences)]
                for field in SIBLINGS if any(getattr(s, field) for s in sequences)}
    with atomic_group():  # the clips and their siblings appear together or not at all
        with atomic_open(path) as handle:
            handle.write("\n".join(lines) + "\n")
        for field, values in siblings.items():
            with atomic_open(path.with_suffix(SIBLINGS[field])) as handle:
                handle.write("\n".join(values) + "\n")
    for field, ext in SIBLINGS.items():
        stale = path.with_suffix(ext)
        if field not in siblings and stale.exists():
            log.warning("%s was left as it was, but no sequence has a %s; it no longer belongs "
                        "to %s (delete it)", stale, field, path.name)
