"""Write a `Motion` by file extension: .bvh, .glb, .npz (AMASS-style), .mp4/.gif (preview)."""
from __future__ import annotations

from pathlib import Path

from signllm.errors import UnsupportedFormatError

from .body import Body
from .motion import Motion

EXTENSIONS = (".bvh", ".glb", ".npz", ".mp4", ".gif")


def write_motion(path: str | Path, motion: Motion, body: Body, **options) -> None:
    ext = Path(path).suffix.lower()
    if ext == ".bvh":
        from .export_bvh import write_bvh
        write_bvh(path, motion, body)
    elif ext == ".glb":
        from .export_glb import write_glb
        write_glb(path, motion, body)
    elif ext == ".npz":
        from .export_amass import write_amass
        write_amass(path, motion)
    elif ext in (".mp4", ".gif"):
        from .render import render_motion
        render_motion(path, motion, body, **options)
    else:
        raise UnsupportedFormatError(f"cannot write motion as {ext or 'a file without extension'}; "
                                     f"use one of {', '.join(EXTENSIONS)}", path=path)
