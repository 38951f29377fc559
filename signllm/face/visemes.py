"""Phonemes -> viseme classes -> ARKit blendshape weights.

Why visemes: many phonemes look alike on the lips (p/b/m, t/d/n), and mouthing in sign
languages is a reduced, silent articulation of the spoken word, so a small set of mouth shapes
carries it. The classes are the 15 of the widely used lip-sync set (sil, PP, FF, TH, DD, kk, CH,
SS, nn, RR, aa, E, I, O, U); each has one ARKit weight template (`TEMPLATES`, our own values:
jaw opening, lip rounding, spreading, closure).

Two inputs reach the same classes:
- IPA segments from `phonemes.phonemize` (espeak-ng): `ipa_visemes`;
- SAMPA, the notation of a gestural SiGML `mouth_picture` (e.g. NGT "tvInt@x"): `sampa_visemes`
  reads it into IPA first.
Diphthongs and affricates become two visemes (aɪ -> aa, I); length, nasal and other diacritics
do not change the class; h and the glottal stop have no shape of their own (the lips are already
on the next sound). A segment with no class is skipped and named in the result, never an
error.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

VISEMES = ("sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "I", "O", "U")
VOWELS = frozenset({"aa", "E", "I", "O", "U"})

# ARKit weights of each viseme's mouth shape (names as in `arkit.ARKIT_NAMES`).
TEMPLATES: dict[str, dict[str, float]] = {
    "sil": {},
    "PP": {"mouthClose": 0.35, "mouthPress_L": 0.45, "mouthPress_R": 0.45, "mouthRollLower": 0.15,
           "mouthRollUpper": 0.1},
    "FF": {"jawOpen": 0.08, "mouthRollLower": 0.55, "mouthUpperUp_L": 0.2, "mouthUpperUp_R": 0.2},
    "TH": {"jawOpen": 0.18, "tongueOut": 0.35, "mouthStretch_L": 0.1, "mouthStretch_R": 0.1},
    "DD": {"jawOpen": 0.2, "mouthStretch_L": 0.12, "mouthStretch_R": 0.12},
    "kk": {"jawOpen": 0.28, "mouthStretch_L": 0.18, "mouthStretch_R": 0.18},
    "CH": {"jawOpen": 0.15, "mouthFunnel": 0.5, "mouthPucker": 0.25, "mouthShrugUpper": 0.25},
    "SS": {"jawOpen": 0.05, "mouthStretch_L": 0.3, "mouthStretch_R": 0.3, "mouthSmile_L": 0.15,
           "mouthSmile_R": 0.15},
    "nn": {"jawOpen": 0.14, "mouthClose": 0.05, "mouthShrugLower": 0.1},
    "RR": {"jawOpen": 0.15, "mouthFunnel": 0.3, "mouthPucker": 0.2},
    "aa": {"jawOpen": 0.7, "mouthLowerDown_L": 0.3, "mouthLowerDown_R": 0.3, "mouthFunnel": 0.05},
    "E": {"jawOpen": 0.4, "mouthStretch_L": 0.3, "mouthStretch_R": 0.3, "mouthSmile_L": 0.2,
          "mouthSmile_R": 0.2},
    "I": {"jawOpen": 0.18, "mouthSmile_L": 0.45, "mouthSmile_R": 0.45, "mouthStretch_L": 0.3,
          "mouthStretch_R": 0.3},
    "O": {"jawOpen": 0.45, "mouthFunnel": 0.6, "mouthPucker": 0.2},
    "U": {"jawOpen": 0.15, "mouthPucker": 0.7, "mouthFunnel": 0.35},
}
# Sounds made behind the lips (h, the glottal stop): the mouth already takes the next shape.
TRANSPARENT = frozenset("hɦʔ")
MOUTH_NAMES: tuple[str, ...] = tuple(sorted({n for t in TEMPLATES.values() for n in t}))

# One IPA symbol (base letter, diacritics stripped) -> its viseme class.
IPA: dict[str, str] = {
    **dict.fromkeys("pbmɓ", "PP"),
    **dict.fromkeys("fvɱʋɸβ", "FF"),
    **dict.fromkeys("θð", "TH"),
    **dict.fromkeys("tdɗʈɖcɟɾɽ", "DD"),
    **dict.fromkeys("kgɡqɢxɣχʁħʕŋɴ", "kk"),
    **dict.fromkeys("ʃʒɕʑçʝ", "CH"),
    **dict.fromkeys("szʂʐɬɮ", "SS"),
    **dict.fromkeys("nɲɳlɫʎɭjɥʟ", "nn"),
    **dict.fromkeys("rɹɻʀɚɝ", "RR"),
    **dict.fromkeys("aɑɐæɒäɶ", "aa"),
    **dict.fromkeys("eɛəɜɞœʌɘɵ", "E"),
    **dict.fromkeys("iɪyʏɨɯ", "I"),
    **dict.fromkeys("oɔø", "O"),
    **dict.fromkeys("uʊwɰ", "U"),
}

# SAMPA (as in gestural SiGML mouth pictures; X-SAMPA for the few multi-character symbols) -> IPA.
# Longest symbols first when reading.
SAMPA: dict[str, str] = {
    "tS": "tʃ", "dZ": "dʒ", "E_i": "ɛi", "9y": "œy", "Ei": "ɛi", "Au": "ɑu", "Ou": "ɔu",
    "S": "ʃ", "Z": "ʒ", "N": "ŋ", "T": "θ", "D": "ð", "@": "ə", "E": "ɛ", "I": "ɪ", "O": "ɔ",
    "U": "ʊ", "Y": "ʏ", "2": "ø", "9": "œ", "A": "ɑ", "V": "ʌ", "{": "æ", "R": "ʁ", "G": "ɣ",
    "C": "ç", "J": "ɲ", "L": "ʎ", "X": "χ", "K": "ɬ", "4": "ɾ", "5": "ɫ", "3": "ɜ", "6": "ɐ",
    "Q": "ɒ", "H": "ɥ", "?": "ʔ", "}": "ʉ", "1": "ɨ", "M": "ɯ", "7": "ɤ", "8": "ɵ", "&": "ɶ",
    "B": "β", "P": "ʋ",
    **{c: c for c in "abcdefghijklmnopqrstuvwxyz"},
}
_SAMPA_MARKS = ":~_=`'\"%."   # length, nasal, tie, syllabic, stress, …: no class of their own
_SAMPA_KEYS = sorted(SAMPA, key=len, reverse=True)


@dataclass(frozen=True)
class VisemeString:
    visemes: tuple[str, ...]         # classes in order, one per articulated sound
    vowel: tuple[bool, ...]          # whether each comes from a vowel (for timing)
    long: tuple[bool, ...]           # a long sound (ː, :) takes more time
    skipped: tuple[str, ...] = ()    # segments with no class


def _base(segment: str) -> str:
    """Letters of an IPA segment without diacritics (ɑ̃ː -> ɑ, kʰ -> k)."""
    out = []
    for char in segment:
        if char in IPA:          # ç is a letter of its own, not c + cedilla
            out.append(char)
            continue
        out += [c for c in unicodedata.normalize("NFD", char)
                if not unicodedata.combining(c) and c not in "ːˑʰʲʷˠˤʼ"]
    return "".join(out)


def ipa_visemes(segments) -> VisemeString:
    """IPA phoneme segments (e.g. from `phonemize`) -> viseme classes in the same order."""
    visemes, vowel, long, skipped = [], [], [], []
    for segment in segments:
        is_long = "ː" in segment
        found = False
        if _base(segment) and set(_base(segment)) <= TRANSPARENT:
            continue
        for char in _base(segment):
            cls = IPA.get(char)
            if cls is None:
                continue
            found = True
            visemes.append(cls)
            vowel.append(cls in VOWELS)
            long.append(is_long)
        if not found:
            skipped.append(segment)
    return VisemeString(tuple(visemes), tuple(vowel), tuple(long), tuple(skipped))


def sampa_to_ipa(text: str) -> tuple[str, ...]:
    """A SAMPA string -> IPA segments (length marks kept as ː; other marks dropped)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == ":" and out:
            out[-1] += "ː"
            i += 1
            continue
        if char in _SAMPA_MARKS or char.isspace():
            i += 1
            continue
        key = next((k for k in _SAMPA_KEYS if text.startswith(k, i)), None)
        if key is None:
            out.append(char)        # unknown: kept, so `ipa_visemes` reports it as skipped
            i += 1
        else:
            out.append(SAMPA[key])
            i += len(key)
    return tuple(out)


def sampa_visemes(text: str) -> VisemeString:
    """A SAMPA mouth picture (gestural SiGML `mouth_picture`) -> viseme classes in order."""
    return ipa_visemes(sampa_to_ipa(text))


def merge_repeats(string: VisemeString) -> VisemeString:
    """Consecutive equal classes as one mouth shape held longer (n-d in "Kinder": one DD/nn)."""
    visemes, vowel, long = [], [], []
    for v, w, l in zip(string.visemes, string.vowel, string.long):
        if visemes and visemes[-1] == v:
            long[-1] = True
            continue
        visemes.append(v)
        vowel.append(w)
        long.append(l)
    return VisemeString(tuple(visemes), tuple(vowel), tuple(long), string.skipped)
