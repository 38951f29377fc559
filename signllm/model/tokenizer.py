"""Subword tokenizer for gloss / LangGloss input, trained on the corpus and saved in the checkpoint.

HF `tokenizers` BPE. NFC normalisation (no lower-casing: Turkish ı/İ and German nouns keep their
case), Metaspace word marks so word boundaries survive, and hyphens removed as separators so a
fingerspelled gloss "H-E-L-L-O" becomes letter tokens "▁H E L L O" (unseen words still
tokenise). The eight LangGloss tags are special tokens, never split.
"""
from __future__ import annotations

from typing import Iterable

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
    try:
        return Tokenizer.from_str(data)
    except Exception as exc:  # tokenizers raises plain Exception subclasses
        raise ModelError(f"checkpoint tokenizer is unreadable: {exc}") from None


def encode(tok, text: str, max_tokens: int) -> list[int]:
    """Token ids of `text`, cut to `max_tokens`; never empty (an empty input becomes [UNK])."""
    ids = tok.encode(text).ids[:max_tokens]
    return ids or [tok.token_to_id(UNK)]
