"""The lexicon generator signs notated words (synthesised HamNoSys) and spells the rest."""
import numpy as np
import pytest

from signllm.languages import get_language
from signllm.lexicon import LexiconGenerator
from signllm.skeleton import R_WRIST

pytest.importorskip("signwriting")
pytest.importorskip("spoken_to_signed")

SENTENCE = "Die Kinder gehen heute nach Hause."


def test_dsgs_sentence_signs_its_known_words_and_spells_the_rest():
    stream = LexiconGenerator().stream(SENTENCE, get_language("sgg"), seed=0)
    how = {w.word: (w.how, w.detail) for w in stream.info.words}
    assert how["Kinder"][0] == "sign" and how["Kinder"][1].startswith("KINDER ")
    assert how["Hause"][0] == "sign" and how["Hause"][1].startswith("HAUS ")
    assert how["Die"][0] == "fingerspelled"
    assert "KINDER" in stream.info.gloss.split()
    seq = stream.collect()
    assert seq.num_frames > 25 and np.isfinite(seq.joints).all()
    # signs happen in front of the body: the signing wrist leaves the body plane
    assert seq.joints[:, R_WRIST, 2].max() > 0.1


def test_other_languages_still_fingerspell_only():
    stream = LexiconGenerator().stream("Kinder", get_language("gsg"), seed=0)
    assert [w.how for w in stream.info.words] == ["fingerspelled"]


def test_builtin_signs_can_be_switched_off():
    stream = LexiconGenerator(builtin_signs=False).stream("Kinder", get_language("sgg"), seed=0)
    assert [w.how for w in stream.info.words] == ["fingerspelled"]


def test_a_users_csv_lexicon_wins_over_the_builtin(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("gloss,words,signed_language,hamnosys\n"
                    'MEIN_KIND,kinder,sgg,"hamfist,hamextfingeru,hampalml,hamchest,hamtouch"\n',
                    encoding="utf-8")
    stream = LexiconGenerator(lexicon=path).stream("Kinder", get_language("sgg"), seed=0)
    assert stream.info.words[0].detail.startswith("MEIN_KIND (mine.csv:2")
    assert stream.collect().num_frames > 10


def test_sign_command_writes_one_sign_and_refuses_bad_notation(tmp_path, capsys):
    from signllm.cli import main
    from signllm.formats import read

    out = tmp_path / "kinder.pose"
    assert main(["sign", "--gloss", "kinder", "-o", str(out)]) == 0
    assert read(out)[0].num_frames > 10
    assert main(["sign", "--hamnosys", "hamflathand,hamnosuchsymbol", "-o",
                 str(tmp_path / "x.pose")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "symbol 1 ('hamnosuchsymbol')" in err[0], err
    assert not (tmp_path / "x.pose").exists()
    assert main(["sign", "--gloss", "NO_SUCH_GLOSS"]) == 2
