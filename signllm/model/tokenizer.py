"""Subword tokenizer for gloss / LangGloss input, trained on the corpus and saved in the checkpoint.

HF `tokenizers` BPE. NFC normalisation (no lower-casing: Turkish ı/İ and German nouns keep their
case), Metaspace word marks so word boundaries survive, and hyphens removed as separators so a
fingerspelled gloss "H-E-L-L-O" becomes letter tokens "▁H E L L O" (unseen words still
tokenise). The eight LangGloss tags are special tokens, never split.
"""
from __future__ import annotations

import re
from typing import Iterable

import numpy as np

from ..errors import ModelError
from ..languages import LANGUAGES

PAD, UNK = "[PAD]", "[UNK]"
LANGUAGE_TAGS = [lang.signllm_name for lang in LANGUAGES]


def train_tokenizer(texts: Iterable[str], vocab_size: int = 512):
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token=UNK))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Metaspace(), pre_tokenizers.Split("-", "removed")])
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[PAD, UNK, *LANGUAGE_TAGS],
                                  show_progress=False)
    tok.train_from_iterator(list(texts), trainer)
    return tok


def tokenizer_from_json(data: str):
    from tokenizers import Tokenizer
    if not isinstance(data, str):
        raise ModelError(f"checkpoint tokenizer must be a JSON string, got {type(data).__name__}")
    try:
        return Tokenizer.from_str(data)
    except Exception as exc:  # tokenizers raises plain Exception subclasses
        raise ModelError(f"checkpoint tokenizer is unreadable: {str(exc)[:200]}") from None


def encode(tok, text: str, max_tokens: int) -> list[int]:
    """Token ids of `text`, cut to `max_tokens`; never empty (an empty input becomes [UNK])."""
    ids = tok.encode(text).ids[:max_tokens]
    return ids or [tok.token_to_id(UNK)]


_WORD, _UNIT = re.compile(r"\S+"), re.compile(r"[^-]+")


def token_durations(tok, source: str, unit_frames: list[int], max_tokens: int) -> list[int] | None:
    """Frames of each token of `source`, from the frames of each gloss unit (letters and marks
    split on spaces and hyphens; LangGloss tags are not units and get 0 frames).

    A unit split into several tokens gives its frames to the first. None when the counts do
    not match the units, or when the source is longer than `max_tokens` (frames would be lost).
    """
    spans = [(word.start() + m.start(), word.start() + m.end())
             for word in _WORD.finditer(source) if word.group() not in LANGUAGE_TAGS
             for m in _UNIT.finditer(word.group())]
    encoding = tok.encode(source)
    if len(spans) != len(unit_frames) or len(encoding.ids) > max_tokens:
        return None
    out, owner = [], 0
    taken = [False] * len(spans)
    for _, end in encoding.offsets:
        while owner < len(spans) and spans[owner][1] < end:
            owner += 1
        inside = owner < len(spans) and spans[owner][0] < end <= spans[owner][1]
        if inside and not taken[owner]:
            out.append(unit_frames[owner])
            taken[owner] = True
        else:
            out.append(0)
    return out if all(taken) else None


def word_frames(tok, source: str, durations: list[int], max_tokens: int) -> list[tuple[int, int]]:
    """Frames [start, end) of each gloss word of `source` (LangGloss tags left out), from the
    frames each of its tokens was decoded for (`token_durations` the other way round); a word
    cut off by `max_tokens` gets an empty span at the end."""
    words = [w for w in _WORD.finditer(source) if w.group() not in LANGUAGE_TAGS]
    ends = np.cumsum([0, *durations])
    spans = []
    offsets = tok.encode(source).offsets[:max_tokens]
    for word in words:
        mine = [i for i, (_, end) in enumerate(offsets) if word.start() < end <= word.end()]
        spans.append((int(ends[mine[0]]), int(ends[mine[-1] + 1])) if mine
                     else (int(ends[-1]),) * 2)
    return spans
