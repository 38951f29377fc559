"""Frozen word-vector prototypes for the pseudo-gloss head, made offline.

Sign2GPT uses pretrained word vectors. None can be downloaded here and no package on these
machines ships multilingual static vectors (spaCy's small pipelines have none), so each gloss
gets fastText's subword idea without the training: the normalised sum of fixed pseudo-random
vectors of its character 3-5-grams (seeded by a stable hash). Glosses that share stems
("regen", "regenmenge") get similar prototypes; unrelated words are nearly orthogonal. The
vectors depend only on the word, so they are reproducible across runs and machines.
"""
from __future__ import annotations

import hashlib

import numpy as np


def _ngrams(word: str, low: int = 3, high: int = 5) -> list[str]:
    padded = f"<{word}>"
    grams = [padded]  # the whole word, as fastText does
    for n in range(low, high + 1):
        grams += [padded[i:i + n] for i in range(len(padded) - n + 1)]
    return grams


def _gram_vector(gram: str, dim: int) -> np.ndarray:
    seed = int.from_bytes(hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest(), "little")
    return np.random.default_rng(seed).standard_normal(dim)


def word_vectors(words: list[str], dim: int) -> np.ndarray:
    """(len(words), dim) float32 unit vectors."""
    out = np.zeros((len(words), dim), np.float64)
    for i, word in enumerate(words):
        out[i] = sum(_gram_vector(g, dim) for g in _ngrams(word))
        out[i] /= np.linalg.norm(out[i]) or 1.0
    return out.astype(np.float32)
