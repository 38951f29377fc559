"""Manual alphabets: which real clips spell which letters, text -> letters, and fluent timing.

Why this module exists: the only real sign poses this project can ship with are the
fingerspelling clips of the PyPI package `spoken-to-signed` (one clip per letter). Everything
that turns text into those letters lives here, so the lexicon generator, the corpus builder and
the SignLLM model's gloss front-end (`spell_gloss`) all spell a word the same way.

Coverage is decided in `ALPHABET_SOURCES` and nowhere else: a sign language either has its own
alphabet in the package ("real"), borrows a related language's alphabet ("proxy", always
labelled), or has no data.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable

import numpy as np

from .errors import NoDataError
from .languages import Language, get_language
from .text import letter_upper, tokens

# sign language -> (clip set in spoken-to-signed, status, note shown wherever the alphabet is used)
ALPHABET_SOURCES: dict[str, tuple[str, str, str]] = {
    "ase": ("ase", "real", "American manual alphabet (spoken-to-signed clips)"),
    "gsg": ("gsg", "real", "German (DGS) manual alphabet (spoken-to-signed clips)"),
    "sgg": ("sgg", "real", "Swiss-German (DSGS) manual alphabet (spoken-to-signed clips)"),
    "tsm": ("tsm", "real", "Turkish (TID) two-handed manual alphabet (spoken-to-signed clips)"),
    "slf": ("ise", "proxy",
            "PROXY: Italian Sign Language (LIS, 'ise') alphabet. LIS-CH (Ticino) is the Swiss "
            "variety of LIS, so it uses the Italian manual alphabet; no Swiss-Italian clips exist"),
}

# Why the remaining languages have no alphabet (shown by `signllm languages` and in errors).
NO_DATA_REASONS: dict[str, str] = {
    "ssr": "spoken-to-signed has no Swiss-French alphabet; its 'fsl' rows are the ASL clips "
           "relabelled, so they are not French-Swiss signing",
    "aed": "spoken-to-signed has no Argentine alphabet, and no related alphabet is documented "
           "to match LSA's",
    "kvk": "spoken-to-signed has no Korean (Hangul) manual alphabet",
}

HOW_TO_ADD_DATA = ("add data: pass --lexicon DIR with your own recorded signs in spoken-to-signed's "
                   "layout (index.csv: path,spoken_language,signed_language,start,end,words,"
                   "glosses,priority + .pose files), or train a model on Prompt2Sign data "
                   "(python -m training.train --config ...) and pass --model CKPT")

# When an alphabet lacks a letter, spell it the way the written language itself transliterates
# it (German umlauts and sharp s), then fall back to the letter without its diacritics.
TRANSLITERATIONS = {"ß": "SS", "ẞ": "SS", "Ä": "AE", "Ö": "OE", "Ü": "UE"}

PHRASE_PUNCTUATION = ",;:"
SENTENCE_PUNCTUATION = ".!?"


@dataclass(frozen=True)
class LetterClip:
    """Where one letter's sign lies: a clip of the package and the hold cut from it."""
    unit: str            # the letter (or letter group such as SCH or LL), upper case
    path: str            # relative to the package's fingerspelling_lexicon folder
    start: int           # first frame of the hold (inclusive)
    end: int             # last frame of the hold (exclusive)
    fps: float
    hands: str           # "right", "left" or "both": which hands sign the letter
    motion_m: float      # wrist path length inside the hold (J, Z and double letters move)


@dataclass(frozen=True)
class Alphabet:
    language: str        # sign language it is used for (ISO 639-3)
    source: str          # signed_language code of the clips in spoken-to-signed
    spoken: str          # ISO 639-1 of the written language spelled
    status: str          # "real" or "proxy"
    note: str
    letters: dict[str, LetterClip] = field(hash=False, compare=False)

    @property
    def longest_unit(self) -> int:
        return max(len(u) for u in self.letters)


@dataclass
class SpelledToken:
    """One input token: a word spelled as letters, or a punctuation mark (a pause)."""
    text: str
    units: list[str]              # letters to sign; empty for punctuation
    missing: list[str]            # characters no clip could spell (reported, never hidden)
    punctuation: bool = False

    @property
    def gloss(self) -> str:
        return self.text if self.punctuation else "-".join(self.units)


@lru_cache(maxsize=1)
def _index() -> dict:
    """The bundled alphabet index (built by `python -m training.corpus.alphabets`)."""
    with resources.files("signllm.assets").joinpath("alphabets.json").open(encoding="utf-8") as f:
        return json.load(f)


def alphabet_status(language: str | Language) -> tuple[str, str]:
    """("real" | "proxy" | "none", note) for a sign language."""
    code = get_language(language).code
    if code in ALPHABET_SOURCES:
        _, status, note = ALPHABET_SOURCES[code]
        return status, note
    return "none", NO_DATA_REASONS.get(code, "no fingerspelling clips")


def get_alphabet(language: str | Language) -> Alphabet:
    """The alphabet used for a sign language; NoDataError (saying how to add data) if none."""
    lang = get_language(language)
    status, note = alphabet_status(lang)
    entry = _index().get(lang.code)
    if status == "none" or entry is None:
        raise NoDataError(f"no fingerspelling data for {lang.signllm_name} ({lang.code}): "
                          f"{note}; {HOW_TO_ADD_DATA}")
    letters = {u: LetterClip(unit=u, **clip) for u, clip in entry["letters"].items()}
    return Alphabet(lang.code, entry["source"], entry["spoken"], status, note, letters)


def covered_languages() -> list[str]:
    return [code for code in ALPHABET_SOURCES if code in _index()]


def _fallback(char: str) -> str:
    if char in TRANSLITERATIONS:
        return TRANSLITERATIONS[char]
    stripped = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return stripped if stripped != char else ""


def spell_word(word: str, alphabet: Alphabet) -> SpelledToken:
    """Greedy longest match of the alphabet's units (SCH, CH, LL, ...) over the upper-cased word.

    Letters the alphabet lacks are transliterated (Ä -> AE, é -> E); what still has no clip
    (a digit, a Q in the Turkish alphabet) is listed in `missing`, never silently dropped.
    """
    chars = letter_upper(word.replace("'", "").replace("’", ""), alphabet.spoken)
    units: list[str] = []
    missing: list[str] = []
    longest = alphabet.longest_unit
    i = 0
    while i < len(chars):
        for size in range(min(longest, len(chars) - i), 0, -1):
            piece = chars[i:i + size]
            if piece in alphabet.letters:
                units.append(piece)
                i += size
                break
        else:
            replacement = _fallback(chars[i])
            if replacement and all(c in alphabet.letters for c in replacement):
                units.extend(replacement)
            else:
                missing.append(chars[i])
            i += 1
    return SpelledToken(word, units, missing)


def spell(text: str, language: str | Language) -> list[SpelledToken]:
    alphabet = get_alphabet(language)
    spelled = []
    for token in tokens(text):
        if token in PHRASE_PUNCTUATION + SENTENCE_PUNCTUATION:
            spelled.append(SpelledToken(token, [], [], punctuation=True))
        else:
            spelled.append(spell_word(token, alphabet))
    return spelled


def spell_gloss(text: str, language: str | Language) -> str:
    """The model's gloss front-end: "Hello, world" -> "H-E-L-L-O , W-O-R-L-D".

    Words that no letter can spell are left out of the gloss (the generators report them).
    """
    return " ".join(t.gloss for t in spell(text, language) if t.punctuation or t.units)


# --------------------------------------------------------------------------- timing model

@dataclass(frozen=True)
class Timing:
    """Durations of fluent fingerspelling, in seconds.

    Sources: a letter period of ~0.28 s (hold + transition) lies between the "normal" (0.33 s)
    and "fast" (0.20 s) letter rates of the fingerspelling-intelligibility study in
    Tokushu Kyoiku Kenkyu 24(1) (JSL fingerspelling); letters that move (ASL J and Z, the
    Italian double letters) keep their movement, at the speed they have in the clip. Pauses
    between words, and longer ones at punctuation, follow the ASL animation-timing work of
    Huenerfauth and colleagues (pauses at linguistic boundaries improve comprehension;
    Al-khazraji et al., CHI EA 2020 measured users' preferred pause lengths) and
    handspeak.com's description of the brief pause between fingerspelled words; repeated
    letters glide sideways (handspeak.com, "Double Letters"). Speed varies per letter and per
    sentence because native fingerspelling rate varies within and across signers (Keane 2011,
    "Variation in segment duration in ASL fingerspelling").
    """
    hold: float = 0.16
    transition: float = 0.12
    two_hand_factor: float = 1.25   # two-handed letters (TID) are slower to form
    motion_max: float = 0.5         # cap on a moving letter's hold
    word_pause: float = 0.25
    phrase_pause: float = 0.45      # , ; :
    sentence_pause: float = 0.7     # . ! ?
    lead_in: float = 0.35           # rest -> first letter
    lead_out: float = 0.35          # last letter -> rest
    letter_jitter: float = 0.15     # each letter's duration x U(1 - j, 1 + j)
    rate_jitter: float = 0.10       # whole sentence x U(1 - j, 1 + j)
    double_glide_m: float = 0.03    # sideways glide of a repeated letter, metres


@dataclass
class Step:
    """One element of a fingerspelling schedule (frames at the output rate)."""
    kind: str                  # "letter" or "pause"
    frames: int
    transition: int = 0        # frames of movement into this step
    unit: str = ""
    glide: bool = False        # repeated letter: glide sideways


def schedule(tokens: Iterable[SpelledToken], alphabet: Alphabet, fps: float,
             timing: Timing = Timing(), rng: np.random.Generator | None = None) -> list[Step]:
    """Letters with their holds and transitions, and pauses at word boundaries and punctuation."""
    vary = rng is not None
    rate = 1.0 + (rng.uniform(-timing.rate_jitter, timing.rate_jitter) if vary else 0.0)

    def frames(seconds: float, jitter: float = 0.0) -> int:
        factor = rate * (1.0 + (rng.uniform(-jitter, jitter) if vary and jitter else 0.0))
        return max(1, int(round(seconds * factor * fps)))

    steps: list[Step] = []
    for token in tokens:
        if token.punctuation:
            pause = timing.sentence_pause if token.text in SENTENCE_PUNCTUATION else timing.phrase_pause
            if steps and steps[-1].kind == "pause":
                steps[-1].frames = max(steps[-1].frames, frames(pause))
            elif steps:
                steps.append(Step("pause", frames(pause)))
            continue
        if not token.units:
            continue
        if steps and steps[-1].kind == "letter":
            steps.append(Step("pause", frames(timing.word_pause, timing.letter_jitter)))
        previous = ""
        for unit in token.units:
            clip = alphabet.letters[unit]
            hold = timing.hold * (timing.two_hand_factor if clip.hands == "both" else 1.0)
            if clip.motion_m > 0:
                hold = max(hold, min(timing.motion_max, (clip.end - clip.start) / clip.fps))
            steps.append(Step("letter", frames(hold, timing.letter_jitter),
                              frames(timing.transition, timing.letter_jitter), unit,
                              glide=unit == previous))
            previous = unit
    while steps and steps[-1].kind == "pause":
        steps.pop()
    return steps
