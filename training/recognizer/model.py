"""A fingerspelling recogniser: 50-joint poses -> letters, trained with CTC.

Why: it is this domain's back-translator. Letter error rate (LER) of generated poses for
held-out words says whether the right handshapes appear in the right order, which DTW alone
cannot. One small network serves all covered languages; decoding is restricted to the
requested language's letters.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from rapidfuzz.distance import Levenshtein
from torch import nn

from signllm.skeleton import (L_ELBOW, L_HAND, L_SHOULDER, L_WRIST, NECK, R_ELBOW, R_HAND,
                              R_SHOULDER, R_WRIST)

BLANK = 0
SPACE = "_"   # word boundary; trained on, not scored


def features(joints: np.ndarray) -> np.ndarray:
    """(T, 50, 3) metres -> (T, F) float32: handshapes (relative to each hand's wrist), hand and
    arm positions (relative to the neck), all divided by the shoulder width so signers of any
    size look alike."""
    joints = np.asarray(joints, np.float32)
    width = np.median(np.linalg.norm(joints[:, L_SHOULDER] - joints[:, R_SHOULDER], axis=-1))
    joints = (joints - joints[:, [NECK]]) / max(float(width), 1e-3)
    parts = []
    for hand in (L_HAND, R_HAND):
        parts.append((joints[:, hand[1:]] - joints[:, [hand[0]]]).reshape(len(joints), -1))
    arms = joints[:, [L_HAND[0], R_HAND[0], L_WRIST, R_WRIST, L_ELBOW, R_ELBOW]]
    parts.append(arms.reshape(len(joints), -1))
    return np.concatenate(parts, axis=1).astype(np.float32)


FEATURES = 2 * 20 * 3 + 6 * 3


@dataclass
class RecognizerConfig:
    classes: list            # ["<blank>", "_", "ase:A", ...]
    hidden: int = 128
    layers: int = 4
    stride: int = 2          # frames are subsampled by this before scoring (25 -> 12.5 fps)
    dropout: float = 0.2


class Recognizer(nn.Module):
    """Per-frame letter scores from a stack of residual temporal convolutions.

    Convolutions rather than a recurrent net: they train several times faster on a CPU, and a
    receptive field of about a second covers a letter and its neighbours.
    """

    def __init__(self, config: RecognizerConfig):
        super().__init__()
        self.config = config
        self.inp = nn.Linear(FEATURES, config.hidden)
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.Conv1d(config.hidden, config.hidden, 5, padding=2), nn.GELU(),
                          nn.Dropout(config.dropout))
            for _ in range(config.layers))
        self.out = nn.Linear(config.hidden, len(config.classes))

    def forward(self, x: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """(B, T, F) -> log-probabilities (B, T, C)."""
        h = self.inp(x).transpose(1, 2)
        for block in self.blocks:
            h = h + block(h)
        return self.out(h.transpose(1, 2)).log_softmax(-1)

    def class_mask(self, language: str) -> torch.Tensor:
        keep = [c in ("<blank>", SPACE) or c.startswith(language + ":") for c in self.config.classes]
        return torch.tensor(keep)

    @torch.no_grad()
    def recognise(self, joints: np.ndarray, language: str) -> list[str]:
        """Greedy CTC decoding restricted to the language's letters; word boundaries dropped."""
        self.eval()
        x = torch.from_numpy(features(joints[::self.config.stride]))[None]
        logp = self.forward(x)[0]
        logp[:, ~self.class_mask(language)] = -1e9
        best = logp.argmax(-1).tolist()
        letters, previous = [], BLANK
        for k in best:
            if k != previous and k != BLANK:
                name = self.config.classes[k]
                if name != SPACE:
                    letters.append(name.split(":", 1)[1])
            previous = k
        return letters

    def checkpoint(self) -> dict:
        return {"kind": "fingerspelling-recognizer", "config": asdict(self.config),
                "state_dict": self.state_dict()}

    @classmethod
    def from_checkpoint(cls, path) -> "Recognizer":
        data = torch.load(path, map_location="cpu", weights_only=True)
        model = cls(RecognizerConfig(**data["config"]))
        model.load_state_dict(data["state_dict"])
        return model.eval()


def letter_error_rate(references: list[list[str]], hypotheses: list[list[str]]) -> float:
    """Total edit distance over total reference letters (like WER, over letters)."""
    errors = sum(Levenshtein.distance(r, h) for r, h in zip(references, hypotheses))
    return errors / max(1, sum(len(r) for r in references))


def letter_errors(references: list[list[str]], hypotheses: list[list[str]]) -> dict[str, int]:
    """The edits behind the LER by kind, with the deletions that merge a doubled letter (L-L read
    as L) counted apart: they point at timing (the glide between repeats), not at hand shapes."""
    counts = {"substitute": 0, "delete": 0, "insert": 0, "merged_double": 0}
    for ref, hyp in zip(references, hypotheses):
        for op in Levenshtein.editops(ref, hyp):
            counts[op.tag.replace("replace", "substitute")] += 1
            i = op.src_pos
            if op.tag == "delete" and ((i > 0 and ref[i - 1] == ref[i])
                                       or (i + 1 < len(ref) and ref[i + 1] == ref[i])):
                counts["merged_double"] += 1
    return counts
