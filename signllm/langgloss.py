"""Gloss front-ends (text -> gloss tokens) and LangGloss (a language tag before every token).

LangGloss (SignLLM's Prompt2LangGloss, docs/model.md) is that model's intermediate input:
"ASL H-E-L-L-O ASL W-O-R-L-D" - the SignLLM name of the language before each gloss token.

A checkpoint records the front-end it was trained with; the generator turns user text into
gloss with the same one:
- "given":       the text already is gloss (space-separated tokens), used as is;
- "words":       upper-cased words (signllm.text: ß -> SS, Turkish i -> İ), punctuation dropped;
- "fingerspell": `signllm.fingerspelling.spell_gloss` ("H-E-L-L-O W-O-R-L-D");
- "pseudogloss": `signllm.pseudogloss.pseudo_gloss` (Sign2GPT-style lemmas), upper-cased;
- "lexicon":     the lexicon generator's plan gloss (`signllm.lexicon.LexiconGenerator.plan`, the
                 built-in notated signs, else fingerspelling): "Kind Apfel kochen ." ->
                 "KIND APFEL KOCHEN .", "Anna" -> "A-N-N-A"; the gloss the lexical corpus writes
                 (training/corpus/lexical.py plans its DSGS-ordered sign words the same way), so
                 a model trained on that corpus's `.gloss` reads user text as the corpus did.
                 A token that already is a fingerspelled gloss (`Z-Ü-R-I-CH`) or a sign gloss
                 the word tokenizer would cut (`WO?`) is kept as it is, so a corpus gloss maps to
                 itself. It does not translate: German word order and words without a sign
                 (articles) stay, spelled, as the lexicon generator signs them.
The last three are imported by name when used, so this module stays light.
"""
from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Callable

from .errors import BadInputError
from .languages import LANGUAGES, Language, get_language
from .text import gloss_upper, nfc, words

_TAGS = {lang.signllm_name: lang for lang in LANGUAGES}


def _given(text: str, language: Language) -> list[str]:
    return text.split()


def _words(text: str, language: Language) -> list[str]:
    return [gloss_upper(w, language.spoken) for w in words(text)]


def _fingerspell(text: str, language: Language) -> list[str]:
    return importlib.import_module("signllm.fingerspelling").spell_gloss(text, language.code).split()


def _pseudogloss(text: str, language: Language) -> list[str]:
    tokens = importlib.import_module("signllm.pseudogloss").pseudo_gloss(text, language.spoken)
    return [gloss_upper(t, language.spoken) for t in tokens]


_SPELLED = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)+$")


def is_spelled(token: str) -> bool:
    """A fingerspelled gloss token: two or more upper-case letter units joined by hyphens."""
    return bool(_SPELLED.match(token)) and token == token.upper()


@lru_cache(maxsize=1)
def _planner():
    # the built-in notated lexicon + fingerspelling, no face (only the plan's gloss is used)
    return importlib.import_module("signllm.lexicon").LexiconGenerator(face=False)


@lru_cache(maxsize=16)
def _split_glosses(code: str) -> frozenset[str]:
    """Sign glosses of the language that the word tokenizer would cut apart (`WO?`)."""
    text = importlib.import_module("signllm.text")
    return frozenset(sign.gloss for lexicon in _planner().notated(get_language(code))
                     for sign in lexicon.signs
                     if sign.signed_language == code and text.tokens(sign.gloss) != [sign.gloss])


def _lexicon(text: str, language: Language) -> list[str]:
    planner = _planner()
    kept = _split_glosses(language.code)
    out: list[str] = []
    run: list[str] = []

    def flush():
        if run:
            out.extend(planner.plan(" ".join(run), language, planner.fps, None).gloss.split())
            run.clear()

    for chunk in text.split():
        if is_spelled(chunk) or chunk in kept:
            flush()
            out.append(chunk)
        else:
            run.append(chunk)
    flush()
    return out


FRONTENDS: dict[str, Callable[[str, Language], list[str]]] = {
    "given": _given, "words": _words, "fingerspell": _fingerspell, "pseudogloss": _pseudogloss,
    "lexicon": _lexicon,
}


def gloss_tokens(text: str, language: str | Language, frontend: str = "given") -> list[str]:
    """Text -> gloss tokens with the named front-end (NFC-normalised)."""
    if frontend not in FRONTENDS:
        raise BadInputError(f"unknown gloss front-end {frontend!r}; choose from {', '.join(FRONTENDS)}")
    return FRONTENDS[frontend](nfc(text), get_language(language))


def to_langgloss(gloss_tokens: list[str] | str, language: str | Language) -> str:
    """["H-E-L-L-O", "W-O-R-L-D"], "ase" -> "ASL H-E-L-L-O ASL W-O-R-L-D"."""
    tokens = gloss_tokens.split() if isinstance(gloss_tokens, str) else list(gloss_tokens)
    tag = get_language(language).signllm_name
    return " ".join(f"{tag} {t}" for t in tokens)


def from_langgloss(langgloss: str) -> tuple[list[str], Language | None]:
    """Inverse of `to_langgloss`: (gloss tokens, language), language None for an empty input."""
    parts = langgloss.split()
    if len(parts) % 2:
        raise BadInputError(f"LangGloss must alternate tag and token, got {len(parts)} items")
    tags, tokens = parts[0::2], parts[1::2]
    unknown = sorted(set(tags) - set(_TAGS))
    if unknown:
        raise BadInputError(f"LangGloss has unknown language tag(s) {', '.join(unknown)}")
    if len(set(tags)) > 1:
        raise BadInputError(f"LangGloss mixes languages {', '.join(sorted(set(tags)))}")
    return tokens, (_TAGS[tags[0]] if tags else None)
