"""Writing a generated `PoseSequence` where the user asked: keypoints, or motion on a body.

Shared by the commands that produce signing (`generate`, `sign`), so that every one of them
accepts the same outputs and says the same thing about a wrong one.
"""
from __future__ import annotations

from pathlib import Path

KEYPOINT_SUFFIXES = (".pose", ".skels", ".npz")
MOTION_SUFFIXES = (".glb", ".bvh", ".amass.npz", ".mp4", ".gif")
OUTPUT_HELP = ("output file: " + ", ".join(KEYPOINT_SUFFIXES) + " (keypoints) or "
               + ", ".join(MOTION_SUFFIXES) + " (SMPL-X motion on a body; needs the retarget extra)")


def write_output(seq, path: Path, body: str | None = None) -> None:
    """Keypoints go through `signllm.formats`; motion through the retarget wing (fit, export)."""
    from signllm.errors import BadInputError

    from signllm.formats import AMASS_SUFFIX, is_amass_path

    suffix = AMASS_SUFFIX if is_amass_path(path) else path.suffix.lower()
    if suffix in KEYPOINT_SUFFIXES:
        from signllm.formats import write

        write(path, seq)
        return
    if suffix not in MOTION_SUFFIXES:
        raise BadInputError(f"unknown output extension {suffix or '(none)'!r}; use one of "
                            + ", ".join(KEYPOINT_SUFFIXES + MOTION_SUFFIXES), path=path)
    try:
        from retarget.body import load_body
        from retarget.export import write_motion
        from retarget.fit import fit_sequence
    except ImportError as exc:
        raise BadInputError(f"{suffix} output needs the retarget wing ({exc}); install "
                            "'signllm[retarget]' or write .pose/.skels/.npz", path=path) from None
    loaded = load_body(body)
    write_motion(path, fit_sequence(seq, loaded), loaded)
