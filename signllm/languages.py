"""The eight sign languages of SignLLM / Prompt2Sign, and how users may name them.

A language is named by its ISO 639-3 code everywhere inside the project; the SignLLM names
(ASL, GSL, ...), the common names (DGS, LIS, ...) and display names are accepted as aliases.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import UnsupportedLanguageError


@dataclass(frozen=True)
class Language:
    code: str            # ISO 639-3 of the sign language
    signllm_name: str    # the name used by SignLLM / Prompt2Sign file names
    name: str            # display name
    spoken: str          # ISO 639-1 of the spoken language its texts are in
    source: str          # where Prompt2Sign took its data from
    aliases: tuple[str, ...] = ()


LANGUAGES: tuple[Language, ...] = (
    Language("ase", "ASL", "American Sign Language", "en", "How2Sign (continuous)"),
    Language("gsg", "GSL", "German Sign Language", "de", "RWTH-PHOENIX-Weather-2014T (continuous)",
             ("DGS",)),
    Language("sgg", "DSGS", "Swiss-German Sign Language", "de", "SignSuisse lexicon (isolated)"),
    Language("ssr", "LSF-CH", "Swiss-French Sign Language", "fr", "SignSuisse lexicon (isolated)"),
    Language("slf", "LIS-CH", "Swiss-Italian Sign Language", "it", "SignSuisse lexicon (isolated)"),
    Language("aed", "LSA", "Argentine Sign Language", "es", "LSA64 (isolated)"),
    Language("kvk", "KSL", "Korean Sign Language", "ko", "KSL dataset (isolated)"),
    Language("tsm", "TSL", "Turkish Sign Language", "tr", "AUTSL (isolated)"),
)

_BY_KEY: dict[str, Language] = {}
for _lang in LANGUAGES:
    for _key in (_lang.code, _lang.signllm_name, _lang.name, *_lang.aliases):
        _BY_KEY[_key.casefold()] = _lang


def get_language(name: str | Language) -> Language:
    """Resolve a code, SignLLM name, alias or display name (case-insensitive)."""
    if isinstance(name, Language):
        return name
    found = _BY_KEY.get(str(name).strip().casefold())
    if found is None:
        known = ", ".join(f"{lang.code} ({lang.signllm_name})" for lang in LANGUAGES)
        raise UnsupportedLanguageError(f"unknown sign language {name!r}; supported: {known}")
    return found


def language_codes() -> list[str]:
    return [lang.code for lang in LANGUAGES]
