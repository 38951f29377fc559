"""One set of text rules (signllm.text) for every front-end: both generators read "Straße",
"İstanbul", "Gruß Gott" and Korean alike."""
import pytest

from signllm import text
from signllm.generation import load_generator
from signllm.langgloss import from_langgloss, gloss_tokens
from signllm.languages import get_language
from signllm.lexicon import LexiconGenerator
from signllm.model.generator import spell_unlearned
from signllm.sign_lexicon import phrase_key

CASES = [("Straße", "gsg"), ("Straße", "sgg"), ("Gruß Gott", "gsg"), ("Gruß Gott", "sgg"),
         ("İstanbul", "tsm"), ("ılık İzmir", "tsm"), ("안녕 친구", "kvk")]


@pytest.fixture(scope="module")
def signllm():
    return load_generator("signllm", mode="prompt")


@pytest.mark.parametrize("sentence, code", CASES)
def test_both_generators_split_and_spell_alike(signllm, sentence, code):
    language = get_language(code)
    plan = LexiconGenerator(builtin_signs=False).plan(sentence, language, 25.0, None)   # letters
    assert [w.word for w in plan.words] == text.words(sentence)
    assert gloss_tokens(sentence, language, "words") == \
        [text.gloss_upper(w, language.spoken) for w in text.words(sentence)]
    model, _ = signllm.model_for(language)
    if code not in model.languages:   # Korean: no alphabet, no model, same words
        assert all(w.how == "skipped" for w in plan.words)
        return
    model_gloss, _ = from_langgloss(signllm.stream(sentence, language).info.gloss)
    if model.frontend == "lexicon":   # DSGS's lexical model reads the lexicon generator's plan
        signs = LexiconGenerator(face=False).plan(sentence, language, 25.0, None)
        assert signs.gloss.split() == gloss_tokens(sentence, language, "lexicon")
        # ... with the signs it never learned spelled (GOTT, here)
        assert model_gloss == spell_unlearned(model.tokenizer, signs.gloss.split(), language)[0]
        return
    assert model.frontend == "fingerspell"
    assert model_gloss == plan.gloss.split() == gloss_tokens(sentence, language, "fingerspell")


@pytest.mark.parametrize("word, spoken, gloss, letters", [
    ("Straße", "de", "STRASSE", "STRAßE"),
    ("istanbul", "tr", "İSTANBUL", "İSTANBUL"),
    ("ılık", "tr", "ILIK", "ILIK"),
    ("istanbul", "az", "İSTANBUL", "İSTANBUL"),
    ("istanbul", "en", "ISTANBUL", "ISTANBUL"),
    ("안녕", "ko", "안녕", "안녕"),
])
def test_gloss_and_letter_upper_case(word, spoken, gloss, letters):
    assert text.gloss_upper(word, spoken) == gloss
    assert text.letter_upper(word, spoken) == letters


def test_lower_and_matching_keys():
    assert text.lower("İSTANBUL ILIK", "tr") == "istanbul ılık"
    assert text.fold("İstanbul") == "istanbul"
    assert phrase_key("Gruß  Gott!") == phrase_key("GRUSS_GOTT") == "gruss gott"
    assert text.phrase_key("İstanbul'a") == "istanbul'a"


def test_words_keep_inner_apostrophes_and_pause_marks_are_tokens():
    assert text.words("I don't know, dell'anno_2") == ["I", "don't", "know", "dell'anno", "2"]
    assert text.tokens("Hallo, Welt!") == ["Hallo", ",", "Welt", "!"]
    assert text.words("u\u0308ber") == ["über"]   # NFC first: one letter, one word
    assert text.has_hangul("수어") and not text.has_hangul("Straße")
