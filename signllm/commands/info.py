"""`signllm info`: what a keypoint file holds -- layout, clips, frames, fps, gaps, text/gloss."""
from __future__ import annotations

import argparse
import json

# retarget.fit.FitOptions.min_confidence: joints below it are missing for the fitter (the core
# cannot import retarget; a test keeps the two equal).
FIT_MIN_CONFIDENCE = 0.2

SHOWN = 10  # sequences listed in text mode unless --all

HELP = ("describe keypoint files (.skels, .pose, .npz, OpenPose JSON or DWPose folders): layout, "
        "sequences, frames, fps, duration, share of missing joints, text and gloss")


def add_read_options(parser: argparse.ArgumentParser) -> None:
    """Reading options shared with `signllm convert`."""
    group = parser.add_argument_group("reading")
    group.add_argument("--from", dest="from_format", metavar="FORMAT",
                       help="input format when the extension or folder does not tell: skels, pose, "
                            "npz, openpose, dwpose")
    group.add_argument("--scale", choices=("auto", "3", "9"),
                       help=".skels v1: the divisor the file's values were written with (3 = "
                            "Progressive Transformers, 9 = Prompt2Sign); default: auto, from the "
                            "shoulder width")
    group.add_argument("--layout", choices=("auto", "v1", "dwpose"),
                       help=".skels: frame layout (default: auto, from the values per line)")
    group.add_argument("--fps", type=float,
                       help="frame rate for formats that store none (.skels, OpenPose, DWPose; "
                            "default 25) or to override a .pose file's")
    group.add_argument("--aspect", type=float,
                       help="DWPose: image width/height its normalised coordinates came from "
                            "(default 16/9, How2Sign's 1280x720)")
    group.add_argument("--language", help="sign language to label the sequences with (ISO 639-3)")


def read_options(args) -> dict:
    scale = args.scale if args.scale in (None, "auto") else int(args.scale)
    return {"scale": scale, "layout": args.layout, "fps": args.fps, "aspect": args.aspect,
            "language": args.language}


def read_input(path: str, args, select: int | None = None):
    """(format, sequences) of one input, with the user's reading options (only clip `select`,
    if given: `--select` of convert and retarget)."""
    from signllm import formats
    from signllm.errors import BadInputError

    fmt = formats.get_format(args.from_format) if args.from_format else \
        formats.detect_format(path)
    options = formats.options_for(fmt, read_options(args))
    if select is not None and select < 0:
        raise BadInputError(f"--select {select}: a clip index is 0 or more", path=path)
    return fmt, formats.read(path, format=fmt.name, select=select, **options)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="keypoint files or folders")
    parser.add_argument("--json", action="store_true",
                        help="print JSON (every sequence, every field) instead of text")
    parser.add_argument("--all", action="store_true",
                        help=f"list every sequence (text mode lists the first {SHOWN})")
    add_read_options(parser)


def _layout(fmt, seq) -> str:
    meta = seq.meta
    if fmt.name == "skels" and "skels_scale" in meta:
        return (f"skels v1 (50 joints x xyz + counter, scale 1/{meta['skels_scale']}, "
                f"counter {meta['skels_counter']})")
    if fmt.name == "skels":
        return "skels DWPose 2025 (384 values + counter)"
    if "pose_header" in meta:
        return f"pose ({meta['pose_header']} header)"
    return fmt.description


def describe(path: str, fmt, seqs) -> dict:
    return {
        "file": str(path), "format": fmt.name, "layout": _layout(fmt, seqs[0]),
        "sequences": [{
            "name": s.name, "frames": s.num_frames, "fps": s.fps,
            "duration_s": round(s.duration, 3), "joints": s.skeleton.num_joints,
            "missing_share": round(s.missing_share, 4),
            "unfit_share": round(float((s.confidence < FIT_MIN_CONFIDENCE).mean()), 4),
            "depth_known": s.depth_known,
            "text": s.text, "gloss": s.gloss, "language": s.language} for s in seqs]}


def _frame_counts(frames: list[int]) -> str:
    if len(frames) <= SHOWN:
        return ", ".join(map(str, frames))
    ordered = sorted(frames)
    return f"{ordered[0]} to {ordered[-1]} per sequence, median {ordered[len(ordered) // 2]}"


def _print_text(info: dict, show_all: bool) -> None:
    seqs = info["sequences"]
    frames = [s["frames"] for s in seqs]
    print(f"{info['file']}: {info['layout']}")
    print(f"  {len(seqs)} sequence{'s' * (len(seqs) != 1)}, {sum(frames)} frames "
          f"({_frame_counts(frames)})")
    shown = seqs if show_all else seqs[:SHOWN]
    for i, s in enumerate(shown):
        depth = "" if s["depth_known"] else ", 2D (depth unknown)"
        print(f"  [{i}] {s['name'] or '-'}: {s['frames']} frames at {s['fps']:g} fps = "
              f"{s['duration_s']:.2f} s, {s['joints']} joints, "
              f"{100 * s['missing_share']:.1f}% missing, {100 * s['unfit_share']:.1f}% below "
              f"the fitter's confidence {FIT_MIN_CONFIDENCE}{depth}")
        for field in ("language", "text", "gloss"):
            if s[field]:
                print(f"      {field}: {s[field]}")
    if len(shown) < len(seqs):
        print(f"  ... {len(seqs) - len(shown)} more (--all lists them, --json gives every field)")


def run(args) -> int:
    infos = []
    for path in args.files:
        fmt, seqs = read_input(path, args)
        infos.append(describe(path, fmt, seqs))
        if not args.json:
            _print_text(infos[-1], args.all)
    if args.json:
        print(json.dumps(infos, indent=1, ensure_ascii=False))
    return 0
