"""The eight sign languages of SignLLM / Prompt2Sign, and how users may name them.

A language is named by its ISO 639-3 code everywhere inside the project; the SignLLM names
(ASL, GSL, ...), the common names (DGS, LIS, ...) and display names are accepted as aliases.

Beyond the eight, `NOTATED_ONLY` names sign languages whose notated lexicons users may bring
(NGT's gestural SiGML, the Ham2Pose HamNoSys sets): no model, clip or alphabet covers them, so
they work only with the lexicon generator and a lexicon that names them (`notated=True`).
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

NOTATED_ONLY: tuple[Language, ...] = (
    Language("dse", "NGT", "Sign Language of the Netherlands", "nl", "a user's notated lexicon"),
    Language("pso", "PJM", "Polish Sign Language", "pl", "a user's notated lexicon"),
    Language("gss", "GSL-GR", "Greek Sign Language", "el", "a user's notated lexicon"),
    Language("fsl", "LSF", "French Sign Language", "fr", "a user's notated lexicon"),
    Language("bfi", "BSL", "British Sign Language", "en", "a user's notated lexicon"),
)


def _keys(languages: tuple[Language, ...]) -> dict[str, Language]:
    return {key.casefold(): lang for lang in languages
            for key in (lang.code, lang.signllm_name, lang.name, *lang.aliases)}


_BY_KEY = _keys(LANGUAGES)
_NOTATED_BY_KEY = _keys(NOTATED_ONLY)


def get_language(name: str | Language, *, notated: bool = False) -> Language:
    """Resolve a code, SignLLM name, alias or display name (case-insensitive); `notated` also
    accepts the `NOTATED_ONLY` languages (the lexicon generator with a user's lexicon)."""
    if isinstance(name, Language):
        return name
    key = str(name).strip().casefold()
    found = _BY_KEY.get(key) or (_NOTATED_BY_KEY.get(key) if notated else None)
    if found is None:
        known = ", ".join(f"{lang.code} ({lang.signllm_name})" for lang in LANGUAGES)
        other = _NOTATED_BY_KEY.get(key)
        if other is not None:
            raise UnsupportedLanguageError(
                f"{other.signllm_name} ({other.code}) has no model, clips or alphabet here: it works "
                f"only with --generator lexicon and a notated lexicon that names it (--lexicon "
                f"signs.csv or a folder of .sigml files); the eight languages are: {known}")
        others = ", ".join(f"{lang.code} ({lang.signllm_name})" for lang in NOTATED_ONLY)
        raise UnsupportedLanguageError(f"unknown sign language {name!r}; supported: {known}; "
                                       f"with a notated lexicon also: {others}")
    return found


def language_codes() -> list[str]:
    return [lang.code for lang in LANGUAGES]
