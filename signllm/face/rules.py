"""Per-language word lists of the grammar rules the face marks: wh-words, negation, affirmation.

Why word lists: the lexicon generator signs the spoken sentence word by word, so the sentence's
own words tell which clause is a wh-question and which sign negates. The rules (`timeline`):
- a clause that ends in "?" is a wh-question when it holds a wh-word (brows down), otherwise a
  yes/no question (brows raised);
- a negating word or gloss (NICHT, KEIN, not, never, …) gets a headshake over its sign;
- an affirming one (ja, yes, oui, …) a nod.
Words are compared in `signllm.text.fold` form; a sign's gloss is compared by its lemma (variant
suffixes such as `_1` dropped). Korean attaches particles to words, so its lists are stems
matched at the start of a word (`PREFIX_MATCH`); 안 and 못 (negators that also begin other
words, e.g. 안녕 "hello") match whole words only.
Spanish wh-words are the accented interrogatives (qué, not the conjunction que); ambiguous
affirmatives (French and Italian "si": "if", "oneself") are left out.
"""
from __future__ import annotations

import re

from ..text import fold

WH_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset("wer wen wem wessen was wo wohin woher wann wie warum weshalb wieso weswegen "
                    "welche welcher welches welchen welchem wieviel wievielte wofür womit worüber "
                    "wozu woran worauf".split()),
    "en": frozenset("who whom whose what where when why how which".split()),
    "fr": frozenset("qui que quoi où quand comment pourquoi quel quelle quels quelles combien "
                    "lequel laquelle lesquels lesquelles qu'est".split()),
    "it": frozenset("chi che cosa dove quando come perché perche quale quali quanto quanta quanti "
                    "quante cos'è dov'è".split()),
    "es": frozenset("quién quiénes qué dónde adónde cuándo cómo cuál cuáles cuánto cuánta "
                    "cuántos cuántas".split()),
    "tr": frozenset("kim kimi kimin ne neyi neden nerede nereye nereden nasıl niçin niye hangi "
                    "kaç".split()),
    "ko": frozenset("누구 누가 뭐 뭘 무엇 어디 언제 어떻게 어떤 왜 어느 몇 무슨".split()),
    "nl": frozenset("wie wat waar waarom wanneer hoe welk welke hoeveel".split()),
}
NEGATION: dict[str, frozenset[str]] = {
    "de": frozenset("nicht kein keine keinen keinem keiner keines nie niemals nichts niemand "
                    "nein nirgends".split()),
    "en": frozenset("not no never nothing nobody none nowhere don't doesn't didn't can't cannot "
                    "won't isn't aren't wasn't weren't".split()),
    "fr": frozenset("ne n' pas non jamais rien aucun aucune".split()),
    "it": frozenset("non no mai niente nulla nessuno nessuna".split()),
    "es": frozenset("no nunca nada nadie jamás ningún ninguna ninguno".split()),
    "tr": frozenset("değil yok hayır hiç asla".split()),
    "ko": frozenset("아니 아니요 아뇨 않 없 안 못".split()),
    "nl": frozenset("niet geen nooit nee niets niemand".split()),
}
AFFIRMATION: dict[str, frozenset[str]] = {
    "de": frozenset("ja genau jawohl doch".split()),
    "en": frozenset("yes yeah yep".split()),
    "fr": frozenset("oui".split()),
    "it": frozenset("sì".split()),
    "es": frozenset("sí".split()),
    "tr": frozenset("evet".split()),
    "ko": frozenset("네 예 응".split()),
    "nl": frozenset("ja jawel".split()),
}
PREFIX_MATCH = frozenset({"ko"})
WHOLE_WORD_ONLY = frozenset({"안", "못"})
QUESTION = "?"
CLAUSE_END = ".!?;"
_VARIANT = re.compile(r"(_[A-Z0-9]+|\^|[0-9]+)$")


def _forms(word: str, gloss: str) -> list[str]:
    forms = [fold(w) for w in word.split()]
    if gloss:
        lemma = gloss
        while _VARIANT.search(lemma) and len(lemma) > 1:
            lemma = _VARIANT.sub("", lemma)
        forms += [fold(part) for part in re.split(r"[_\-\s]+", lemma) if part]
    for form in list(forms):          # French elision: "n'aime" negates, "qu'est" asks
        if "'" in form or "’" in form:
            forms.append(re.split("['’]", form)[0] + "'")
    return forms


def _member(word: str, gloss: str, spoken: str, table: dict[str, frozenset[str]]) -> bool:
    words = table.get(spoken, frozenset())
    for form in _forms(word, gloss):
        if form in words:
            return True
        if spoken in PREFIX_MATCH and any(form.startswith(w) for w in words
                                          if w not in WHOLE_WORD_ONLY):
            return True
    return False


def is_wh_word(word: str, spoken: str, gloss: str = "") -> bool:
    return _member(word, gloss, spoken, WH_WORDS)


def is_negation(word: str, spoken: str, gloss: str = "") -> bool:
    return _member(word, gloss, spoken, NEGATION)


def is_affirmation(word: str, spoken: str, gloss: str = "") -> bool:
    return _member(word, gloss, spoken, AFFIRMATION)


def covered(spoken: str) -> bool:
    """Whether this spoken language has grammar word lists (others get no grammar marks: a "?"
    alone cannot tell a wh-question from a yes/no question)."""
    return spoken in WH_WORDS
