"""Score generated poses against references, always beside a ceiling and floors.

A score alone says little: a back-translator trained on a small corpus may reach only a few
BLEU on ground truth. So every metric is computed by the same evaluator for four systems:

- ``hypothesis``: the poses under test;
- ``ceiling``: the ground-truth poses themselves (what a perfect generator would score);
- ``floor: mean pose``: every clip replaced by the (training) mean pose, held for the
  reference's length (what a generator that regressed to the mean would score);
- ``floor: shuffled``: each clip replaced by another sentence's ground truth (real motion,
  wrong content: what content-blind but lively output scores).

Pose metrics (DTW-MJE, Progressive-Transformers DTW, expressiveness, length ratio) come from
`signllm.metrics`; text metrics from `signllm.text_metrics` on the back-translations.
"""
from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath
from typing import Sequence

import numpy as np

from signllm.errors import BadInputError
from signllm.pose import PoseSequence

log = logging.getLogger(__name__)

SYSTEMS = ("hypothesis", "ceiling", "floor: mean pose", "floor: shuffled")
# metric -> (label, True if higher is better, None if 1.0 is ideal)
METRICS = {
    "bleu1": ("BLEU-1", True), "bleu2": ("BLEU-2", True), "bleu3": ("BLEU-3", True),
    "bleu4": ("BLEU-4", True), "chrf": ("chrF", True), "rouge_l": ("ROUGE-L", True),
    "wer": ("WER %", False), "gloss_precision": ("pseudo-gloss P", True),
    "gloss_recall": ("pseudo-gloss R", True), "gloss_f1": ("pseudo-gloss F1", True),
    "dtw_mje": ("DTW-MJE", False), "pt_dtw": ("PT DTW", False),
    "expressiveness": ("expressiveness (1 ideal)", None), "length_ratio": ("length ratio (1 ideal)", None),
}


def _key(name: str | None) -> str | None:
    return PurePosixPath(str(name)).name.rsplit(".", 1)[0] if name else None


def pair_with_references(hyps: Sequence[PoseSequence], refs: Sequence[PoseSequence]
                         ) -> list[PoseSequence]:
    """Hypotheses in the references' order: matched by clip name, else by position."""
    ref_keys = [_key(r.name) for r in refs]
    by_name = {_key(h.name): h for h in hyps if h.name}
    if all(ref_keys) and len(set(ref_keys)) == len(refs) and set(ref_keys) <= set(by_name):
        return [by_name[k] for k in ref_keys]
    if len(hyps) == len(refs):
        log.info("hypotheses matched to references by position (names do not match)")
        return list(hyps)
    missing = [k for k in ref_keys if k not in by_name][:3]
    raise BadInputError(f"{len(hyps)} hypothesis clips for {len(refs)} references, and their names "
                        f"do not cover the references (first missing: {', '.join(map(str, missing))})")


def mean_pose_floor(refs: Sequence[PoseSequence], pose: np.ndarray | None = None) -> list[PoseSequence]:
    """`signllm.metrics.mean_pose_floor` as sequences (the back-translator reads sequences)."""
    from signllm import metrics
    return [r.with_(joints=joints, confidence=np.ones_like(r.confidence))
            for r, joints in zip(refs, metrics.mean_pose_floor(refs, pose))]


def shuffled_floor(refs: Sequence[PoseSequence], seed: int = 0) -> list[PoseSequence]:
    """Each clip replaced by a different clip's ground truth (a seeded derangement)."""
    if len(refs) < 2:
        raise BadInputError("the shuffled floor needs at least 2 reference clips")
    order = np.random.default_rng(seed).permutation(len(refs))
    source = dict(zip(order, np.roll(order, 1)))  # a cycle: no clip maps to itself
    return [refs[source[i]] for i in range(len(refs))]


def pose_scores(hyps: Sequence[PoseSequence], refs: Sequence[PoseSequence]) -> dict[str, float]:
    from signllm import metrics
    return metrics.pose_metrics(hyps, refs)


def score(hyps, refs, backtranslator=None, spoken_lang: str | None = None,
          translations: list[str] | None = None) -> dict:
    """All metrics of one system; text metrics only with a back-translator."""
    from signllm.text_metrics import translation_scores
    out = dict(pose_scores(hyps, refs))
    if backtranslator is not None:
        texts = translations if translations is not None else backtranslator.translate(hyps)
        out.update(translation_scores(texts, [r.text or "" for r in refs],
                                      spoken_lang or backtranslator.spoken_lang))
        out["translations"] = texts
    return out


def evaluate(hyps, refs, backtranslator=None, mean_pose: np.ndarray | None = None,
             spoken_lang: str | None = None, seed: int = 0) -> dict:
    """{system: {metric: value, "translations": [...]}} for the four systems of `SYSTEMS`.

    `mean_pose`: the training split's mean pose (default: the references' own mean)."""
    refs = list(refs)
    if not refs:
        raise BadInputError("no reference clips to evaluate against")
    hyps = pair_with_references(hyps, refs)
    systems = {"hypothesis": hyps, "ceiling": refs,
               "floor: mean pose": mean_pose_floor(refs, mean_pose),
               "floor: shuffled": shuffled_floor(refs, seed)}
    return {name: score(seqs, refs, backtranslator, spoken_lang) for name, seqs in systems.items()}


def format_table(result: dict) -> str:
    """A plain-text table: one row per metric, one column per system."""
    metrics = [m for m in METRICS if m in result["hypothesis"]]
    labels = {m: METRICS[m][0] + {True: " ↑", False: " ↓", None: ""}[METRICS[m][1]] for m in metrics}
    width = max(len(label) for label in labels.values()) + 2
    lines = [f"{'metric':<{width}}" + "".join(f"{s:>18}" for s in SYSTEMS)]
    for m in metrics:
        lines.append(f"{labels[m]:<{width}}" + "".join(f"{result[s][m]:>18.3f}" for s in SYSTEMS))
    return "\n".join(lines)


def plot(result: dict, path) -> Path:
    """Bar charts, one per metric, with the four systems side by side."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from signllm.atomic import atomic_path
    metrics = [m for m in METRICS if m in result["hypothesis"]]
    cols = 4
    rows = -(-len(metrics) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 2.8 * rows), squeeze=False)
    colours = ("tab:blue", "tab:green", "tab:gray", "tab:orange")
    for ax, m in zip(axes.flat, metrics):
        values = [result[s][m] for s in SYSTEMS]
        ax.bar(range(len(SYSTEMS)), values, color=colours)
        label, higher = METRICS[m]
        ax.set_title(label + ("" if higher is None else " ↑" if higher else " ↓"), fontsize=9)
        ax.set_xticks(range(len(SYSTEMS)), ["hyp", "ceiling", "mean", "shuffled"], fontsize=8)
        if higher is None:
            ax.axhline(1.0, color="k", lw=0.8, ls="--")
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    fig.suptitle("signllm evaluate: hypothesis beside ceiling (ground truth) and floors")
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=90)
    plt.close(fig)
    return Path(path)
