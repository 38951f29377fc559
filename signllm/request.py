"""One request path: text or a prompt, a language, a generator and a mode -> what is signed.

Why one module: `signllm generate` and the gRPC server must read a prompt the same way, pick the
same language and mode, and refuse the same uncovered languages, so both call `resolve` and then
hand `Request.sentence` and `Request.language` to the generator's `stream` (one meaning of
`stream`: signllm.generation). The prompt is parsed here once; prompt frames are read only for
unquoted text, from the bundled JSON (no torch) or from a checkpoint the caller already loaded.
"""
from __future__ import annotations

from dataclasses import dataclass

from .coverage import Coverage, coverage, no_data_message
from .errors import BadInputError, NoDataError
from .generation import DEFAULT_GENERATOR, GENERATORS, MODES
from .languages import Language, get_language
from .prompt_frames import PromptFrames, bundled_frames
from .prompts import parse_prompt

_PROMPT_MARKS = ("'", '"', "?", "«", "„")


@dataclass(frozen=True)
class Request:
    sentence: str        # what is signed: every generator's `stream` receives this
    language: Language
    generator: str       # a name in signllm.generation.GENERATORS
    mode: str            # SignLLM mode ("mlsf" | "prompt"); "" for the lexicon generator
    coverage: Coverage
    was_prompt: bool     # the sentence was taken out of a prompt


def looks_like_prompt(text: str) -> bool:
    """Quotes or a question mark: worth parsing as a prompt even when the language is given."""
    return any(mark in text for mark in _PROMPT_MARKS)


def resolve(text: str, language: str | Language | None = None, *,
            generator: str = DEFAULT_GENERATOR, mode: str | None = None,
            prompt: bool | None = None, frames: PromptFrames | None = None,
            custom_model: bool = False) -> Request:
    """Resolve one request; raises BadInputError / UnsupportedLanguageError / NoDataError.

    `prompt`: True (the server's `prompt` field) or False (its `text` field) say whether to parse
    the text as a prompt; None parses it when no language is given, the mode is "prompt" or it
    looks like one (the CLI). `mode` None: "prompt" for a prompt, else "mlsf". `frames` read
    unquoted prompts, default the bundled ones; `custom_model` (a user's checkpoint) skips the
    check that a bundled model covers the language.
    """
    if generator not in GENERATORS:
        raise BadInputError(f"unknown generator {generator!r}; choose from {', '.join(GENERATORS)}")
    if mode is not None and mode not in MODES:
        raise BadInputError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    lang = get_language(language, notated=generator == "lexicon") if language else None
    sentence, was_prompt = text, False
    if prompt is None:
        prompt = mode == "prompt" or lang is None or looks_like_prompt(text)
    if prompt:
        parsed = parse_prompt(text, lang, frames if frames is not None else bundled_frames)
        sentence, was_prompt = parsed.sentence, parsed.was_prompt
        lang = lang or parsed.language
    if lang is None:
        raise BadInputError("no sign language: pass one (e.g. --lang ase, or 'language' in a "
                            "request), or name it in the prompt (\"How do you sign 'hello' in ASL?\")")
    if not sentence.strip():
        raise BadInputError("nothing to sign: the text is empty")
    mode = mode or ("prompt" if was_prompt else "mlsf")
    cov = coverage(lang)
    if generator == "signllm" and not custom_model and mode not in cov.models:
        raise NoDataError(no_data_message(lang))
    return Request(sentence, lang, generator, mode if generator == "signllm" else "", cov,
                   was_prompt)
