"""BVH export (and a small reader used to check it) for the SMPL-X 55-joint hierarchy.

Offsets are parent-relative rest joints; the root's position channel is rest pelvis +
translation (writing the translation alone, without the rest pelvis, is a common converter bug:
the body then floats at the origin).
Rotations are intrinsic Z-Y-X Euler angles in degrees; units are metres unless `scale` says
otherwise (Blender imports BVH as Y-up, the same frame as ours).
Of a face (`retarget.face`) BVH carries rotations only: the jaw and eye joints and the head's
nods and shakes inside the head joint; blendshape weights have no place in BVH.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from signllm.atomic import atomic_open
from signllm.errors import BadInputError

from .motion import Motion
from .skeleton55 import JOINT_NAMES, PARENTS

_CHILDREN = {j: [c for c in range(len(PARENTS)) if PARENTS[c] == j] for j in range(len(PARENTS))}
_END_SITE = 0.02  # metres, along the parent bone, for leaf joints


def _hierarchy(rest: np.ndarray, scale: float) -> list[str]:
    lines = ["HIERARCHY"]

    def emit(j: int, depth: int):
        pad = "\t" * depth
        off = (rest[j] - rest[PARENTS[j]]) * scale if j else np.zeros(3)
        lines.append(f"{pad}{'ROOT' if j == 0 else 'JOINT'} {JOINT_NAMES[j]}")
        lines.append(f"{pad}{{")
        lines.append(f"{pad}\tOFFSET {off[0]:.6f} {off[1]:.6f} {off[2]:.6f}")
        chans = "6 Xposition Yposition Zposition" if j == 0 else "3"
        lines.append(f"{pad}\tCHANNELS {chans} Zrotation Yrotation Xrotation")
        for c in _CHILDREN[j]:
            emit(c, depth + 1)
        if not _CHILDREN[j]:
            bone = rest[j] - rest[PARENTS[j]]
            end = bone / max(np.linalg.norm(bone), 1e-9) * _END_SITE * scale
            lines.extend([f"{pad}\tEnd Site", f"{pad}\t{{",
                          f"{pad}\t\tOFFSET {end[0]:.6f} {end[1]:.6f} {end[2]:.6f}", f"{pad}\t}}"])
        lines.append(f"{pad}}}")

    emit(0, 0)
    return lines


def _order() -> list[int]:
    out: list[int] = []

    def visit(j):
        out.append(j)
        for c in _CHILDREN[j]:
            visit(c)

    visit(0)
    return out


def write_bvh(path: str | Path, motion: Motion, body=None, scale: float = 1.0) -> None:
    """Write `motion` as BVH. `body` is accepted for a uniform exporter signature; the rest
    skeleton travels in the motion."""
    if motion.num_frames == 0:
        raise BadInputError("empty motion: nothing to write", path=path)
    rest = motion.rest_joints
    order = _order()
    euler = Rotation.from_rotvec(motion.full_pose().reshape(-1, 3)).as_euler("ZYX", degrees=True)
    euler = euler.reshape(motion.num_frames, -1, 3)[:, order]
    root = (rest[0] + motion.transl) * scale
    data = np.concatenate([root, euler.reshape(motion.num_frames, -1)], 1)
    if not np.isfinite(data).all():
        raise BadInputError("motion has non-finite values", path=path)
    with atomic_open(path, "w") as fh:
        fh.write("\n".join(_hierarchy(rest, scale)) + "\n")
        fh.write(f"MOTION\nFrames: {motion.num_frames}\nFrame Time: {1.0 / motion.fps:.8f}\n")
        np.savetxt(fh, data, fmt="%.6f")


def _parse(path: str | Path):
    """(names, parents, offsets (J, 3), channels per joint, data (T, C), frame time)."""
    text = Path(path).read_text(encoding="utf-8")
    head, _, motion = text.partition("MOTION")
    tokens = re.findall(r"[{}]|[^\s{}]+", head)
    names, parents, offsets, channels = [], [], [], []
    stack, i, end_site = [], 0, False
    while i < len(tokens):
        tok = tokens[i]
        if tok in ("ROOT", "JOINT"):
            names.append(tokens[i + 1])
            parents.append(stack[-1] if stack else -1)
            i += 2
        elif tok == "End":
            end_site = True
            i += 2
        elif tok == "{":
            if not end_site:
                stack.append(len(names) - 1)
            i += 1
        elif tok == "}":
            if end_site:
                end_site = False
            else:
                stack.pop()
            i += 1
        elif tok == "OFFSET":
            if not end_site:
                offsets.append([float(t) for t in tokens[i + 1:i + 4]])
            i += 4
        elif tok == "CHANNELS":
            n = int(tokens[i + 1])
            channels.append(tokens[i + 2:i + 2 + n])
            i += 2 + n
        else:
            i += 1
    lines = motion.strip().splitlines()
    frame_time = float(lines[1].split(":")[1])
    data = np.array([[float(v) for v in ln.split()] for ln in lines[2:] if ln.strip()])
    return names, parents, np.array(offsets), channels, data, frame_time


def _local(channels: list[list[str]], data: np.ndarray, offsets: np.ndarray):
    """Per joint: (T, 3) local position and local rotation, in file order."""
    col = 0
    for j, chans in enumerate(channels):
        pos = offsets[j] + np.zeros((len(data), 3))
        rot_axes, rot_cols = "", []
        for c in chans:
            if c.endswith("position"):
                pos[:, "XYZ".index(c[0])] = data[:, col]  # a position channel replaces the offset
            else:
                rot_axes += c[0]
                rot_cols.append(col)
            col += 1
        yield pos, Rotation.from_euler(rot_axes, data[:, rot_cols], degrees=True)


def read_bvh(path: str | Path) -> tuple[list[str], np.ndarray, np.ndarray, float]:
    """Parse a BVH file -> (joint names, parents, world joint positions (T, J, 3), frame time).

    Handles any hierarchy whose channels are the ones `write_bvh` writes or any order of
    rotation channels; enough to verify exports without a third-party dependency."""
    names, parents, offsets, channels, data, frame_time = _parse(path)
    T, J = len(data), len(names)
    G = np.zeros((T, J, 3, 3))
    P = np.zeros((T, J, 3))
    for j, (pos, rot) in enumerate(_local(channels, data, offsets)):
        R = rot.as_matrix()
        p = parents[j]
        if p < 0:
            G[:, j], P[:, j] = R, pos
        else:
            G[:, j] = G[:, p] @ R
            P[:, j] = P[:, p] + (G[:, p] @ pos[..., None])[..., 0]
    return names, np.array(parents), P, frame_time


def read_bvh_rotations(path: str | Path) -> tuple[list[str], np.ndarray, float]:
    """(joint names, local rotations (T, J, 3) axis-angle, frame time) of a BVH file: what a
    leaf joint such as the jaw carries, which no joint position shows."""
    names, _, offsets, channels, data, frame_time = _parse(path)
    rotations = np.stack([rot.as_rotvec() for _, rot in _local(channels, data, offsets)], 1)
    return names, rotations, frame_time
