"""The text rules every front-end shares: normalisation, words, case, language-specific letters.

Why one module: the lexicon generator, the SignLLM gloss front-ends, pseudo-glosses, prompts and
the sign lexicon must read "Straße", "İstanbul" or "안녕 친구" alike, or one generator signs a
word the other splits, spells or matches differently.

- Text is NFC-normalised before anything else (a decomposed "ü" is one letter).
- A word is a run of letters/digits with inner apostrophes kept ("don't", "dell'anno");
  underscores separate words (gloss variants such as GUTEN_MORGEN).
- Upper case has two uses. Glosses are written upper-case as the language writes it: German
  ß -> SS ("STRASSE"), Turkish/Azeri i -> İ and ı -> I (`gloss_upper`). Fingerspelling keeps
  one character per letter (`letter_upper`): ß stays ß, so an alphabet with a ß sign (DGS)
  signs it, and one without (DSGS: Swiss spelling writes ss) transliterates it.
- Matching keys (`fold`) are case-free: casefold (ß -> ss, so "Gruß" matches the Swiss "Gruss")
  with the Turkish İ folded to i, not to i + a combining dot that would split the word.
- Korean (Hangul) has no case: every rule leaves it as it is.
"""
from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
PAUSE_MARKS = ".,!?;:"    # punctuation that is signed as a pause
TOKEN = re.compile(WORD.pattern + "|[" + re.escape(PAUSE_MARKS) + "]")
# what a POS tagger reads: words with inner hyphens too, and every other visible character
TAGGER_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*|[^\w\s]")
HANGUL = "\uac00-\ud7a3"  # precomposed Hangul syllables
_DOTTED_I = ("tr", "az")  # spoken languages with dotted/dotless i as two letters


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def words(text: str) -> list[str]:
    return WORD.findall(nfc(text))


def tokens(text: str) -> list[str]:
    """Words and the punctuation marks that are signed as pauses, in order."""
    return TOKEN.findall(nfc(text))


def _dotted(text: str, spoken: str) -> str:
    return text.replace("i", "İ").replace("ı", "I") if spoken in _DOTTED_I else text


def gloss_upper(text: str, spoken: str) -> str:
    """Upper case for a gloss: "Straße" -> "STRASSE", Turkish "istanbul" -> "İSTANBUL"."""
    return _dotted(text, spoken).upper()


def letter_upper(text: str, spoken: str) -> str:
    """Upper case letter by letter, for spelling: a letter without a one-letter capital (ß)
    stays as it is; Turkish/Azeri dotted i as in `gloss_upper`."""
    return "".join(c if len(c.upper()) != 1 else c.upper() for c in _dotted(text, spoken))


def lower(text: str, spoken: str) -> str:
    """Lower case as the language writes it (Turkish/Azeri İ -> i, I -> ı)."""
    if spoken in _DOTTED_I:
        text = text.replace("İ", "i").replace("I", "ı")
    return text.lower()


def fold(text: str) -> str:
    """Case-free matching form: "Gruß" -> "gruss", "İstanbul" -> "istanbul"."""
    return nfc(text).replace("İ", "i").casefold()


def phrase_key(text: str) -> str:
    """A phrase as matched: its folded words joined by single spaces."""
    return " ".join(WORD.findall(fold(text)))


def has_hangul(text: str) -> bool:
    return re.search(f"[{HANGUL}]", text) is not None
