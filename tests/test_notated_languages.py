"""Sign languages outside the eight: they work with the lexicon generator and a user's notated
lexicon that names them, and everywhere else fail with one line that says so."""
import pytest

from signllm.errors import NoDataError, UnsupportedLanguageError
from signllm.languages import get_language
from signllm.lexicon import LexiconGenerator
from signllm.request import resolve

pytest.importorskip("signwriting")


def test_notated_only_language_needs_the_lexicon_generator():
    with pytest.raises(UnsupportedLanguageError, match="NGT \\(dse\\).*--generator lexicon"):
        get_language("dse")
    assert get_language("NGT", notated=True).spoken == "nl"
    with pytest.raises(UnsupportedLanguageError, match="with a notated lexicon also: dse"):
        get_language("xyz", notated=True)
    with pytest.raises(UnsupportedLanguageError):
        resolve("hallo", "dse", generator="signllm")
    assert resolve("hallo", "dse", generator="lexicon").language.code == "dse"


def test_without_a_lexicon_that_names_it_nothing_is_signed():
    with pytest.raises(NoDataError, match="signs only from a notated lexicon"):
        LexiconGenerator().stream("hallo", get_language("dse", notated=True))


def test_a_csv_lexicon_in_a_ninth_language_signs(tmp_path):
    path = tmp_path / "ngt.csv"
    path.write_text("gloss,words,signed_language,hamnosys\n"
                    'HUIS,huis|woning,dse,"hamflathand,hamextfingeru,hampalml,hamchest,hammoveo"\n',
                    encoding="utf-8")
    stream = LexiconGenerator(path).stream("Het huis", get_language("dse", notated=True), seed=0)
    frames = list(stream.frames)
    words = {w.word: w.how for w in stream.info.words}
    assert words == {"Het": "skipped", "huis": "sign"}   # NGT has no alphabet to spell 'Het'
    assert stream.info.gloss == "HUIS" and len(frames) > 10


def test_the_ngt_sigml_folder_signs_dutch(shared_data):
    stream = LexiconGenerator(shared_data / "sigml-ngt").stream(
        "Tien kinderen zwemmen", get_language("dse", notated=True), seed=0)
    assert stream.info.gloss == "TIEN_10 KIND ZWEMMEN"   # file glosses, Dutch lemmas
    assert all(w.how == "sign" for w in stream.info.words)
