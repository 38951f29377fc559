"""Text -> letters per alphabet (diacritics, ß, Turkish i, Italian doubles) and the timing model."""
import numpy as np
import pytest

from signllm.errors import NoDataError
from signllm.fingerspelling import (Timing, alphabet_status, covered_languages, get_alphabet,
                                    schedule, spell, spell_gloss)


@pytest.mark.parametrize("language, text, gloss", [
    ("ase", "Hello world", "H-E-L-L-O W-O-R-L-D"),
    ("ase", "Hello, world!", "H-E-L-L-O , W-O-R-L-D !"),
    ("ase", "café", "C-A-F-E"),                      # no É clip: diacritic dropped
    ("ase", "Müller", "M-U-E-L-L-E-R"),              # German transliteration of Ü
    ("gsg", "Straße", "S-T-R-A-ß-E"),                # DGS has its own ß and umlaut clips
    ("gsg", "Grüße", "G-R-Ü-ß-E"),
    ("sgg", "Schule", "SCH-U-L-E"),                  # DSGS has SCH and CH handshapes
    ("sgg", "Sache", "S-A-CH-E"),
    ("sgg", "Straße", "S-T-R-A-S-S-E"),              # no ß clip in DSGS: ss
    ("tsm", "ışık", "I-Ş-I-K"),                      # dotless ı is TİD's I
    ("tsm", "izmir", "İ-Z-M-İ-R"),                   # Turkish i upper-cases to İ
    ("slf", "bello", "B-E-LL-O"),                    # LIS double-letter signs
])
def test_spell_gloss(language, text, gloss):
    assert spell_gloss(text, language) == gloss


def test_letters_without_a_clip_are_reported_not_hidden():
    tokens = spell("Quiz 42", "tsm")      # the Turkish alphabet has no Q; no digit clips
    assert tokens[0].units == ["U", "İ", "Z"] and tokens[0].missing == ["Q"]
    assert tokens[1].units == [] and tokens[1].missing == ["4", "2"]


def test_coverage_statuses():
    assert {c: alphabet_status(c)[0] for c in ("ase", "gsg", "sgg", "tsm")} == dict.fromkeys(
        ("ase", "gsg", "sgg", "tsm"), "real")
    status, note = alphabet_status("LIS-CH")
    assert status == "proxy" and "PROXY" in note and get_alphabet("slf").source == "ise"
    assert set(covered_languages()) == {"ase", "gsg", "sgg", "tsm", "slf"}


@pytest.mark.parametrize("language", ["kvk", "ssr", "aed"])
def test_languages_without_data_raise_with_instructions(language):
    assert alphabet_status(language)[0] == "none"
    with pytest.raises(NoDataError, match="--lexicon"):
        get_alphabet(language)


def test_alphabet_index_holds_lie_inside_their_clips():
    for code in covered_languages():
        for clip in get_alphabet(code).letters.values():
            assert 0 <= clip.start < clip.end, (code, clip)
            assert clip.hands in ("left", "right", "both")


def test_schedule_pauses_and_speed_variation():
    alphabet = get_alphabet("ase")
    steps = schedule(spell("ab cd. ef", "ase"), alphabet, fps=25)
    kinds = [s.kind for s in steps]
    assert kinds == ["letter"] * 2 + ["pause"] + ["letter"] * 2 + ["pause"] + ["letter"] * 2
    word_pause, sentence_pause = steps[2].frames, steps[5].frames
    assert sentence_pause > word_pause > 0
    plain = [s.frames for s in steps]
    varied = [s.frames for s in schedule(spell("ab cd. ef", "ase"), alphabet, 25,
                                         rng=np.random.default_rng(3))]
    again = [s.frames for s in schedule(spell("ab cd. ef", "ase"), alphabet, 25,
                                        rng=np.random.default_rng(3))]
    assert varied == again and varied != plain
    slow = schedule(spell("ab", "ase"), alphabet, 25, Timing(hold=0.5))
    assert slow[0].frames > steps[0].frames


def test_repeated_letters_glide():
    steps = schedule(spell("all", "ase"), get_alphabet("ase"), 25)
    assert [s.glide for s in steps] == [False, False, True]
