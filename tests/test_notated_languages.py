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


def test_an_ngt_sign_brings_its_own_face(shared_data):
    """WAAROM's notation: head turned right (SR), brows furrowed (FU), lids squeezed (SB)."""
    stream = LexiconGenerator(shared_data / "sigml-ngt").stream(
        "Waarom?", get_language("dse", notated=True), seed=0)
    frames = list(stream.frames)
    [word] = stream.info.words
    assert "notation face: head SR, brows FU, gaze AD, lids SB" in word.mouthing
    start, end = word.frames
    mid = (start + end) // 2
    weights = dict(zip(stream.info.face_names, frames[mid].face.weights))
    assert weights["browDown_L"] > 0.6 and weights["eyeSquint_R"] > 0.5
    assert frames[mid].face.head[1] < -0.3                   # turned to the signer's right
    assert abs(frames[0].face.head[1]) < 1e-6


def test_a_word_takes_the_plain_file_before_its_marked_variant(shared_data):
    """ETEN.sigml and ETEN-AM{NEGATIE}.sigml share the gloss ETEN; 'eet' is not negated."""
    stream = LexiconGenerator(shared_data / "sigml-ngt").stream(
        "eet", get_language("dse", notated=True), seed=0)
    [word] = stream.info.words
    assert "(ETEN.sigml;" in word.detail and "head SH" not in word.mouthing
