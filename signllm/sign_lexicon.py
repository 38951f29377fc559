"""Notated lexicons: signs written in HamNoSys or SiGML, found by the words they stand for.

Why: a notated lexicon is how an avatar signs words without recordings. One interface serves
every source:
- the built-in Swiss-German Sign Language (DSGS, `sgg`) lexicon, read at run time from the
  installed `signwriting` package (`signwriting/hamnosys/parallel.json`: the lexicon assembled by
  Sarah Ebling and Penny Boyes Braem, 1,364 signs with HamNoSys and German glosses; never copied
  into this project);
- a user's CSV with the columns `gloss,words,signed_language,hamnosys` (`words` separated by
  `|`; `hamnosys` in Unicode or as comma-separated symbol names);
- a user's folder of `.sigml` files (HNS- or gestural SiGML, one sign per file, gloss = the
  `gloss` attribute or the file name).

Words are matched as spoken-language phrases (longest first, up to `MAX_PHRASE_WORDS`), on the
surface form and on its lemma; among variants of one lemma (`GEHEN`, `GEHEN_A`, `GEHEN_1`) the
plain gloss wins, then a file named as its gloss (NGT's `ETEN.sigml` before its negated form
`ETEN-AM{NEGATIE}.sigml`), then the alphabetically first, so the choice is deterministic.
"""
from __future__ import annotations

import csv
import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import BadInputError, NoDataError
from .text import fold, phrase_key, tokens as text_tokens  # noqa: F401  (fold, phrase_key: public API)

MAX_PHRASE_WORDS = 4
CSV_COLUMNS = ("gloss", "words", "signed_language", "hamnosys")
# `_A`, `_1`, `_INT` (and chains such as `_B_1`) mark variants of one lemma in the DSGS glosses
VARIANT = re.compile(r"(?:_(?:[A-Z]|\d+|INT))+$")
DSGS_ATTRIBUTION = ("DSGS lexicon by Sarah Ebling and Penny Boyes Braem, shipped in the "
                    "'signwriting' package (MIT)")
MAX_CSV_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class NotatedSign:
    gloss: str                 # e.g. "GUTEN_MORGEN_1"
    words: tuple[str, ...]     # normalised spoken phrases it stands for ("guten morgen")
    signed_language: str       # ISO 639-3 code or a user's code (e.g. "dse")
    notation: str              # HamNoSys (Unicode or symbol names) or SiGML text
    kind: str                  # "hamnosys" or "sigml"
    source: str                # where it came from: lexicon name, file and line

    @property
    def lemma(self) -> str:
        return VARIANT.sub("", self.gloss)


def _rank(sign: NotatedSign) -> tuple:
    return (sign.gloss != sign.lemma, Path(sign.source).stem != sign.gloss, sign.gloss,
            sign.source)


class NotatedLexicon:
    """Signs of one or more sign languages, looked up by spoken phrase or searched by gloss."""

    def __init__(self, signs: list[NotatedSign], name: str):
        if not signs:
            raise NoDataError(f"the lexicon {name} holds no signs")
        self.name = name
        self.signs = signs
        self._by_phrase: dict[tuple[str, str], list[NotatedSign]] = {}
        for sign in signs:
            for phrase in sign.words:
                self._by_phrase.setdefault((sign.signed_language, phrase), []).append(sign)
        for candidates in self._by_phrase.values():
            candidates.sort(key=_rank)

    @property
    def languages(self) -> set[str]:
        return {s.signed_language for s in self.signs}

    def count(self, language: str) -> int:
        """Distinct glosses of a language."""
        return len({s.gloss for s in self.signs if s.signed_language == language})

    def entries(self, language: str) -> int:
        """Distinct signs (lexicon entries) of a language; one entry may carry several glosses."""
        return len({s.source for s in self.signs if s.signed_language == language})

    def lookup(self, phrase: str, language: str) -> NotatedSign | None:
        found = self._by_phrase.get((language, phrase_key(phrase)))
        return found[0] if found else None

    def search(self, query: str, language: str | None = None, limit: int = 20) -> list[NotatedSign]:
        """Signs whose gloss or words contain the query (folded), best matches first."""
        key = phrase_key(query)
        if not key:
            return []
        hits = [s for s in self.signs
                if (language is None or s.signed_language == language)
                and (key in phrase_key(s.gloss) or any(key in w for w in s.words))]
        hits.sort(key=lambda s: (phrase_key(s.lemma) != key, key not in s.words, _rank(s)))
        return hits[:limit]


def _words_of_gloss(gloss: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for k in (phrase_key(gloss), phrase_key(VARIANT.sub("", gloss))) if k))


def describe(sign: NotatedSign):
    """The typed description of a notated sign (`signllm.notation.SignDescription`): HamNoSys
    is parsed, a SiGML file read (the sign whose gloss matches, else its first sign)."""
    from .notation import parse_hamnosys, read_sigml

    if sign.kind == "hamnosys":
        return parse_hamnosys(sign.notation, gloss=sign.gloss, source=sign.source)
    if sign.kind == "sigml":
        signs = read_sigml(sign.notation, source=sign.source)
        return next((s for s in signs if s.gloss == sign.gloss), signs[0])
    raise BadInputError(f"notation kind {sign.kind!r}: expected 'hamnosys' or 'sigml'",
                        path=sign.source)


# --------------------------------------------------------------------------- sources

def package_dsgs_path() -> Path:
    spec = importlib.util.find_spec("signwriting")
    if spec is None or not spec.submodule_search_locations:
        raise NoDataError("the DSGS signs come from the 'signwriting' package, which is not "
                          "installed; run: pip install 'signllm[signs]'")
    return Path(next(iter(spec.submodule_search_locations))) / "hamnosys" / "parallel.json"


@lru_cache(maxsize=1)
def builtin_dsgs() -> NotatedLexicon:
    """The DSGS lexicon of the installed `signwriting` package (first HamNoSys string per entry)."""
    path = package_dsgs_path()
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NoDataError(f"{path}: cannot read the DSGS lexicon ({exc})") from None
    signs = []
    for number, entry in enumerate(entries):
        strings, glosses = entry.get("hamnosys") or [], entry.get("hns_gloss") or []
        if not strings or not glosses:
            continue
        source = f"signwriting DSGS entry {number} ({entry.get('sign_id') or 'no id'})"
        for gloss in glosses:
            signs.append(NotatedSign(gloss, _words_of_gloss(gloss), "sgg", strings[0], "hamnosys",
                                     source))
    return NotatedLexicon(signs, "signwriting DSGS (Ebling & Boyes Braem)")


def read_csv_lexicon(path: str | Path) -> NotatedLexicon:
    """A user's CSV lexicon (`gloss,words,signed_language,hamnosys`)."""
    path = Path(path)
    if not path.is_file():
        raise BadInputError("not a lexicon CSV file", path=path)
    with open(path, "rb") as handle:
        raw = handle.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise BadInputError(f"lexicon CSV larger than {MAX_CSV_BYTES // 2**20} MiB", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInputError(f"not UTF-8 text (byte {exc.start})", path=path) from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise BadInputError(f"lacks column(s) {', '.join(missing)}; expected "
                            + ",".join(CSV_COLUMNS), path=path, line=1)
    signs = []
    for line, row in enumerate(reader, start=2):
        if None in row or any(row[c] is None for c in CSV_COLUMNS):
            raise BadInputError(f"expected {len(CSV_COLUMNS)} columns ({','.join(CSV_COLUMNS)})",
                                path=path, line=line)
        gloss, language, notation = (row[c].strip() for c in ("gloss", "signed_language", "hamnosys"))
        if not gloss or not language or not notation:
            raise BadInputError("gloss, signed_language and hamnosys must not be empty",
                                path=path, line=line)
        _check_notation(notation, gloss, path, line)
        words = tuple(k for k in (phrase_key(w) for w in row["words"].split("|")) if k)
        signs.append(NotatedSign(gloss, words or _words_of_gloss(gloss), language.casefold(),
                                 notation, "hamnosys", f"{path.name}:{line}"))
    return NotatedLexicon(signs, str(path))


def _check_notation(notation: str, gloss: str, path: Path, line: int) -> None:
    """A row whose HamNoSys cannot be read fails when the lexicon is opened, naming its line,
    not later in the middle of a sentence."""
    from .notation import parse_hamnosys

    try:
        parse_hamnosys(notation, gloss=gloss)
    except BadInputError as exc:
        raise BadInputError(f"hamnosys of {gloss}: {exc}", path=path, line=line) from None


def read_sigml_folder(folder: str | Path, signed_language: str) -> NotatedLexicon:
    """A folder of `.sigml` files; each sign is known by its SiGML `gloss` (NGT's files are
    numbered, their glosses say what they mean), else by the file name."""
    from .notation import read_sigml

    folder = Path(folder)
    files = sorted(folder.glob("*.sigml"))
    if not files:
        raise BadInputError("no .sigml files in this folder", path=folder)
    signs = []
    for f in files:
        for sign in read_sigml(f):
            gloss = sign.gloss or f.stem
            signs.append(NotatedSign(gloss, _words_of_gloss(gloss), signed_language.casefold(),
                                     str(f), "sigml", f.name))
    return NotatedLexicon(signs, str(folder))


def open_lexicon(path: str | Path, signed_language: str | None = None) -> NotatedLexicon:
    """A user's notated lexicon by what the path is: a `.csv` file, or a folder of `.sigml` files
    (whose sign language must then be named)."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".csv":
        return read_csv_lexicon(path)
    if path.is_dir() and any(path.glob("*.sigml")):
        if not signed_language:
            raise BadInputError("a folder of .sigml files needs its sign language (e.g. --lang dse)",
                                path=path)
        return read_sigml_folder(path, signed_language)
    raise BadInputError("not a notated lexicon: expected a .csv file (gloss,words,signed_language,"
                        "hamnosys) or a folder of .sigml files", path=path)


# --------------------------------------------------------------------------- text -> signs

@dataclass(frozen=True)
class PlannedWord:
    """One step of a sentence: a sign for one or more words, a word to fingerspell (sign None),
    or a punctuation mark (a pause)."""
    words: tuple[str, ...]
    sign: NotatedSign | None = None
    punctuation: str = ""


def _lemma(word: str, spoken: str) -> str:
    try:
        import simplemma
    except ImportError:  # lean install: surface forms only
        return word
    try:
        return simplemma.lemmatize(word, lang=spoken)
    except ValueError:  # a spoken language simplemma does not know
        return word


def match_at(tokens: list[str], i: int, language: str, spoken: str,
             lexicon: NotatedLexicon) -> tuple[NotatedSign | None, int]:
    """The sign for the longest phrase starting at `tokens[i]` (surface form, then the last word's
    lemma) and how many tokens it covers; (None, 0) where no sign matches."""
    from .fingerspelling import PHRASE_PUNCTUATION, SENTENCE_PUNCTUATION

    words = []
    for tok in tokens[i:i + MAX_PHRASE_WORDS]:
        if tok in SENTENCE_PUNCTUATION + PHRASE_PUNCTUATION:
            break
        words.append(tok)
    for n in range(len(words), 0, -1):
        phrase = words[:n]
        sign = (lexicon.lookup(" ".join(phrase), language)
                or lexicon.lookup(" ".join(phrase[:-1] + [_lemma(phrase[-1], spoken)]), language))
        if sign is not None:
            return sign, n
    return None, 0


def plan_words(text: str, language: str, spoken: str, lexicon: NotatedLexicon) -> list[PlannedWord]:
    """Words -> signs, longest phrase first, on surface forms and then on lemmas."""
    from .fingerspelling import PHRASE_PUNCTUATION, SENTENCE_PUNCTUATION

    tokens = text_tokens(text)
    plan: list[PlannedWord] = []
    i = 0
    while i < len(tokens):
        if tokens[i] in SENTENCE_PUNCTUATION + PHRASE_PUNCTUATION:
            plan.append(PlannedWord((), None, tokens[i]))
            i += 1
            continue
        sign, n = match_at(tokens, i, language, spoken, lexicon)
        plan.append(PlannedWord(tuple(tokens[i:i + max(n, 1)]), sign))
        i += max(n, 1)
    return plan
