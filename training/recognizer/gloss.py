"""A continuous sign recogniser: 50-joint poses -> a DSGS gloss sequence, trained with CTC.

Why: it is the lexical corpus's back-translator to gloss. Gloss error rate (GER: edit distance
over gloss sequences, over the reference glosses) of generated poses says whether the right
signs come in the right order — the lexical counterpart of the fingerspelling recogniser's
letter error rate (`model.py`, whose pose features it reuses).

Classes: the CTC blank, the lexicon's sign glosses of the corpus (`KIND`), the fingerspelling
letters (`#A`, so a letter never shares a name with a sign such as `CH`), and `_`, the boundary
between two fingerspelled words. Decoding is greedy; the letters between two signs (or `_`)
are read back as one fingerspelled word (`A-N-N-A`), so a spelled word is one gloss in the GER.
Punctuation is not recognised (the corpus gives it no motion of its own).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from rapidfuzz.distance import Levenshtein
from torch import nn

from .model import FEATURES, features

BLANK = "<blank>"
WORD_GAP = "_"
LETTER = "#"
PUNCTUATION = {".", ",", "?", "!", ";", ":"}


def spelled(token: str) -> bool:
    """A fingerspelled word of a corpus gloss (`Z-Ü-R-I-CH`); see training/corpus/lexical.py."""
    return "-" in token


def gloss_tokens(gloss: str) -> list[str]:
    """The glosses a GER counts: signs and fingerspelled words, punctuation left out."""
    return [t for t in gloss.split() if t not in PUNCTUATION]


def class_names(glosses: list[str]) -> list[str]:
    """Blank, word gap, every sign gloss and every letter of the corpus's glosses, sorted."""
    signs, letters = set(), set()
    for gloss in glosses:
        for token in gloss_tokens(gloss):
            if spelled(token):
                letters.update(token.split("-"))
            else:
                signs.add(token)
    return [BLANK, WORD_GAP] + sorted(signs) + sorted(LETTER + u for u in letters)


def targets(gloss: str, index: dict[str, int]) -> list[int]:
    """CTC target ids: a sign is one class, a spelled word its letters, `_` between two spelled
    words in a row; tokens the classes lack are left out."""
    out: list[int] = []
    previous_spelled = False
    for token in gloss_tokens(gloss):
        if spelled(token):
            if previous_spelled:
                out.append(index[WORD_GAP])
            out += [index[LETTER + u] for u in token.split("-") if LETTER + u in index]
            previous_spelled = True
        elif token in index:
            out.append(index[token])
            previous_spelled = False
    return out


def decode(ids: list[int], classes: list[str]) -> list[str]:
    """Collapsed CTC path -> glosses, letters grouped into spelled words."""
    out: list[str] = []
    word: list[str] = []
    previous = 0

    def close():
        if word:
            out.append("-".join(word))
            word.clear()

    for k in ids:
        if k != previous and k != 0:
            name = classes[k]
            if name == WORD_GAP:
                close()
            elif name.startswith(LETTER):
                word.append(name[len(LETTER):])
            else:
                close()
                out.append(name)
        previous = k
    close()
    return out


@dataclass
class GlossRecognizerConfig:
    classes: list
    hidden: int = 160
    dilations: tuple = (1, 2, 4, 1, 2, 4)   # receptive field 1 + 4 * sum = 57 steps (4.6 s)
    stride: int = 2                          # frames subsampled before scoring (25 -> 12.5 fps)
    dropout: float = 0.15


class GlossRecognizer(nn.Module):
    """Per-step gloss scores from residual dilated temporal convolutions (CPU-fast; the wide
    receptive field covers a sign, its transitions and its neighbours)."""

    def __init__(self, config: GlossRecognizerConfig):
        super().__init__()
        self.config = config
        h = config.hidden
        self.inp = nn.Sequential(nn.Linear(FEATURES, h), nn.LayerNorm(h))
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.Conv1d(h, h, 5, padding=2 * d, dilation=d), nn.GELU(),
                          nn.Dropout(config.dropout))
            for d in config.dilations)
        self.out = nn.Linear(h, len(config.classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, F) -> log-probabilities (B, T, C)."""
        h = self.inp(x).transpose(1, 2)
        for block in self.blocks:
            h = h + block(h)
        return self.out(h.transpose(1, 2)).log_softmax(-1)

    def inputs(self, joints: np.ndarray) -> np.ndarray:
        return features(np.asarray(joints)[::self.config.stride])

    @torch.no_grad()
    def recognise(self, joints: np.ndarray) -> list[str]:
        """Greedy CTC decoding of one sequence (T, 50, 3) into glosses."""
        self.eval()
        if len(joints) < 2:
            return []
        logp = self.forward(torch.from_numpy(self.inputs(joints))[None])[0]
        return decode(logp.argmax(-1).tolist(), self.config.classes)

    def checkpoint(self) -> dict:
        config = asdict(self.config)
        config["dilations"] = list(config["dilations"])
        return {"kind": "gloss-recognizer", "config": config, "state_dict": self.state_dict()}

    @classmethod
    def from_checkpoint(cls, path) -> "GlossRecognizer":
        data = torch.load(path, map_location="cpu", weights_only=True)
        if data.get("kind") != "gloss-recognizer":
            raise ValueError(f"{path}: not a gloss recogniser checkpoint ({data.get('kind')!r})")
        config = dict(data["config"])
        config["dilations"] = tuple(config["dilations"])
        model = cls(GlossRecognizerConfig(**config))
        model.load_state_dict(data["state_dict"])
        return model.eval()


def gloss_error_rate(references: list[list[str]], hypotheses: list[list[str]]) -> float:
    """Total edit distance over gloss sequences / total reference glosses (WER over glosses)."""
    errors = sum(Levenshtein.distance(r, h) for r, h in zip(references, hypotheses))
    return errors / max(1, sum(len(r) for r in references))


def gloss_errors(references: list[list[str]], hypotheses: list[list[str]]) -> dict[str, int]:
    """The edits behind the GER by kind (substitute / delete / insert)."""
    counts = {"substitute": 0, "delete": 0, "insert": 0}
    for ref, hyp in zip(references, hypotheses):
        for op in Levenshtein.editops(ref, hyp):
            counts[op.tag.replace("replace", "substitute")] += 1
    return counts
