"""Question-style prompts -> (sentence to sign, sign language).

"How do you sign 'hello' in ASL?" -> ParsedPrompt("hello", ase, was_prompt=True).

1. The sentence is the quoted span: '…', "…", ‘…’, “…”, „…“, «…», ‹…›, 「…」, 『…』. A straight
   quote only opens after a space/bracket/start and only closes before a space, punctuation,
   the end or a Korean particle ('{}'이, '{}'의), so apostrophes inside the sentence ("I don't
   know") survive; if that finds nothing, a closing quote may be followed by letters (Turkish
   suffixes: 'merhaba'yı). No quote: with learned `frames` (signllm.prompt_frames, e.g. from
   a Prompt2LangGloss checkpoint) the sentence is the span between known template contexts
   ("How do you sign good morning?"); otherwise, or when no frame fits, the whole text is the
   sentence (plain text).
2. The sign language: one named explicitly outside the sentence (ISO codes, SignLLM names,
   common acronyms such as DGS/LIS/LSF/TİD, English and native names such as "Deutsche
   Gebärdensprache", "langue des signes française", "lingua dei segni italiana", "Türk İşaret Dili",
   "한국 수어") wins; else the `language` argument; else, for a prompt, the sign language of
   the prompt's spoken language (English -> ASL, German -> GSL/DGS, French -> LSF-CH,
   Italian -> LIS-CH, Spanish -> LSA, Korean -> KSL, Turkish -> TSL), detected from common
   words of each language (no template is read at run time).
   Prompt2Sign's GSL and DSGS template files are identical and its LSA templates are English,
   so only an explicit mention (or the language argument) tells DSGS from GSL and LSA from ASL.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from .errors import BadInputError
from .languages import Language, get_language
from .prompt_frames import PromptFrames
from .text import HANGUL, WORD, fold, has_hangul, nfc


@dataclass(frozen=True)
class ParsedPrompt:
    sentence: str
    language: Language
    was_prompt: bool


_PAIRS = [("“", "”"), ("„", "“"), ("„", "”"), ("«", "»"), ("‹", "›"), ("「", "」"),
          ("『", "』"), ("‘", "’"), ("‚", "‘")]
_OPEN = r"(?:(?<=^)|(?<=[\s(\[:,¿¡]))"
_STRICT_CLOSE = rf"(?=$|[\s?.!,;:)\]]|[{HANGUL}])"
_STRAIGHT = [re.compile(_OPEN + q + r"(.+?)" + q + _STRICT_CLOSE) for q in ("'", '"')]
_RELAXED = [re.compile(_OPEN + q + r"(.+?)" + q + r"(?=\w)") for q in ("'", '"')]
_BRACKETED = [re.compile(re.escape(a) + r"(.+?)" + re.escape(b)) for a, b in _PAIRS]

# Names of sign languages, longest first when matched. Lower-case keys are matched
# case-insensitively as phrases; acronyms (upper case) as whole words in their given case.
_NAMES = {
    "gsg": ["deutsche gebärdensprache", "german sign language", "langue des signes allemande",
            "lingua dei segni tedesca", "lengua de señas alemana", "독일 수어", "alman işaret dili",
            "DGS", "GSL"],
    "sgg": ["deutschschweizer gebärdensprache", "schweizerdeutsche gebärdensprache",
            "swiss-german sign language", "swiss german sign language", "DSGS"],
    "ssr": ["langue des signes française", "langue des signes suisse romande",
            "swiss-french sign language", "swiss french sign language", "french sign language",
            "LSF-CH", "LSF"],
    "slf": ["lingua dei segni italiana", "lingua dei segni della svizzera italiana", "swiss-italian sign language",
            "swiss italian sign language", "italian sign language", "LIS-CH", "LIS"],
    "aed": ["lengua de señas argentina", "lengua de signos argentina", "argentine sign language",
            "argentinian sign language", "LSA"],
    "kvk": ["한국 수어", "한국수어", "한국 수화", "한국수화", "korean sign language", "KSL"],
    "tsm": ["türk işaret dili", "turkish sign language", "TİD", "TID", "TSL"],
    "ase": ["american sign language", "amerikanische gebärdensprache",
            "langue des signes américaine", "lengua de señas americana", "미국 수어", "ASL"],
}
_CODES = ["ase", "gsg", "sgg", "ssr", "slf", "aed", "kvk", "tsm"]

# Common words of each spoken language in question-style prompts (hand-written, not templates).
_SPOKEN_WORDS = {
    "en": "how what can could would you me the in is do does sign language signed show teach "
          "want learn say please",
    "de": "wie was kannst können könnten sie mir man die der das in ist gebärdensprache "
          "zeigen ich möchte gebärdet bitte wird",
    "fr": "comment quoi pouvez peux vous me en la le les des est langue signes montrer je "
          "voudrais dit",
    "it": "come cosa puoi può potresti mi in la il lingua dei segni si mostrare vorrei dice",
    "es": "cómo como qué puedes puede me en la el lengua señas se mostrar quiero dice",
    "tr": "nasıl ne bana için işaret dili dilinde misiniz gösterebilir istiyorum söylenir",
}
SIGN_FOR_SPOKEN = {"en": "ase", "de": "gsg", "fr": "ssr", "it": "slf", "es": "aed",
                   "ko": "kvk", "tr": "tsm"}


def _quoted(text: str) -> tuple[str, tuple[int, int]] | None:
    for patterns in (_BRACKETED + _STRAIGHT, _RELAXED):
        found = [m for p in patterns for m in [p.search(text)] if m and m.group(1).strip()]
        if found:
            first = min(found, key=lambda m: m.start())
            return first.group(1).strip(), first.span()
    return None


def mentioned_language(text: str) -> Language | None:
    """The sign language named in `text`, if any (the earliest mention)."""
    hits = []
    folded = fold(text)
    for code, names in _NAMES.items():
        for name in names:
            if name.isupper() or "-" in name and name.upper() == name:
                for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
                    hits.append((m.start(), -len(name), code))
            else:
                for m in re.finditer(rf"(?<!\w){re.escape(fold(name))}", folded):
                    hits.append((m.start(), -len(name), code))
    for code in _CODES:
        for m in re.finditer(rf"(?<![\w-]){code}(?![\w-])", text):
            hits.append((m.start(), -len(code), code))
    return get_language(min(hits)[2]) if hits else None


def spoken_language(text: str) -> str | None:
    """ISO 639-1 of the prompt's spoken language, from its common words (None if unsure)."""
    if has_hangul(text):
        return "ko"
    words = WORD.findall(fold(text))
    scores = {lang: sum(w in vocab.split() for w in words) for lang, vocab in _SPOKEN_WORDS.items()}
    if re.search(r"[ışğİ]", text):
        scores["tr"] += 2
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else None


def parse_prompt(text: str, language: str | Language | None = None,
                 frames: PromptFrames | Callable[[], PromptFrames | None] | None = None
                 ) -> ParsedPrompt:
    """Split a prompt or plain text into the sentence to sign and its sign language.

    `frames` may be a function that loads them: it is called only for unquoted text (loading a
    checkpoint's frames costs a torch import that a quoted prompt never needs).
    """
    text = nfc(text or "").strip()
    if not text:
        raise BadInputError("nothing to sign: the text is empty")
    quoted = _quoted(text)
    if quoted is None and callable(frames):
        frames = frames()
    if quoted is None and frames:
        span = frames.find(text)
        if span is not None:
            quoted = text[span[0]:span[1]].strip(), span
    if quoted is None:
        sentence, rest, was_prompt = text, "", False
    else:
        sentence, (a, b) = quoted
        rest, was_prompt = text[:a] + " " + text[b:], True
    found = mentioned_language(rest) if rest else None
    if found is None and language is not None:
        found = get_language(language)
    if found is None and was_prompt:
        spoken = spoken_language(rest)
        if spoken is not None:
            found = get_language(SIGN_FOR_SPOKEN[spoken])
    if found is None:
        raise BadInputError("no sign language given: name one in the prompt (e.g. \"... in "
                            "ASL?\") or pass the language (e.g. --lang ase)")
    return ParsedPrompt(sentence, found, was_prompt)
