"""The mannequin's painted face: eyes, brows and lips with ARKit-named morph targets.

Why a separate small mesh: the wooden mannequin's skull is a smooth ellipsoid with no features
to deform, and its vertex order is fixed by SMPL-X vertex ids. So the face is painted on as thin
ribbons a few millimetres above the skull (dark paint, double-sided), skinned rigidly to the
`head` joint, and each blendshape the lexicon generator animates is one morph target that moves
the ribbons (`MORPH_NAMES`, in ARKit order: every name of `signllm.face.timeline.FACE_NAMES`
but the eyeLook* gaze weights, which the eye rotations already play, and `tongueOut`, as the
mannequin has no tongue; glTF stores them as `extras.targetNames`, which Blender reads as
shape-key names). The shapes are our own, sized for a 17 cm head:
- `jawOpen` drops the lower lip as far as the jaw joint's 0.3 rad turns the chin (1.6 cm), so
  the lips stay on the chin when both are played; `mouthClose` lifts it back;
- `mouthFunnel` / `mouthPucker` draw the lip corners in and push the lips forward (funnel opens,
  pucker closes), `mouthStretch_*` pulls a corner out and down, `mouthSmile_*` out and up;
  `mouthRoll*` rolls a lip in, `mouthPress_*` thins the lips on one side, `mouthUpperUp_*` /
  `mouthLowerDown_*` raise / lower a lip on one side, `mouthShrug*` pushes a lip up and out;
- `browInnerUp`, `browOuterUp_*` raise the inner / outer end of the brows, `browDown_*` lowers
  a brow and draws it in;
- `eyeBlink_*` closes a painted eye to a line, `eyeSquint_*` raises its lower contour,
  `eyeWide_*` opens it wider (mostly the upper contour).
Geometry follows the mannequin's shape space (stature, head size, ...), so betas move the face
with the skull.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signllm.face.arkit import ARKIT_NAMES

from .body import Body
from .mannequin import shape_dirs
from .skeleton55 import NUM_JOINTS, joint

MORPH_NAMES: tuple[str, ...] = tuple(n for n in ARKIT_NAMES if n in {
    "jawOpen", "mouthClose", "mouthFunnel", "mouthPucker", "mouthStretch_L", "mouthStretch_R",
    "mouthSmile_L", "mouthSmile_R", "mouthRollLower", "mouthRollUpper", "mouthShrugLower",
    "mouthShrugUpper", "mouthPress_L", "mouthPress_R", "mouthLowerDown_L", "mouthLowerDown_R",
    "mouthUpperUp_L", "mouthUpperUp_R", "browInnerUp", "browOuterUp_L", "browOuterUp_R",
    "browDown_L", "browDown_R", "eyeBlink_L", "eyeBlink_R", "eyeSquint_L", "eyeSquint_R",
    "eyeWide_L", "eyeWide_R"})
PAINT = [0.22, 0.13, 0.08, 1.0]

# the skull sphere of mannequin._build_mesh, relative to the head joint
SKULL_CENTRE = np.array([0.0, 0.08, 0.005])
SKULL_RADII = 0.1 * np.array([0.85, 1.1, 0.95])
COLUMNS = 9
LIP_HALF_WIDTH, MOUTH_Y = 0.022, 0.022     # mouth centre height above the head joint
EYE_HALF_WIDTH = 0.011
BROW_X, BROW_Y = (0.013, 0.052), 0.098


@dataclass
class FaceMesh:
    vertices: np.ndarray              # (N, 3) rest positions, metres
    normals: np.ndarray               # (N, 3)
    faces: np.ndarray                 # (F, 3)
    targets: dict[str, np.ndarray]    # ARKit name -> (N, 3) displacement, MORPH_NAMES order
    joint: int                        # the joint it is skinned to


class _Ribbons:
    """Strips on the skull, given in (x, y) relative to the head joint and a lift above the skull."""

    def __init__(self, head: np.ndarray):
        self.head = head
        self.parts: dict[str, tuple[np.ndarray, float]] = {}  # name -> (rows, cols, 2), lift

    def add(self, name: str, grid: np.ndarray, lift: float) -> None:
        self.parts[name] = (np.asarray(grid, np.float64), lift)

    def place(self, grids: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """3D positions and skull normals of every part's grid (given per part), in part order."""
        points, normals = [], []
        for name, (_, lift) in self.parts.items():
            g = grids[name].reshape(-1, 2)
            extra = grids.get(name + ":lift")
            lifts = lift + (extra.reshape(-1) if extra is not None else np.zeros(len(g)))
            u = (g - SKULL_CENTRE[:2]) / SKULL_RADII[:2]
            z = SKULL_CENTRE[2] + SKULL_RADII[2] * np.sqrt(np.clip(1 - (u ** 2).sum(1), 0.05, 1))
            surface = np.column_stack([g, z])
            n = (surface - SKULL_CENTRE) / SKULL_RADII ** 2
            n /= np.linalg.norm(n, axis=1, keepdims=True)
            points.append(self.head + surface + lifts[:, None] * n)
            normals.append(n)
        return np.concatenate(points), np.concatenate(normals)

    def faces(self) -> np.ndarray:
        out, start = [], 0
        for grid, _ in self.parts.values():
            rows, cols = grid.shape[:2]
            for r in range(rows - 1):
                for c in range(cols - 1):
                    a, b = start + r * cols + c, start + r * cols + c + 1
                    d, e = a + cols, b + cols
                    out += [(a, b, e), (a, e, d)]
            start += rows * cols
        return np.array(out, np.int64)


def _lips(u: np.ndarray) -> dict[str, np.ndarray]:
    """Upper and lower lip ribbons (2 rows: outer edge, inner edge) over u in [-1, 1]."""
    x = u * LIP_HALF_WIDTH
    bow = 1 - u ** 2
    upper = np.stack([np.column_stack([x, MOUTH_Y + 0.0055 + 0.0015 * bow]),
                      np.column_stack([x, MOUTH_Y + 0.0005 * bow])])
    lower = np.stack([np.column_stack([x, MOUTH_Y - 0.0005 * bow]),
                      np.column_stack([x, MOUTH_Y - 0.005 - 0.002 * bow])])
    return {"upper_lip": upper, "lower_lip": lower}


def _eye(side: float, u: np.ndarray, closed: float = 0.0, squint: float = 0.0,
         wide: float = 0.0) -> np.ndarray:
    """An almond (3 rows: lower contour, middle, upper contour); `closed` 1 folds it to a line."""
    centre = np.array([side * 0.032, 0.07])
    bow = 1 - u ** 2
    lower = -0.0035 * bow * (1 - 0.45 * squint + 0.15 * wide)
    upper = 0.0055 * bow * (1 - 0.15 * squint + 0.4 * wide)
    line = -0.0015 * bow
    upper = upper + closed * (line - upper)
    lower = lower + closed * (line - lower)
    rows = [lower, 0.5 * (lower + upper), upper]
    x = centre[0] + side * u * EYE_HALF_WIDTH
    return np.stack([np.column_stack([x, centre[1] + r]) for r in rows])


def _brow(side: float, t: np.ndarray, raise_inner=0.0, raise_outer=0.0, down=0.0) -> np.ndarray:
    """A brow ribbon from the inner (t = 0) to the outer end (t = 1), 2 rows."""
    x = side * (BROW_X[0] + t * (BROW_X[1] - BROW_X[0]) - down * 0.002 * (1 - t))
    y = BROW_Y + 0.004 * np.sin(np.pi * (0.15 + 0.7 * t)) + 0.007 * (
        raise_inner * (1 - t) + raise_outer * t) - 0.005 * down
    return np.stack([np.column_stack([x, y - 0.002]), np.column_stack([x, y + 0.002])])


def _grids(shape: dict[str, float]) -> dict[str, np.ndarray]:
    """Every part's (x, y) grid (and extra lift) with the blendshape weights in `shape`."""
    w = lambda name: shape.get(name, 0.0)  # noqa: E731
    u = np.linspace(-1, 1, COLUMNS)
    t = np.linspace(0, 1, COLUMNS)
    lips = _lips(u)
    out: dict[str, np.ndarray] = {}
    for name, grid in lips.items():
        g = grid.copy()
        upper = name == "upper_lip"
        corner_l, corner_r = np.clip(u, 0, 1), np.clip(-u, 0, 1)
        inward = 1 - 0.25 * w("mouthFunnel") - 0.4 * w("mouthPucker")
        g[..., 0] *= inward
        g[..., 0] += LIP_HALF_WIDTH * (0.27 * (w("mouthStretch_L") * corner_l - w("mouthStretch_R") * corner_r)
                                       + 0.18 * (w("mouthSmile_L") * corner_l - w("mouthSmile_R") * corner_r))
        dy = (0.005 * (w("mouthSmile_L") * corner_l ** 2 + w("mouthSmile_R") * corner_r ** 2)
              - 0.002 * (w("mouthStretch_L") * corner_l + w("mouthStretch_R") * corner_r))
        if upper:
            dy = dy + 0.001 * w("jawOpen") - 0.002 * w("mouthClose") + 0.003 * w("mouthFunnel") \
                - 0.001 * w("mouthPucker")
        else:
            dy = dy - 0.016 * w("jawOpen") * (0.6 + 0.4 * (1 - u ** 2)) + 0.010 * w("mouthClose") \
                - 0.003 * w("mouthFunnel") + 0.001 * w("mouthPucker")
        side_l, side_r = 0.3 + 0.7 * corner_l, 0.3 + 0.7 * corner_r
        # the lip's outer edge: row 0 of the upper lip, row 1 of the lower; +1 moves it outwards
        edge = np.array([1.0, 0.0]) if upper else np.array([0.0, 1.0])
        out_dir = 1.0 if upper else -1.0
        if upper:
            dy = dy + 0.003 * (w("mouthUpperUp_L") * side_l + w("mouthUpperUp_R") * side_r) \
                + 0.002 * w("mouthShrugUpper")
            roll, shrug = w("mouthRollUpper"), w("mouthShrugUpper")
        else:
            dy = dy - 0.003 * (w("mouthLowerDown_L") * side_l + w("mouthLowerDown_R") * side_r) \
                + 0.002 * w("mouthShrugLower")
            roll, shrug = w("mouthRollLower"), w("mouthShrugLower")
        press = w("mouthPress_L") * side_l + w("mouthPress_R") * side_r
        thin = edge[:, None] * (-0.003 * roll - 0.002 * press) * out_dir   # rolled in / pressed thin
        g[..., 1] += dy + thin
        out[name] = g
        out[name + ":lift"] = (np.full(g.shape[:2], 0.006 * w("mouthFunnel") + 0.008 * w("mouthPucker")
                                       + 0.002 * shrug)
                               - 0.002 * roll * edge[:, None])
    for tag, side in (("L", 1.0), ("R", -1.0)):
        out[f"eye_{tag}"] = _eye(side, u, w(f"eyeBlink_{tag}"), w(f"eyeSquint_{tag}"),
                                 w(f"eyeWide_{tag}"))
        out[f"brow_{tag}"] = _brow(side, t, w("browInnerUp"), w(f"browOuterUp_{tag}"),
                                   w(f"browDown_{tag}"))
    return out


def _ribbons(head: np.ndarray) -> _Ribbons:
    r = _Ribbons(head)
    rest = _grids({})
    for name, lift in (("upper_lip", 0.004), ("lower_lip", 0.004), ("eye_L", 0.0025),
                       ("eye_R", 0.0025), ("brow_L", 0.003), ("brow_R", 0.003)):
        r.add(name, rest[name], lift)
    return r


def build_face(body: Body, betas=None) -> FaceMesh | None:
    """The painted face of the mannequin for `betas`; None for a user's SMPL-X body (its own
    mesh has a face, without ARKit shapes)."""
    if not body.is_mannequin:
        return None
    head = joint("head")
    J = body.j_template
    ribbons = _ribbons(J[head])
    rest, normals = ribbons.place(_grids({}))
    W = np.zeros((len(rest), NUM_JOINTS))
    W[:, head] = 1.0
    dirs = shape_dirs(rest, W, J)
    b = body._betas(betas)
    shift = dirs[:, :, :len(b)] @ b
    scale = 1.0 + 0.08 * (b[7] if len(b) > 7 else 0.0) + 0.03 * b[0]  # head size, stature
    targets = {}
    for name in MORPH_NAMES:
        moved, _ = ribbons.place(_grids({name: 1.0}))
        targets[name] = ((moved - rest) * scale).astype(np.float32)
    return FaceMesh((rest + shift).astype(np.float32), normals.astype(np.float32), ribbons.faces(),
                    targets, head)
