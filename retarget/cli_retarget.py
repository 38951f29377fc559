"""`signllm retarget`: keypoint file -> SMPL-X motion as BVH, GLB, AMASS .amass.npz or preview video."""
from __future__ import annotations

import argparse
from pathlib import Path

HELP = ("fit keypoints (any file `signllm info` reads) to an SMPL-X body and write the motion as "
        ".bvh, .glb (skinned, animated), .amass.npz (AMASS layout) or an .mp4/.gif preview; the built-in "
        "licence-free mannequin is used unless --smplx-model is given")


def add_body_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("body")
    group.add_argument("--smplx-model", metavar="PATH",
                       help="your SMPL-X model file (SMPLX_NEUTRAL.npz) or its folder; default: "
                            "$SIGNLLM_SMPLX_MODEL, else the built-in mannequin")
    group.add_argument("--gender", choices=("neutral", "female", "male"), default="neutral",
                       help="which SMPL-X file to take from a model folder (default: neutral)")
    group.add_argument("--betas", metavar="B1,B2,...",
                       help="fixed body shape (comma-separated betas); default: fitted once per "
                            "clip from the bone lengths (3D input) or the mean shape (2D input)")
    group.add_argument("--iterations", type=int, default=3,
                       help="optimiser steps after the analytic fit (0 = analytic only; default 3)")


def add_input_options(parser: argparse.ArgumentParser) -> None:
    from signllm.commands.info import add_read_options
    parser.add_argument("input", metavar="IN", help="keypoint file or folder (.skels, .pose, .npz, "
                                                    "OpenPose or DWPose folder)")
    parser.add_argument("--select", type=int, metavar="I",
                        help="only clip number I (0-based) of a multi-clip input")
    add_read_options(parser)


def configure(parser: argparse.ArgumentParser) -> None:
    add_input_options(parser)
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="OUT.bvh | OUT.glb | OUT.amass.npz | OUT.mp4 | OUT.gif; several clips become "
                             "OUT-000.ext, OUT-001.ext, ...")
    parser.add_argument("--show-keypoints", action="store_true",
                        help="video output: draw the input keypoints beside the avatar")
    add_body_options(parser)


def body_from_args(args):
    from signllm.errors import BadInputError

    from .body import load_body
    betas = None
    if args.betas:
        try:
            betas = [float(b) for b in args.betas.split(",")]
        except ValueError as exc:
            raise BadInputError(f"--betas must be comma-separated numbers, got {args.betas!r}") from exc
    return load_body(args.smplx_model, gender=args.gender, betas=betas), betas is not None


def read_clips(args):
    from signllm.commands.info import read_input
    from signllm.errors import BadInputError
    _, seqs = read_input(args.input, args, args.select)
    if not seqs:
        raise BadInputError("no clips in the input", path=args.input)
    from .fit import FitOptions
    from .sanity import check_fittable
    for seq in seqs:
        check_fittable(seq, FitOptions().min_confidence, path=args.input)
    return seqs


def targets(output: Path, count: int) -> list[Path]:
    """One name per clip: clip.glb → clip-000.glb …, clip.amass.npz → clip-000.amass.npz …"""
    if count == 1:
        return [output]
    from .export import motion_extension

    ext = motion_extension(output)
    base = output.name[:len(output.name) - len(ext)] if ext else output.name
    return [output.with_name(f"{base}-{i:03d}{output.name[len(base):]}") for i in range(count)]


def run(args) -> int:
    from tqdm import tqdm

    from signllm.atomic import atomic_group, check_target
    from .export import check_motion_path, write_motion
    from .fit import fit_sequence
    output = Path(args.output)
    check_motion_path(output)
    body, fixed_shape = body_from_args(args)
    seqs = read_clips(args)
    video = output.suffix.lower() in (".mp4", ".gif")
    written = []
    with atomic_group():  # every clip's file appears, or none
        for seq, target in tqdm(list(zip(seqs, targets(output, len(seqs)))), desc="retarget",
                                unit="clip", disable=len(seqs) < 2):
            check_target(target)
            motion = fit_sequence(seq, body, iterations=args.iterations, fit_shape=not fixed_shape)
            options = {"keypoints": seq if args.show_keypoints else None} if video else {}
            write_motion(target, motion, body, **options)
            written.append(f"wrote {target} ({motion.num_frames} frames at {motion.fps:g} fps, "
                           f"body {body.name})")
    print("\n".join(written))
    return 0
