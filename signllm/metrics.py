"""Pose metrics for generated sign language: DTW, DTW-MJE, expressiveness, length ratio.

All functions take `PoseSequence`s (or (T, J, 3) arrays) in the canonical frame (metres) and
never look at a ground-truth length or counter of the hypothesis. Always report them beside a
floor (`mean_pose_floor`): a DTW figure alone says little, since a model that outputs the mean
pose already scores well on it.

- `pt_dtw`: Progressive Transformers' DTW (Saunders et al., 2020): frame cost = L1 distance over all
  coordinates, plain DTW, total cost divided by the reference length. Our sequences carry no BOS
  frame and no counter column, so the "drop BOS / cut at counter peak" steps are no-ops.
- `dtw_mje`: align with DTW (dtaidistance, Euclidean frame cost over all coordinates), then the
  mean per-joint L2 distance (metres) over the aligned frame pairs.
- `expressiveness`: total wrist travel of the hypothesis / that of the reference (1 is ideal,
  ~0.26 for a Progressive-Transformers model that regresses to the mean).
- `length_ratio`: hypothesis frames / reference frames (1 is ideal).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .errors import BadInputError
from .skeleton import L_WRIST, R_WRIST

WRISTS = (R_WRIST, L_WRIST)


def _joints(seq) -> np.ndarray:
    arr = np.asarray(getattr(seq, "joints", seq), dtype=np.float64)
    if arr.ndim != 3 or arr.shape[-1] != 3:
        raise BadInputError(f"expected joints of shape (T, J, 3), got {arr.shape}")
    if arr.shape[0] == 0:
        raise BadInputError("cannot score an empty sequence (0 frames)")
    return arr


def _dtw_total(cost: np.ndarray) -> float:
    """Plain DTW over a precomputed cost matrix, vectorised along anti-diagonals."""
    n, m = cost.shape
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for d in range(n + m - 1):
        i = np.arange(max(0, d - m + 1), min(n, d + 1))
        j = d - i
        best = np.minimum(np.minimum(acc[i, j], acc[i, j + 1]), acc[i + 1, j])
        acc[i + 1, j + 1] = cost[i, j] + best
    return float(acc[n, m])


def pt_dtw(hyp, ref) -> float:
    """Progressive-Transformers DTW of one pair: L1 frame cost, divided by the reference length."""
    from scipy.spatial.distance import cdist

    h, r = _joints(hyp), _joints(ref)
    cost = cdist(h.reshape(len(h), -1), r.reshape(len(r), -1), metric="cityblock")
    return _dtw_total(cost) / len(r)


def dtw_path(hyp, ref) -> list[tuple[int, int]]:
    """DTW alignment (Euclidean frame cost) of two sequences, via dtaidistance."""
    from dtaidistance import dtw_ndim

    h, r = _joints(hyp), _joints(ref)
    return dtw_ndim.warping_path(np.ascontiguousarray(h.reshape(len(h), -1)),
                                 np.ascontiguousarray(r.reshape(len(r), -1)))


def dtw_mje(hyp, ref) -> float:
    """Mean per-joint L2 error (metres) over DTW-aligned frame pairs."""
    h, r = _joints(hyp), _joints(ref)
    path = np.asarray(dtw_path(h, r))
    return float(np.linalg.norm(h[path[:, 0]] - r[path[:, 1]], axis=-1).mean())


def wrist_travel(seq) -> float:
    """Total distance (metres) both wrists move over the sequence."""
    j = _joints(seq)[:, WRISTS]
    return float(np.linalg.norm(np.diff(j, axis=0), axis=-1).sum())


def expressiveness(hyp, ref) -> float:
    """Wrist travel of the hypothesis / that of the reference (nan when the reference is still)."""
    ref_travel = wrist_travel(ref)
    return wrist_travel(hyp) / ref_travel if ref_travel > 0 else float("nan")


def length_ratio(hyp, ref) -> float:
    return len(_joints(hyp)) / len(_joints(ref))


PAIR_METRICS = {"dtw_mje": dtw_mje, "pt_dtw": pt_dtw, "expressiveness": expressiveness,
                "length_ratio": length_ratio}


def pose_metrics(hyps: Sequence, refs: Sequence) -> dict[str, float]:
    """Mean of every pair metric over matched (hypothesis, reference) pairs."""
    if len(hyps) != len(refs):
        raise BadInputError(f"{len(hyps)} hypotheses for {len(refs)} references")
    if not refs:
        raise BadInputError("no sequences to score")
    out = {}
    for name, fn in PAIR_METRICS.items():
        values = np.array([fn(h, r) for h, r in zip(hyps, refs)], dtype=np.float64)
        out[name] = float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")
    return out


def mean_pose(sequences: Sequence) -> np.ndarray:
    """The average (J, 3) pose over every frame of `sequences` (e.g. the training split)."""
    return np.concatenate([_joints(s) for s in sequences]).mean(0).astype(np.float32)


def mean_pose_floor(refs: Sequence, pose: np.ndarray | None = None) -> list[np.ndarray]:
    """Each reference replaced by `pose` (default: the references' own mean) held for its length.

    This is what a generator that regressed to the average pose would score.
    """
    pose = mean_pose(refs) if pose is None else np.asarray(pose, np.float32)
    return [np.repeat(pose[None], len(_joints(r)), 0) for r in refs]
