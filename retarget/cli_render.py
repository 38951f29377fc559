"""`signllm render`: keypoint file -> preview video of the fitted avatar (or a 2D skeleton)."""
from __future__ import annotations

import argparse
from pathlib import Path

from .cli_retarget import add_body_options, add_input_options, body_from_args, read_clips, targets

HELP = ("render a preview video (.mp4 or .gif) of keypoints fitted to the avatar: pyrender "
        "offscreen (EGL, or OSMesa with PYOPENGL_PLATFORM=osmesa), a 2D skeleton when no OpenGL "
        "is available; --show-keypoints draws the input beside it")


def configure(parser: argparse.ArgumentParser) -> None:
    add_input_options(parser)
    parser.add_argument("-o", "--output", required=True, metavar="OUT.mp4|OUT.gif",
                        help="video file; several clips become OUT-000.mp4, OUT-001.mp4, ...")
    parser.add_argument("--show-keypoints", action="store_true",
                        help="draw the input keypoints beside the avatar")
    parser.add_argument("--size", type=int, default=320, help="frame height in pixels (default 320)")
    parser.add_argument("--backend", choices=("auto", "gl", "skeleton"), default="auto",
                        help="auto: OpenGL when it works, else a 2D skeleton (default)")
    add_body_options(parser)


def run(args) -> int:
    from tqdm import tqdm

    from signllm.atomic import atomic_group, check_target
    from signllm.errors import BadInputError

    from .fit import fit_sequence
    from .render import render_motion
    output = Path(args.output)
    if output.suffix.lower() not in (".mp4", ".gif"):
        raise BadInputError("render writes .mp4 or .gif", path=output)
    if not 16 <= args.size <= 2048:
        raise BadInputError(f"--size must be between 16 and 2048, got {args.size}")
    body, fixed_shape = body_from_args(args)
    seqs = read_clips(args)
    written = []
    with atomic_group():  # every clip's video appears, or none
        for seq, target in zip(seqs, targets(output, len(seqs))):
            check_target(target)
            motion = fit_sequence(seq, body, iterations=args.iterations, fit_shape=not fixed_shape)
            with tqdm(total=motion.num_frames, desc=target.name, unit="frame") as bar:
                render_motion(target, motion, body, keypoints=seq if args.show_keypoints else None,
                              size=args.size, backend=args.backend, progress=bar.update)
            written.append(f"wrote {target} ({motion.num_frames} frames)")
    print("\n".join(written))
    return 0
