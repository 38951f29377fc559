"""Grapheme -> phoneme (espeak-ng) and phoneme/SAMPA -> viseme: order kept, bad input refused
with a clear error, a missing engine reported, never a traceback."""
import re
import subprocess

import pytest

from signllm.errors import BadInputError, NoDataError, SignLLMError
from signllm.face import phonemes
from signllm.face.phonemes import MAX_WORD_CHARS, parse, phonemize
from signllm.face.visemes import (TEMPLATES, VISEMES, ipa_visemes, merge_repeats, sampa_to_ipa,
                                  sampa_visemes)

needs_espeak = pytest.mark.skipif(not phonemes.available(),
                                  reason="espeak-ng is not installed (apt-get install espeak-ng)")


@pytest.fixture
def no_cache():
    phonemes.clear_cache()
    yield
    phonemes.clear_cache()


@needs_espeak
def test_kinder_phonemes_give_visemes_in_order():
    assert phonemize("Kinder", "de") == ("k", "ɪ", "n", "d", "ɜ")
    assert ipa_visemes(phonemize("Kinder", "de")).visemes == ("kk", "I", "nn", "DD", "E")


@needs_espeak
@pytest.mark.parametrize("word, spoken", [("Kinder", "de"), ("enfant", "fr"), ("bambino", "it"),
                                          ("children", "en"), ("niños", "es"), ("çocuk", "tr"),
                                          ("아이", "ko")])
def test_every_spoken_language_has_phonemes_and_visemes(word, spoken):
    string = ipa_visemes(phonemize(word, spoken))
    assert string.visemes and not string.skipped
    assert set(string.visemes) <= set(VISEMES)


@needs_espeak
def test_a_word_that_looks_like_an_option_is_only_text():
    assert phonemize("v", "de")   # passed on stdin, never as an argument


def test_espeak_output_is_parsed_without_markers_or_stress():
    assert parse("(en)_k_ˈaɪ_n_d_ə_(fr)\n") == ("k", "aɪ", "n", "d", "ə")
    assert parse("_ˈɛ_s_ə_n") == ("ɛ", "s", "ə", "n")
    assert parse("h_ˈɐ_q_k-_j_o") == ("h", "ɐ", "q", "k", "j", "o")


@pytest.mark.parametrize("word", ["x" * (MAX_WORD_CHARS + 1), "", "   ", "two words", "a\x00b",
                                  "\u202e", "😀", "Kin-der", "<script>"])
def test_bad_words_are_refused_with_a_clear_error(word):
    with pytest.raises(BadInputError) as info:
        phonemize(word, "de")
    assert str(info.value) and "\n" not in str(info.value)


def test_non_text_and_unknown_languages_are_refused():
    with pytest.raises(BadInputError):
        phonemize(42, "de")
    with pytest.raises(NoDataError, match="no grapheme-to-phoneme voice"):
        phonemize("Kinder", "xx")


def test_missing_engine_is_reported(monkeypatch, no_cache):
    monkeypatch.setenv("SIGNLLM_ESPEAK", "/nonexistent/espeak-ng")
    assert not phonemes.available()
    with pytest.raises(NoDataError, match="espeak-ng is not installed"):
        phonemize("Kinder", "de")


def test_a_hanging_engine_times_out(monkeypatch, no_cache, tmp_path):
    fake = tmp_path / "espeak-ng"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("SIGNLLM_ESPEAK", str(fake))

    def hang(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs.get("timeout"))
    monkeypatch.setattr(phonemes.subprocess, "run", hang)
    with pytest.raises(NoDataError, match="took longer"):
        phonemize("Kinder", "de")


def test_a_failing_engine_is_an_error_not_a_traceback(monkeypatch, no_cache, tmp_path):
    fake = tmp_path / "espeak-ng"
    fake.write_text("#!/bin/sh\necho 'Error: voice missing' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("SIGNLLM_ESPEAK", str(fake))
    with pytest.raises(SignLLMError, match="voice missing"):
        phonemize("Kinder", "de")


def test_ipa_diacritics_keep_the_class_and_diphthongs_split():
    assert ipa_visemes(["ɑ̃ː", "ɔ̃"]).visemes == ("aa", "O")
    assert ipa_visemes(["aɪ"]).visemes == ("aa", "I")
    assert ipa_visemes(["ç"]).visemes == ("CH",)          # not c + cedilla
    string = ipa_visemes(["k", "☃"])
    assert string.visemes == ("kk",) and string.skipped == ("☃",)
    assert merge_repeats(ipa_visemes(["t", "d", "a"])).visemes == ("DD", "aa")


def test_sampa_mouth_pictures_read_in_order():
    assert sampa_to_ipa("vE_iftin") == ("v", "ɛi", "f", "t", "i", "n")
    assert sampa_to_ipa("wa:lf") == ("w", "aː", "l", "f")
    assert sampa_visemes("tvInt@x").visemes == ("DD", "FF", "I", "nn", "DD", "E", "kk")


def test_every_ngt_mouth_picture_gives_visemes(shared_data):
    pictures = [p for f in sorted((shared_data / "sigml-ngt").glob("*.sigml"))
                for p in re.findall(r'picture="([^"]*)"', f.read_text(encoding="utf-8"))]
    assert len(pictures) > 2000
    empty = [p for p in pictures if not sampa_visemes(p).visemes]
    assert not empty
    skipped = {s for p in pictures for s in sampa_visemes(p).skipped}
    assert skipped <= {"0"}   # one unexplained symbol in two pictures


def test_templates_are_weights():
    for name, template in TEMPLATES.items():
        assert all(0 <= w <= 1 for w in template.values()), name


@needs_espeak
def test_prefetch_batches_a_sentence_and_agrees_with_single_words(no_cache):
    words = ["Kinder", "essen", "123", "Pizza", "Straße", "x" * 99, "😀", "Kinder"]
    phonemes.prefetch(words, "de")
    batched = {w: phonemize(w, "de") for w in ("Kinder", "essen", "123", "Pizza", "Straße")}
    phonemes.clear_cache()
    assert batched == {w: phonemize(w, "de") for w in batched}


def test_prefetch_never_raises(monkeypatch, no_cache):
    monkeypatch.setenv("SIGNLLM_ESPEAK", "/nonexistent/espeak-ng")
    phonemes.prefetch(["Kinder", "essen"], "de")
    phonemes.prefetch(["Kinder", "essen"], "xx")


def test_prefetch_falls_back_when_lines_do_not_match(monkeypatch, no_cache, tmp_path):
    fake = tmp_path / "espeak-ng"
    fake.write_text("#!/bin/sh\necho 'k_a'\n")     # one line whatever it is asked
    fake.chmod(0o755)
    monkeypatch.setenv("SIGNLLM_ESPEAK", str(fake))
    phonemes.prefetch(["Kinder", "essen"], "de")
    assert not phonemes._cache                       # nothing wrongly cached
    assert phonemize("essen", "de") == ("k", "a")   # asked alone
