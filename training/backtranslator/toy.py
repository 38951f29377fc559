"""A toy sign language whose words are fixed movements: a corpus where the answer is known.

Each word is a fixed wrist trajectory and handshape; a sentence concatenates its words' clips
at a slightly varied speed, with sensor-like noise. Held-out sentences are new combinations
of seen words, so a back-translator that learned the words can translate them and one that
memorised sentences cannot. Used by the tests and as a quick sanity check of the evaluator.
"""
from __future__ import annotations

import numpy as np

from signllm.pose import PoseSequence
from signllm.skeleton import L_HAND, L_WRIST, R_HAND, R_WRIST

WORDS = ("regen", "sonne", "wind", "schnee", "nebel", "gewitter", "morgen", "heute", "norden",
         "süden", "stark", "kalt")


def rest_pose() -> np.ndarray:
    """A plausible 50-joint rest pose in the canonical frame (metres, neck at the origin)."""
    j = np.zeros((50, 3), np.float32)
    j[0] = [0, 0.2, 0.05]                                   # nose
    j[2], j[5] = [-0.18, 0, 0], [0.18, 0, 0]                # shoulders (+X = signer's left)
    j[3], j[6] = [-0.25, -0.25, 0], [0.25, -0.25, 0]        # elbows
    j[R_WRIST], j[L_WRIST] = [-0.15, -0.35, 0.2], [0.15, -0.35, 0.2]
    j[R_HAND], j[L_HAND] = j[R_WRIST], j[L_WRIST]
    return j


def word_movements(seed: int = 0, frames: int = 12) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """word -> (wrist offsets (frames, 2, 3), hand shapes (2, 21, 3))."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, frames)[:, None]
    out = {}
    for word in WORDS:
        amp, freq = rng.uniform(0.05, 0.2, (2, 3)), rng.uniform(0.5, 2, (2, 3))
        phase = rng.uniform(0, 2 * np.pi, (2, 3))
        wrists = np.stack([amp[k] * np.sin(2 * np.pi * freq[k] * t + phase[k]) for k in range(2)], 1)
        out[word] = (wrists, rng.normal(0, 0.03, (2, 21, 3)))
    return out


def sentence(words, movements, rng: np.random.Generator, noise: float = 0.003) -> PoseSequence:
    rest, frames = rest_pose(), []
    for word in words:
        wrists, shapes = movements[word]
        n = max(6, int(round(len(wrists) * rng.uniform(0.85, 1.15))))
        for i in np.linspace(0, len(wrists) - 1, n).round().astype(int):
            pose = rest.copy()
            pose[R_WRIST] += wrists[i, 0]
            pose[L_WRIST] += wrists[i, 1]
            pose[R_HAND] = pose[R_WRIST] + shapes[0]
            pose[L_HAND] = pose[L_WRIST] + shapes[1]
            frames.append(pose)
    joints = np.stack(frames) + rng.normal(0, noise, (len(frames), 50, 3))
    return PoseSequence.from_joints(joints.astype(np.float32), text=" ".join(words),
                                    language="gsg", fps=25.0)


def toy_corpus(n_train: int = 60, n_test: int = 10, seed: int = 0):
    """(train, test) lists of PoseSequence; test sentences never occur in train."""
    rng = np.random.default_rng(seed)
    movements = word_movements(seed)
    seen, train, test = set(), [], []
    while len(train) + len(test) < n_train + n_test:
        words = tuple(rng.choice(WORDS, size=int(rng.integers(2, 5)), replace=False))
        if words not in seen:
            seen.add(words)
            (train if len(train) < n_train else test).append(sentence(words, movements, rng))
    for i, seq in enumerate(train + test):
        seq.name = f"toy-{i:03d}"
    return train, test


def degrade(seq: PoseSequence, rng: np.random.Generator, noise: float = 0.02,
            jitter: int = 2) -> PoseSequence:
    """A deliberately bad copy of a clip: frames shuffled locally in time (each frame index
    moved by up to `jitter`) and Gaussian noise of `noise` metres on every joint. Stands in
    for a weak generator where no trained one is at hand."""
    idx = np.clip(np.arange(seq.num_frames) + rng.integers(-jitter, jitter + 1, seq.num_frames),
                  0, seq.num_frames - 1)
    joints = seq.joints[idx] + rng.normal(0, noise, seq.joints.shape)
    return seq.with_(joints=joints.astype(np.float32), confidence=seq.confidence[idx])


def toy_backtranslator(out_dir, train: list[PoseSequence], config="training/configs/backtranslator_tiny.yaml"):
    """Train (once: reused if OUT/backtranslator.pt exists) a tiny two-stage back-translator."""
    from pathlib import Path

    from .train import load_config, train_stage1, train_stage2
    out = Path(out_dir)
    if not (out / "backtranslator.pt").exists():
        cfg = load_config(config)
        train_stage2(train_stage1(train, cfg, out), cfg, train, out)
    return out / "stage1.pt", out / "backtranslator.pt"
