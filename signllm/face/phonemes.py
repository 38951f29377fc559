"""A spoken word -> its phonemes (IPA), from espeak-ng, for mouthing.

Why espeak-ng: a real rule-and-dictionary grapheme-to-phoneme engine with voices for every
spoken language the eight sign languages are written in (de, fr, it, en, es, tr, ko) and more,
packaged by Debian (`apt-get install espeak-ng`, GPL-3.0-or-later). It is run as a separate
program (`espeak-ng -q --ipa --sep=_ -v VOICE`, the word on stdin), so signllm links none of its
code; `install.sh` installs it where it can. Without it, words are reported "no mouthing" one by
one and the rest of the face (grammar, blinks) still moves.

Input is bounded (`MAX_WORD_CHARS`, letters/digits only, NFC) and passed on stdin, never as an
argument; the program runs with a timeout. Every failure is a `signllm.errors` type:
`BadInputError` for a word that cannot be phonemised, `NoDataError` when espeak-ng or its voice
is missing. Results are cached per (word, language).
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
from functools import lru_cache

from ..errors import BadInputError, NoDataError
from ..text import WORD, nfc

log = logging.getLogger(__name__)

ENGINE = "espeak-ng"
# spoken language (ISO 639-1, as `Language.spoken`) -> espeak-ng voice
VOICES = {"de": "de", "fr": "fr", "it": "it", "en": "en-us", "es": "es", "tr": "tr", "ko": "ko",
          "nl": "nl", "pl": "pl", "el": "el"}
MAX_WORD_CHARS = 40        # longer "words" are refused (German compounds stay well under it)
TIMEOUT_S = 5.0
_STRESS = "ˈˌ"
_DROP = "-‍‌.'"  # separators and marks espeak-ng prints that are not phonemes


def engine_path() -> str | None:
    """The espeak-ng executable, or None. `SIGNLLM_ESPEAK` overrides the search (tests set it to
    a missing path to see the no-mouthing path)."""
    override = os.environ.get("SIGNLLM_ESPEAK")
    if override is not None:
        return override if os.path.isfile(override) and os.access(override, os.X_OK) else None
    return shutil.which(ENGINE)


def available() -> bool:
    return engine_path() is not None


def voice(spoken: str) -> str:
    try:
        return VOICES[spoken]
    except KeyError:
        raise NoDataError(f"no grapheme-to-phoneme voice for the spoken language {spoken!r} "
                          f"(have: {', '.join(sorted(VOICES))})") from None


def check_word(word: str) -> str:
    """The word as it is phonemised (NFC), or BadInputError saying why it cannot be."""
    if not isinstance(word, str):
        raise BadInputError(f"a word must be text, got {type(word).__name__}")
    text = nfc(word).strip()
    if not text:
        raise BadInputError("empty word")
    if len(text) > MAX_WORD_CHARS:
        raise BadInputError(f"word of {len(text)} characters is longer than {MAX_WORD_CHARS}; "
                            f"not mouthed ({text[:20]!r}…)")
    if WORD.fullmatch(text) is None:
        raise BadInputError(f"{text!r} is not one word of letters or digits")
    return text


def phonemize(word: str, spoken: str) -> tuple[str, ...]:
    """The phonemes of `word` in the spoken language `spoken` (ISO 639-1), in order, as IPA
    segments without stress marks ("Kinder", "de" -> ('k', 'ɪ', 'n', 'd', 'ɜ'))."""
    return _phonemize(check_word(word), voice(spoken))


@lru_cache(maxsize=4096)
def _phonemize(word: str, voice_name: str) -> tuple[str, ...]:
    exe = engine_path()
    if exe is None:
        raise NoDataError(f"{ENGINE} is not installed (apt-get install espeak-ng; or run "
                          "./install.sh as root): words are not mouthed")
    try:
        done = subprocess.run([exe, "-q", "--ipa", "--sep=_", "-v", voice_name],
                              input=word, capture_output=True, text=True, encoding="utf-8",
                              timeout=TIMEOUT_S, env={"PATH": os.environ.get("PATH", "")})
    except subprocess.TimeoutExpired:
        raise NoDataError(f"{ENGINE} took longer than {TIMEOUT_S:g} s for {word!r}") from None
    except OSError as exc:
        raise NoDataError(f"{ENGINE} could not be run ({exc.strerror or exc})") from None
    if done.returncode != 0:
        reason = (done.stderr or "").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise NoDataError(f"{ENGINE} failed for voice {voice_name!r}: {reason[0][:200]}")
    phonemes = parse(done.stdout)
    if not phonemes:
        raise BadInputError(f"{ENGINE} gave no phonemes for {word!r}")
    return phonemes


def parse(output: str) -> tuple[str, ...]:
    """espeak-ng's `--ipa --sep=_` output -> phoneme segments: language-switch markers such as
    "(en)" dropped, stress marks and separators removed, words joined."""
    out = []
    for chunk in output.replace("\n", " ").split():
        while "(" in chunk and ")" in chunk[chunk.index("("):]:
            start = chunk.index("(")
            chunk = chunk[:start] + chunk[chunk.index(")", start) + 1:]
        for seg in chunk.split("_"):
            seg = "".join(c for c in seg if c not in _STRESS and c not in _DROP)
            if seg:
                out.append(seg)
    return tuple(out)
