"""The back-translator's subword tokenizer (HF `tokenizers` BPE), trained on the corpus texts.

No pretrained multilingual tokenizer ships in any installable package (nothing is downloaded at
run time), so it is
trained on the training split and saved inside the checkpoint as its JSON string.
"""
from __future__ import annotations

from typing import Iterable

PAD, BOS, EOS, UNK = "[PAD]", "[BOS]", "[EOS]", "[UNK]"
SPECIALS = (PAD, BOS, EOS, UNK)  # ids 0..3 in this order


def train_tokenizer(texts: Iterable[str], vocab_size: int):
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE(unk_token=UNK))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    tok.train_from_iterator(list(texts), trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=list(SPECIALS), show_progress=False))
    return tok


def tokenizer_from_json(text: str):
    from tokenizers import Tokenizer
    return Tokenizer.from_str(text)


def encode(tok, text: str, max_tokens: int) -> list[int]:
    """BOS + tokens + EOS, truncated to `max_tokens` (EOS kept last)."""
    ids = tok.encode(text).ids[:max_tokens - 2]
    return [SPECIALS.index(BOS), *ids, SPECIALS.index(EOS)]


def decode(tok, ids: Iterable[int]) -> str:
    eos = SPECIALS.index(EOS)
    kept = []
    for i in ids:
        if i == eos:
            break
        kept.append(int(i))
    return tok.decode(kept, skip_special_tokens=True).strip()
