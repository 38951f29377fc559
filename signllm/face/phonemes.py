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
is missing. Results are cached per (word, voice). Starting the program costs ~15-20 ms, so
`prefetch` phonemises all new words of a sentence in one run (one word per line; espeak-ng
answers line by line, and when the line count does not match, words are asked one at a time).
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess

from ..errors import BadInputError, NoDataError, SignLLMError
from ..text import WORD, nfc

log = logging.getLogger(__name__)

ENGINE = "espeak-ng"
# spoken language (ISO 639-1, as `Language.spoken`) -> espeak-ng voice
VOICES = {"de": "de", "fr": "fr", "it": "it", "en": "en-us", "es": "es", "tr": "tr", "ko": "ko",
          "nl": "nl", "pl": "pl", "el": "el"}
MAX_WORD_CHARS = 40        # longer "words" are refused (German compounds stay well under it)
MAX_BATCH_WORDS = 256
TIMEOUT_S = 5.0
CACHE_SIZE = 8192
_cache: dict[tuple[str, str], tuple[str, ...]] = {}
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
    word, voice_name = check_word(word), voice(spoken)
    found = _cache.get((word, voice_name))
    if found is None:
        (line,) = _run([word], voice_name)
        found = parse(line)
        if not found:
            raise BadInputError(f"{ENGINE} gave no phonemes for {word!r}")
        _remember(word, voice_name, found)
    return found


def prefetch(words, spoken: str) -> None:
    """Phonemise the not yet cached words among `words` in one run of espeak-ng. Never raises:
    a word that fails here is asked again (and its error reported) by `phonemize`."""
    try:
        voice_name = voice(spoken)
    except NoDataError:
        return
    todo = []
    for word in words:
        try:
            word = check_word(word)
        except BadInputError:
            continue
        if (word, voice_name) not in _cache and word not in todo:
            todo.append(word)
    for start in range(0, len(todo), MAX_BATCH_WORDS):
        batch = todo[start:start + MAX_BATCH_WORDS]
        if len(batch) < 2:
            continue
        try:
            lines = _run(batch, voice_name)
        except SignLLMError:
            return
        if len(lines) != len(batch):
            log.debug("espeak-ng answered %d lines for %d words; asking one by one",
                      len(lines), len(batch))
            continue
        for word, line in zip(batch, lines):
            found = parse(line)
            if found:
                _remember(word, voice_name, found)


def clear_cache() -> None:
    _cache.clear()


def _remember(word: str, voice_name: str, phonemes: tuple[str, ...]) -> None:
    if len(_cache) >= CACHE_SIZE:
        _cache.clear()
    _cache[(word, voice_name)] = phonemes


def _run(words: list[str], voice_name: str) -> list[str]:
    """espeak-ng's output lines for `words`, one word per input line."""
    exe = engine_path()
    if exe is None:
        raise NoDataError(f"{ENGINE} is not installed (apt-get install espeak-ng; or run "
                          "./install.sh as root): words are not mouthed")
    what = repr(words[0]) if len(words) == 1 else f"{len(words)} words"
    try:
        done = subprocess.run([exe, "-q", "--ipa", "--sep=_", "-v", voice_name],
                              input="\n".join(words) + "\n", capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=TIMEOUT_S,
                              env={"PATH": os.environ.get("PATH", "")})
    except subprocess.TimeoutExpired:
        raise NoDataError(f"{ENGINE} took longer than {TIMEOUT_S:g} s for {what}") from None
    except OSError as exc:
        raise NoDataError(f"{ENGINE} could not be run ({exc.strerror or exc})") from None
    if done.returncode != 0:
        reason = (done.stderr or "").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise NoDataError(f"{ENGINE} failed for voice {voice_name!r}: {reason[0][:200]}")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return lines if len(words) > 1 else [" ".join(lines)]


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
