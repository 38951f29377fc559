"""Bodies: the user's own SMPL-X model file, or the built-in licence-free mannequin.

Only what joint-space fitting, export and preview need is kept: template mesh, skin weights,
joint regressor and the first shape directions. The rest skeleton for given betas is linear in
the betas, so it is precomputed once (fitting through the full 10,475-vertex mesh per frame would
be far too slow for streaming).
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from signllm.errors import BadInputError

from . import mannequin
from .skeleton55 import KEYPOINT_JOINT, KEYPOINT_VERTEX, NUM_JOINTS, VERTEX_IDS

log = logging.getLogger(__name__)
ENV_MODEL = "SIGNLLM_SMPLX_MODEL"
GENDERS = ("neutral", "female", "male")
_NEEDED = ("v_template", "f", "J_regressor", "weights", "shapedirs", "kintree_table")


@dataclass(frozen=True, eq=False)
class Body:
    name: str
    path: Path
    gender: str
    is_mannequin: bool
    v_template: np.ndarray     # (V, 3)
    faces: np.ndarray          # (F, 3)
    weights: np.ndarray        # (V, 55)
    shapedirs: np.ndarray      # (V, 3, B)
    j_template: np.ndarray     # (55, 3)
    j_shapedirs: np.ndarray    # (55, 3, B)
    betas: np.ndarray          # (B,) this body's shape

    @property
    def num_betas(self) -> int:
        return int(self.shapedirs.shape[-1])

    def _betas(self, betas) -> np.ndarray:
        b = self.betas if betas is None else np.asarray(betas, np.float64).ravel()
        out = np.zeros(self.num_betas)
        out[:min(len(b), self.num_betas)] = b[:self.num_betas]
        return out

    def rest_joints(self, betas=None) -> np.ndarray:
        return self.j_template + self.j_shapedirs @ self._betas(betas)

    def rest_vertices(self, betas=None) -> np.ndarray:
        return self.v_template + self.shapedirs @ self._betas(betas)

    def keypoint_offsets(self, betas=None) -> np.ndarray:
        """(50, 3) rest offset of each keypoint from the joint it rides on (0 for joints)."""
        b = self._betas(betas)
        J = self.rest_joints(b)
        off = np.zeros((len(KEYPOINT_JOINT), 3))
        for k, vname in enumerate(KEYPOINT_VERTEX):
            if vname is not None:
                vid = VERTEX_IDS[vname]
                v = self.v_template[vid] + self.shapedirs[vid] @ b
                off[k] = v - J[KEYPOINT_JOINT[k]]
        return off

    def rest_keypoints(self, betas=None) -> np.ndarray:
        return self.rest_joints(betas)[KEYPOINT_JOINT] + self.keypoint_offsets(betas)

    def with_betas(self, betas) -> "Body":
        return replace(self, betas=self._betas(betas))


def _resolve(smplx_model: str | os.PathLike | None, gender: str) -> Path | None:
    src = smplx_model if smplx_model else os.environ.get(ENV_MODEL) or None
    if src is None:
        return None
    path = Path(src).expanduser()
    if path.is_dir():
        path = path / f"SMPLX_{gender.upper()}.npz"
    if not path.is_file():
        raise BadInputError("SMPL-X model file not found (download it from https://smpl-x.is.tue.mpg.de "
                            "under its licence)", path=path)
    if path.suffix.lower() != ".npz":
        raise BadInputError("only .npz SMPL-X model files are supported", path=path)
    return path


def load_body(smplx_model: str | os.PathLike | None = None, gender: str = "neutral",
              betas=None, num_betas: int = 10) -> Body:
    """The user's SMPL-X model (argument, else $SIGNLLM_SMPLX_MODEL), else the mannequin."""
    gender = (gender or "neutral").lower()
    if gender not in GENDERS:
        raise BadInputError(f"gender must be one of {', '.join(GENDERS)}, got {gender!r}")
    path = _resolve(smplx_model, gender)
    is_mannequin = path is None
    if is_mannequin:
        path = mannequin.mannequin_path()
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in _NEEDED if k not in data.files]
            if missing:
                raise BadInputError(f"not an SMPL-X model file: missing {', '.join(missing)}", path=path)
            arrays = {k: np.asarray(data[k]) for k in _NEEDED}
    except (ValueError, OSError) as exc:
        raise BadInputError(f"cannot read SMPL-X model file: {exc}", path=path) from exc
    V = arrays["v_template"].astype(np.float64)
    if V.ndim != 2 or V.shape[1] != 3 or len(V) < mannequin.MIN_VERTICES:
        raise BadInputError(f"v_template has shape {V.shape}, expected (>= 9930, 3)", path=path)
    Jreg = arrays["J_regressor"].astype(np.float64)
    if Jreg.shape != (NUM_JOINTS, len(V)):
        raise BadInputError(f"J_regressor has shape {Jreg.shape}, expected (55, {len(V)}): "
                            "is this an SMPL-X (not SMPL/SMPL-H) file?", path=path)
    shapedirs = arrays["shapedirs"].astype(np.float64)[:, :, :num_betas]
    body = Body(name="mannequin" if is_mannequin else path.stem, path=path, gender=gender,
                is_mannequin=is_mannequin, v_template=V, faces=arrays["f"].astype(np.int64),
                weights=arrays["weights"].astype(np.float64), shapedirs=shapedirs,
                j_template=Jreg @ V, j_shapedirs=np.einsum("jv,vcb->jcb", Jreg, shapedirs),
                betas=np.zeros(shapedirs.shape[-1]))
    return body.with_betas(betas) if betas is not None else body
