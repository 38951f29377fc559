"""`signllm convert`: one keypoint format to another, through the canonical frame."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from .info import add_read_options, read_input

HELP = ("convert keypoint files between .skels, .pose and .npz (reading also OpenPose JSON and "
        "DWPose folders); text, gloss and language are kept where both formats can hold them")

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="IN", help="keypoint file or folder")
    parser.add_argument("output", metavar="OUT",
                        help="output file; a .pose file holds one clip, so several clips become "
                             "OUT-000.pose, OUT-001.pose, ...")
    parser.add_argument("--to", metavar="FORMAT",
                        help="output format, whatever OUT's extension (OUT is written as named): "
                             "skels, pose, npz")
    parser.add_argument("--select", type=int, metavar="I",
                        help="convert only clip number I (0-based) of a multi-clip input")
    add_read_options(parser)
    group = parser.add_argument_group("writing .skels")
    group.add_argument("--out-scale", choices=("3", "9"),
                       help="divide by 3 (Progressive Transformers) or 9 (Prompt2Sign); default: "
                            "the input's scale when it was .skels, else 3")
    group.add_argument("--counter", choices=("pt", "p2s"),
                       help="counter i/T (pt) or (i+1)/T (p2s); default: the input's, else pt")


def _targets(output: Path, count: int, one_per_file: bool) -> list[Path]:
    if not one_per_file or count == 1:
        return [output]
    return [output.with_name(f"{output.stem}-{i:03d}{output.suffix}") for i in range(count)]


def run(args) -> int:
    from signllm import formats
    from signllm.atomic import atomic_group, check_target
    from signllm.errors import BadInputError

    output = Path(args.output)
    out_fmt = formats.get_format(args.to) if args.to else \
        formats.detect_format(output, for_writing=True)
    if not out_fmt.writable:
        raise BadInputError(f"format {out_fmt.name!r} can be read but not written", path=output)
    check_target(output)
    in_fmt, seqs = read_input(args.input, args, args.select)
    dropped = sorted({f for s in seqs for f in ("text", "gloss", "language", "name")
                      if getattr(s, f) is not None} - set(out_fmt.fields))
    if dropped:
        log.warning("%s files cannot hold %s; not written", out_fmt.name, ", ".join(dropped))
    options = formats.options_for(out_fmt, {
        "scale": int(args.out_scale) if args.out_scale else None, "counter": args.counter},
        writing=True)
    targets = _targets(output, len(seqs), out_fmt.one_per_file)
    groups = [seqs] if len(targets) == 1 else [[s] for s in seqs]
    with atomic_group():  # all clips' files appear together, or none
        for target, group in zip(targets, groups):
            formats.write(target, group, format=out_fmt.name, **options)
    for target, group in zip(targets, groups):
        frames = sum(s.num_frames for s in group)
        print(f"wrote {target} ({out_fmt.name}, {len(group)} sequence"
              f"{'s' * (len(group) != 1)}, {frames} frames; read as {in_fmt.name})")
    return 0
