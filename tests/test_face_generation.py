"""The face through the lexicon generator: on by default, timed on each word's own frames,
carried by stream frames and the collected PoseSequence; off with face=False; existing callers
unaffected."""
import numpy as np
import pytest

from signllm.errors import BadInputError
from signllm.face import phonemes
from signllm.face.timeline import FACE_NAMES, FaceOptions
from signllm.generation import load_generator
from signllm.languages import get_language
from signllm.lexicon import LexiconGenerator
from signllm.pose import PoseSequence

pytest.importorskip("signwriting")
pytest.importorskip("spoken_to_signed")
needs_espeak = pytest.mark.skipif(not phonemes.available(),
                                  reason="espeak-ng is not installed (apt-get install espeak-ng)")


@pytest.fixture(scope="module")
def generator():
    return load_generator("lexicon")


def stream(generator, text, language="sgg", seed=1):
    return generator.stream(text, get_language(language), seed=seed)


def report(info, word):
    return next(w for w in info.words if w.word == word)


def sign_changes(x):
    s = np.sign(x[np.abs(x) > 1e-6])
    return int((s[1:] != s[:-1]).sum())


def test_face_is_on_by_default_and_matches_the_keypoints(generator):
    st = stream(generator, "Wo wohnen die Kinder?")
    assert st.info.face_names == FACE_NAMES
    frames = list(st.frames)
    assert all(f.face is not None and f.face.weights.shape == (len(FACE_NAMES),) for f in frames)
    seq = stream(generator, "Wo wohnen die Kinder?").collect()
    assert seq.face is not None and seq.face.num_frames == seq.num_frames
    assert seq.face.fps == seq.fps and seq.face.names == FACE_NAMES
    w = seq.face.weights
    assert np.isfinite(w).all() and w.min() >= 0 and w.max() <= 1
    # every produced word knows its frames, in order, inside the clip
    spans = [w.frames for w in st.info.words]
    assert all(s is not None and 0 < s[0] < s[1] <= seq.num_frames for s in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


@needs_espeak
def test_every_word_is_mouthed_in_phoneme_order_within_its_span(generator):
    st = stream(generator, "Kinder essen Pizza.")
    seq = st.collect()
    kinder = report(st.info, "Kinder")
    assert kinder.how == "sign" and kinder.mouthing == "mouthed (espeak-ng): kk-I-nn-DD-E"
    assert report(st.info, "Pizza").how == "fingerspelled"          # spelled words are mouthed too
    assert report(st.info, "Pizza").mouthing.startswith("mouthed (espeak-ng): PP-I")
    jaw = seq.face.channel("jawOpen")
    start, end = kinder.frames
    assert jaw[start:end].max() > 0.15
    assert jaw[:5].max() < 0.01                                     # relaxed before signing


def test_wh_and_yes_no_questions_and_negation_through_the_generator(generator):
    st = stream(generator, "Wo wohnen die Kinder?")
    seq = st.collect()
    first, last = st.info.words[0].frames[0], st.info.words[-1].frames[1]
    assert seq.face.channel("browDown_L")[first:last].min() > 0.5
    assert seq.face.channel("browInnerUp").max() == 0
    st = stream(generator, "Haben Sie Kinder?")
    seq = st.collect()
    first, last = st.info.words[0].frames[0], st.info.words[-1].frames[1]
    assert seq.face.channel("browInnerUp")[first:last].min() > 0.5
    assert seq.face.channel("browDown_L").max() == 0
    st = stream(generator, "Ich esse nicht.")
    seq = st.collect()
    nicht = report(st.info, "nicht")
    assert nicht.how == "sign"
    assert sign_changes(seq.face.head[nicht.frames[0]:nicht.frames[1], 1]) >= 2


def test_asl_negation_is_fingerspelled_and_still_shaken(generator):
    st = stream(generator, "I do not know.", "ase")
    seq = st.collect()
    start, end = report(st.info, "not").frames
    assert sign_changes(seq.face.head[start:end, 1]) >= 2


def test_face_off(generator):
    quiet = LexiconGenerator(face=False)
    st = quiet.stream("Wo wohnen die Kinder?", get_language("sgg"), seed=1)
    assert st.info.face_names is None
    assert all(f.face is None for f in st.frames)
    seq = quiet.generate("Wo wohnen die Kinder?", "sgg", seed=1)
    assert seq.face is None
    assert all(w.mouthing == "" for w in st.info.words)
    # the hands are the same with or without the face
    with_face = stream(generator, "Wo wohnen die Kinder?").collect()
    assert np.array_equal(seq.joints, with_face.joints)
    assert load_generator("lexicon", face=False).face is None


def test_face_options_pass_through():
    gen = LexiconGenerator(face=FaceOptions(blinks=False, grammar=False))
    seq = gen.generate("Wo wohnen die Kinder?", "sgg", seed=1)
    assert seq.face.channel("eyeBlink_L").max() == 0 and seq.face.channel("browDown_L").max() == 0


def test_deterministic_for_a_seed(generator):
    a = stream(generator, "Ich esse nicht.", seed=3).collect().face
    b = stream(generator, "Ich esse nicht.", seed=3).collect().face
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.head, b.head)


def test_missing_espeak_reports_each_word_and_signs_anyway(monkeypatch):
    phonemes.clear_cache()
    monkeypatch.setenv("SIGNLLM_ESPEAK", "/nonexistent/espeak-ng")
    st = LexiconGenerator().stream("Wo wohnen die Kinder?", get_language("sgg"), seed=1)
    seq = st.collect()
    phonemes.clear_cache()
    assert all(w.mouthing.startswith("no mouthing: espeak-ng is not installed")
               for w in st.info.words)
    assert seq.face.channel("jawOpen").max() == 0
    assert seq.face.channel("browDown_L").max() > 0.5


def test_pose_sequence_face_must_match_and_with_drops_a_stale_one(generator):
    seq = stream(generator, "Kinder").collect()
    with pytest.raises(BadInputError, match="face track has"):
        PoseSequence(seq.joints[:-1], seq.confidence[:-1], face=seq.face)
    assert seq.with_(joints=seq.joints[:-1], confidence=seq.confidence[:-1]).face is None
    assert seq.with_(name="x").face is seq.face
    assert seq.with_(joints=seq.joints * 2).face is seq.face


def test_other_generators_and_plain_sequences_have_no_face():
    seq = PoseSequence.from_joints(np.zeros((3, 50, 3)))
    assert seq.face is None


def test_dsgs_nicht_shakes_the_head_from_its_notation_and_keeps_the_hand_low(generator):
    """NICHT's HamNoSys ends in `( hamhead hamtwisting )`: one headshake (the notation's, the
    sentence rule leaves the sign alone) and the index finger waves at the shoulder."""
    from signllm.skeleton import NOSE, R_WRIST

    st = stream(generator, "nicht")
    frames = list(st.frames)
    word = report(st.info, "nicht")
    assert "notation face: head SH" in word.mouthing
    start, end = word.frames
    yaw = np.array([f.face.head[1] for f in frames])
    assert sign_changes(yaw[start:end]) >= 2 and np.abs(yaw).max() <= np.radians(15) + 1e-6
    joints = np.stack([f.joints for f in frames])
    assert (joints[start:end, R_WRIST, 1] < joints[start:end, NOSE, 1]).all()
