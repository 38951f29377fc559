"""Write a `Motion` by file extension: .bvh, .glb, .amass.npz (AMASS layout), .mp4/.gif (preview).

A bare `.npz` is signllm's keypoints in every command (`signllm.formats`), so AMASS motion has
its own double extension."""
from __future__ import annotations

from pathlib import Path

from signllm.errors import UnsupportedFormatError
from signllm.formats import AMASS_SUFFIX, is_amass_path

from .body import Body
from .motion import Motion

EXTENSIONS = (".bvh", ".glb", AMASS_SUFFIX, ".mp4", ".gif")


def motion_extension(path: str | Path) -> str:
    """The extension that picks the motion format: `.amass.npz`, else the last suffix."""
    return AMASS_SUFFIX if is_amass_path(path) else Path(path).suffix.lower()


def check_motion_path(path: str | Path) -> None:
    """Refuse a name no motion format has, before any fitting is done."""
    ext = motion_extension(path)
    if ext == ".npz":
        raise UnsupportedFormatError(f"a .npz is signllm keypoints in every command; name SMPL-X "
                                     f"motion in the AMASS layout *{AMASS_SUFFIX}", path=path)
    if ext not in EXTENSIONS:
        raise UnsupportedFormatError(f"cannot write motion as {ext or 'a file without extension'}; "
                                     f"use one of {', '.join(EXTENSIONS)}", path=path)


def write_motion(path: str | Path, motion: Motion, body: Body, **options) -> None:
    check_motion_path(path)
    ext = motion_extension(path)
    if ext == ".bvh":
        from .export_bvh import write_bvh
        write_bvh(path, motion, body)
    elif ext == ".glb":
        from .export_glb import write_glb
        write_glb(path, motion, body)
    elif ext == AMASS_SUFFIX:
        from .export_amass import write_amass
        write_amass(path, motion)
    elif ext in (".mp4", ".gif"):
        from .render import render_motion
        render_motion(path, motion, body, **options)
