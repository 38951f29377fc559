"""Honest coverage: for each of the eight languages, what data exists and which bundled model
covers it.

Why one module: the languages table, `generate`'s output, the model card and the gRPC server
must all say the same thing — in particular that a proxy alphabet is a proxy, and that a
language without data has none.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources

from .fingerspelling import ALPHABET_SOURCES, HOW_TO_ADD_DATA, alphabet_status
from .languages import LANGUAGES, Language, get_language

# Bundled checkpoints live in signllm/assets/models/; manifest.json lists, per model, its file
# and the languages it was trained on, so coverage never has to load torch to answer.
MODELS_PACKAGE = "signllm.assets.models"
MANIFEST = "manifest.json"


@dataclass
class Coverage:
    code: str
    name: str
    signllm_name: str
    data: str                  # "real", "proxy" or "none"
    alphabet: str | None       # spoken-to-signed clip set used (None without data)
    note: str
    models: list[str] = field(default_factory=list)   # bundled models that cover it

    @property
    def label(self) -> str:
        """Short label shown next to generated output, e.g. 'proxy alphabet ise'."""
        if self.data == "real":
            return f"real {self.alphabet} alphabet clips"
        if self.data == "proxy":
            return f"PROXY: {self.alphabet} alphabet (no own data)"
        return "no data"

    def to_dict(self) -> dict:
        return {**asdict(self), "label": self.label}


@lru_cache(maxsize=1)
def bundled_models() -> dict:
    """{model name: {"file": ..., "languages": [...], ...}} from the bundled manifest ({} if none)."""
    try:
        folder = resources.files(MODELS_PACKAGE)
        manifest = folder.joinpath(MANIFEST)
        if not manifest.is_file():
            return {}
        models = json.loads(manifest.read_text(encoding="utf-8"))
    except (ModuleNotFoundError, json.JSONDecodeError, OSError):
        return {}
    return {name: entry for name, entry in models.items() if folder.joinpath(entry["file"]).is_file()}


def bundled_model_path(name: str):
    """Filesystem path of a bundled checkpoint ('mlsf' or 'prompt'), or None."""
    entry = bundled_models().get(name)
    return resources.files(MODELS_PACKAGE).joinpath(entry["file"]) if entry else None


def language_checkpoints(mode: str) -> dict:
    """{ISO code: path} of the bundled checkpoints that sign one language in `mode` instead of the
    mode's main checkpoint (manifest entries with "mode" and "language", e.g. "mlsf.sgg": a group
    trained on its own vocabulary and front-end, as the lexical DSGS signs)."""
    folder = resources.files(MODELS_PACKAGE)
    return {entry["language"]: folder.joinpath(entry["file"])
            for entry in bundled_models().values()
            if entry.get("mode") == mode and entry.get("language")}


def coverage(language: str | Language) -> Coverage:
    lang = get_language(language)
    data, note = alphabet_status(lang)
    alphabet = ALPHABET_SOURCES[lang.code][0] if lang.code in ALPHABET_SOURCES else None
    models = [name for name, entry in bundled_models().items() if lang.code in entry["languages"]]
    return Coverage(lang.code, lang.name, lang.signllm_name, data, alphabet, note, models)


def coverage_table() -> list[Coverage]:
    return [coverage(lang) for lang in LANGUAGES]


def no_data_message(language: str | Language) -> str:
    cov = coverage(language)
    return (f"no data for {cov.signllm_name} ({cov.code}): {cov.note}; no bundled model covers "
            f"it; {HOW_TO_ADD_DATA}")
