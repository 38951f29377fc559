"""The face timeline: mouthing in phoneme order across the sign, question brows by type,
headshake over negation, blinks at a natural rate, weights always in [0, 1], deterministic."""
import numpy as np
import pytest

from signllm.errors import BadInputError
from signllm.face import phonemes
from signllm.face.arkit import ARKIT_NAMES, live_link_name
from signllm.face.timeline import (FACE_NAMES, FaceOptions, WordSpan, compose)
from signllm.face.track import FaceTrack
from signllm.face.visemes import MOUTH_NAMES, TEMPLATES, ipa_visemes, merge_repeats
from signllm.notation.description import NonManual

needs_espeak = pytest.mark.skipif(not phonemes.available(),
                                  reason="espeak-ng is not installed (apt-get install espeak-ng)")
FPS = 25.0


def spans_for(words, sign=20, gap=6, lead=10):
    """Consecutive sign spans for the words (token i = word i)."""
    return [WordSpan(w, lead + i * (sign + gap), lead + i * (sign + gap) + sign, i)
            for i, w in enumerate(words)]


def total(spans, tail=12):
    return spans[-1].end + tail


def sign_changes(x):
    s = np.sign(x[np.abs(x) > 1e-6])
    return int((s[1:] != s[:-1]).sum())


@needs_espeak
def test_kinder_visemes_are_shown_in_phoneme_order_across_the_sign():
    span = WordSpan("Kinder", 10, 50, 0)
    comp = compose("Kinder", [span], 60, FPS, "de", FaceOptions(blinks=False))
    (word,) = comp.words
    expected = merge_repeats(ipa_visemes(phonemes.phonemize("Kinder", "de"))).visemes
    assert tuple(e.viseme for e in word.events) == expected == ("kk", "I", "nn", "DD", "E")
    starts = [e.start for e in word.events]
    assert starts == sorted(starts) and word.events[0].start == 10 and word.events[-1].end == 50
    # at each viseme's centre the mouth is nearest that viseme's own shape
    mouth = np.stack([comp.track.channel(n) for n in MOUTH_NAMES], axis=1)
    shapes = {v: np.array([TEMPLATES[v].get(n, 0.0) for n in MOUTH_NAMES]) for v in expected}
    for event in word.events:
        frame = mouth[int((event.start + event.end) / 2)]
        nearest = min(shapes, key=lambda v: np.linalg.norm(frame / 0.85 - shapes[v]))
        assert nearest == event.viseme
    # relaxed mouth before and after the sign
    assert mouth[:5].max() < 0.01 and mouth[-4:].max() < 0.01
    assert comp.track.jaw[:, 0].max() > 0.05


@needs_espeak
def test_mouthing_comes_from_the_notation_when_it_has_a_mouth_picture():
    span = WordSpan("twintig", 5, 40, 0, nonmanual=NonManual(mouthing="tvInt@x"))
    (word,) = compose("twintig", [span], 50, FPS, "nl").words
    assert word.source == "notation (SAMPA)"
    assert word.events[0].viseme == "DD" and word.events[-1].viseme == "kk"


@pytest.mark.parametrize("sentence, words, spoken", [
    ("Wo wohnst du?", ["Wo", "wohnst", "du"], "de"),
    ("Where do you live?", ["Where", "do", "you", "live"], "en"),
    ("Où habites-tu?", ["Où", "habites", "tu"], "fr"),
    ("Dove abiti?", ["Dove", "abiti"], "it"),
    ("¿Dónde vives?", ["Dónde", "vives"], "es"),
    ("Nerede yaşıyorsun?", ["Nerede", "yaşıyorsun"], "tr"),
    ("어디에 살아요?", ["어디에", "살아요"], "ko"),
])
def test_wh_question_lowers_the_brows_over_its_span(sentence, words, spoken):
    spans = spans_for(words)
    comp = compose(sentence, spans, total(spans), FPS, spoken, FaceOptions(mouthing=False))
    inside = slice(spans[0].start, spans[-1].end)
    assert comp.track.channel("browDown_L")[inside].min() > 0.5
    assert comp.track.channel("browDown_R")[inside].min() > 0.5
    assert comp.track.channel("browInnerUp").max() == 0
    assert [m.kind for m in comp.grammar] == ["wh-question"]


@pytest.mark.parametrize("sentence, words, spoken", [
    ("Hast du Kinder?", ["Hast", "du", "Kinder"], "de"),
    ("Do you have children?", ["Do", "you", "have", "children"], "en"),
    ("Tu as des enfants?", ["Tu", "as", "des", "enfants"], "fr"),
    ("Hai figli?", ["Hai", "figli"], "it"),
    ("¿Tienes hijos?", ["Tienes", "hijos"], "es"),
    ("Çocuğun var mı?", ["Çocuğun", "var", "mı"], "tr"),
    ("아이가 있어요?", ["아이가", "있어요"], "ko"),
])
def test_yes_no_question_raises_the_brows_over_its_span(sentence, words, spoken):
    spans = spans_for(words)
    comp = compose(sentence, spans, total(spans), FPS, spoken, FaceOptions(mouthing=False))
    inside = slice(spans[0].start, spans[-1].end)
    assert comp.track.channel("browInnerUp")[inside].min() > 0.5
    assert comp.track.channel("browOuterUp_L")[inside].min() > 0.4
    assert comp.track.channel("browDown_L").max() == 0
    assert [m.kind for m in comp.grammar] == ["yes/no question"]


def test_only_the_question_clause_gets_brows():
    words = ["Ich", "heiße", "Anna", "Wie", "heißt", "du"]
    spans = [WordSpan(w, s.start, s.end, t) for w, s, t in
             zip(words, spans_for(words, gap=8), [0, 1, 2, 4, 5, 6])]
    comp = compose("Ich heiße Anna. Wie heißt du?", spans, total(spans), FPS, "de",
                   FaceOptions(mouthing=False))
    brows = comp.track.channel("browDown_L")
    assert brows[spans[0].start:spans[2].end - 5].max() == 0
    assert brows[spans[3].start:spans[5].end].min() > 0.5
    assert compose("Ich heiße Anna.", spans[:3], total(spans[:3]), FPS, "de").grammar == []


@pytest.mark.parametrize("word, gloss, spoken", [("nicht", "NICHT", "de"), ("kein", "KEIN_1", "de"),
                                                 ("nie", "", "de"), ("not", "", "en"),
                                                 ("pas", "", "fr"), ("non", "", "it"),
                                                 ("no", "", "es"), ("değil", "", "tr"),
                                                 ("없어요", "", "ko"), ("x", "NICHT", "de")])
def test_negation_sign_gets_a_headshake_inside_its_span(word, gloss, spoken):
    spans = spans_for(["Ich", word, "Kinder"])
    spans[1] = WordSpan(word, spans[1].start, spans[1].end, 1, gloss=gloss)
    comp = compose(f"Ich {word} Kinder", spans, total(spans), FPS, spoken,
                   FaceOptions(mouthing=False))
    yaw = comp.track.head[:, 1]
    assert sign_changes(yaw[spans[1].start:spans[1].end]) >= 2
    assert np.degrees(np.abs(yaw).max()) == pytest.approx(15, abs=1.5)
    assert np.abs(yaw[:spans[0].end]).max() == 0      # nothing over the other signs
    assert [m.kind for m in comp.grammar] == ["negation"]


@pytest.mark.parametrize("frames", [13, 15, 40, 100])
def test_short_and_long_negation_signs_still_shake_at_least_twice(frames):
    span = WordSpan("nicht", 20, 20 + frames, 0, gloss="NICHT")
    yaw = compose("nicht", [span], 70 + frames, FPS, "de", FaceOptions(mouthing=False)).track.head[:, 1]
    assert sign_changes(yaw[span.start:span.end]) >= 2


def test_a_negation_sign_too_short_for_a_natural_shake_is_shaken_around_it():
    # 0.24 s cannot hold three swings at <= 3 Hz: the shake spans the sign and a little more
    span = WordSpan("nicht", 20, 26, 0, gloss="NICHT")
    yaw = compose("nicht", [span], 60, FPS, "de", FaceOptions(mouthing=False)).track.head[:, 1]
    assert np.abs(yaw[span.start:span.end]).min() > 0
    assert sign_changes(yaw[span.start - 4:span.end + 4]) >= 2
    assert np.abs(yaw[:span.start - 6]).max() == 0


def test_no_headshake_for_hello_in_korean():
    spans = spans_for(["안녕"])
    comp = compose("안녕", spans, total(spans), FPS, "ko", FaceOptions(mouthing=False))
    assert comp.grammar == [] and np.abs(comp.track.head).max() == 0


def test_affirmation_gets_a_nod():
    spans = spans_for(["Ja"])
    head = compose("Ja", spans, total(spans), FPS, "de", FaceOptions(mouthing=False)).track.head
    assert np.degrees(head[:, 0].max()) > 5 and head[:, 0].min() >= 0 and np.abs(head[:, 1]).max() == 0


@pytest.mark.parametrize("seed", range(6))
def test_blinks_at_a_natural_rate_and_length(seed):
    spans = spans_for([f"w{i}" for i in range(75)], sign=15, gap=5)   # 60 s of signing
    frames = total(spans)
    comp = compose("", spans, frames, 100.0 / 4, "de", FaceOptions(mouthing=False), seed=seed)
    per_minute = len(comp.blinks) / (frames / 25.0 / 60)
    assert 12 <= per_minute <= 24
    blink = comp.track.channel("eyeBlink_L")
    closed = blink > 0.5
    assert int((closed[1:] & ~closed[:-1]).sum()) == len(comp.blinks)
    # mostly at sign boundaries, never two within a second
    in_gaps = sum(not any(s.start + 2 <= b < s.end - 2 for s in spans) for b in comp.blinks)
    assert in_gaps >= 0.8 * len(comp.blinks)
    assert np.diff(comp.blinks).min() >= 25


def test_mean_blink_rate_and_duration():
    spans = spans_for([f"w{i}" for i in range(75)], sign=15, gap=5)
    rates = []
    for seed in range(20):
        comp = compose("", spans, total(spans), FPS, "de", FaceOptions(mouthing=False), seed=seed)
        rates.append(len(comp.blinks) / (total(spans) / FPS / 60))
    assert 15 <= np.mean(rates) <= 20
    # at 200 fps the length of one blink is measurable: 150-250 ms
    fine = compose("", [WordSpan("a", 100, 300, 0)], 1200, 200.0, "de",
                   FaceOptions(mouthing=False, blink_rate_per_min=17), seed=3)
    blink = fine.track.channel("eyeBlink_R")
    runs = np.diff(np.flatnonzero(np.diff(np.r_[0, (blink > 0).astype(int), 0])))[::2]
    assert len(runs) and all(0.14 * 200 <= r <= 0.26 * 200 for r in runs)


@needs_espeak
def test_options_turn_each_part_off():
    spans = spans_for(["Warum", "nicht"])
    frames = total(spans)
    none = compose("Warum nicht?", spans, frames, FPS, "de",
                   FaceOptions(mouthing=False, grammar=False, blinks=False))
    assert none.track.weights.max() == 0 and np.abs(none.track.head).max() == 0
    only_mouth = compose("Warum nicht?", spans, frames, FPS, "de",
                         FaceOptions(grammar=False, blinks=False)).track
    assert only_mouth.channel("jawOpen").max() > 0.2 and only_mouth.channel("browDown_L").max() == 0
    assert only_mouth.channel("eyeBlink_L").max() == 0


def test_deterministic_for_a_seed():
    spans = spans_for([f"w{i}" for i in range(30)])
    a = compose("Wo?", spans, total(spans), FPS, "de", seed=7).track
    b = compose("Wo?", spans, total(spans), FPS, "de", seed=7).track
    c = compose("Wo?", spans, total(spans), FPS, "de", seed=8).track
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.head, b.head)
    assert not np.array_equal(a.weights, c.weights)


@pytest.mark.parametrize("word", ["x" * 500, "😀😀", "\u202e\u0000", "Ǆ̸̢̛̀", "", "123", "a" * 41])
def test_odd_words_give_finite_weights_and_a_no_mouthing_report(word):
    spans = [WordSpan(word, 5, 30, 0), WordSpan("Kinder", 35, 60, 1)]
    comp = compose(f"{word} Kinder?", spans, 70, FPS, "de")
    track = comp.track
    for array in (track.weights, track.jaw, track.head, track.eyes):
        assert np.isfinite(array).all()
    assert track.weights.min() >= 0 and track.weights.max() <= 1
    first = comp.words[0]
    assert first.mouthed or first.reason
    assert first.describe()


def test_missing_espeak_gives_per_word_reports_and_keeps_the_rest(monkeypatch):
    phonemes.clear_cache()
    monkeypatch.setenv("SIGNLLM_ESPEAK", "/nonexistent/espeak-ng")
    spans = spans_for(["Wo", "wohnst", "du"])
    comp = compose("Wo wohnst du?", spans, total(spans), FPS, "de")
    phonemes.clear_cache()
    assert all(not w.mouthed and "espeak-ng is not installed" in w.reason for w in comp.words)
    assert comp.track.channel("browDown_L").max() > 0.5    # grammar still there


def test_a_language_without_a_voice_gets_grammar_and_eyes_only():
    spans = spans_for(["Gdzie", "mieszkasz"])
    comp = compose("Gdzie mieszkasz?", spans, total(spans), FPS, "xx")
    assert all("no grapheme-to-phoneme voice" in w.reason for w in comp.words)
    assert comp.track.channel("jawOpen").max() == 0


def test_random_spans_always_give_a_valid_track():
    rng = np.random.default_rng(0)
    for _ in range(40):
        n = int(rng.integers(0, 6))
        starts = np.sort(rng.integers(0, 200, n))
        spans = [WordSpan(rng.choice(["nicht", "ja", "wo", "Haus", "?"]), int(s),
                          int(s + rng.integers(0, 40)), i) for i, s in enumerate(starts)]
        frames = int(rng.integers(1, 260))
        comp = compose("nicht ja wo Haus?", spans, frames, float(rng.choice([12.5, 25, 60])), "de",
                       seed=int(rng.integers(100)))
        assert comp.track.num_frames == frames
        assert np.isfinite(comp.track.weights).all()
        assert 0 <= comp.track.weights.min() and comp.track.weights.max() <= 1


def test_face_track_validates_and_slices():
    track = FaceTrack.neutral(FACE_NAMES, 10)
    assert track.slice(2, 5).num_frames == 3
    assert track.concat(track).num_frames == 20
    assert FaceTrack.from_frames(FACE_NAMES, [track.frame(i) for i in range(10)]).num_frames == 10
    with pytest.raises(BadInputError, match="not ARKit"):
        FaceTrack.neutral(("jawOpen", "smile"), 2)
    with pytest.raises(BadInputError, match=r"\[0, 1\]"):
        FaceTrack(("jawOpen",), np.full((2, 1), 1.5), np.zeros((2, 3)), np.zeros((2, 3)),
                  np.zeros((2, 2, 3)))
    with pytest.raises(BadInputError, match="non-finite"):
        FaceTrack(("jawOpen",), np.zeros((2, 1)), np.full((2, 3), np.nan), np.zeros((2, 3)),
                  np.zeros((2, 2, 3)))
    with pytest.raises(BadInputError, match="shape"):
        FaceTrack(("jawOpen",), np.zeros((2, 1)), np.zeros((3, 3)), np.zeros((2, 3)),
                  np.zeros((2, 2, 3)))
    assert track.channel("cheekPuff").shape == (10,)


def test_arkit_names():
    assert len(ARKIT_NAMES) == len(set(ARKIT_NAMES)) == 52
    assert set(FACE_NAMES) <= set(ARKIT_NAMES)
    assert live_link_name("eyeBlink_L") == "EyeBlinkLeft" and live_link_name("jawOpen") == "JawOpen"


# ------------------------------------------------------------ the notation's own non-manuals

def notated_face(nonmanual, word="eten", sentence=None, **options):
    span = WordSpan(word, 20, 45, 0, nonmanual=nonmanual)
    opts = FaceOptions(mouthing=False, blinks=False, **options)
    return span, compose(sentence or word, [span], 70, FPS, "nl", opts, seed=0)


def test_notation_brows_and_lids_hold_over_their_sign_only():
    span, face = notated_face(NonManual(brows=("RB",), other=("eye_lids:SB", "mouth_gesture:L06")))
    w = dict(zip(face.track.names, face.track.weights.T))
    inside = slice(span.start, span.end)
    assert w["browInnerUp"][inside].min() > 0.6 and w["eyeSquint_L"][inside].min() > 0.5
    assert w["browInnerUp"][:10].max() == 0 and w["browInnerUp"][60:].max() == 0
    assert w["browDown_L"].max() == 0
    said = face.describe(span)
    assert "notation face: brows RB, lids SB" in said and "not animated: mouth_gesture:L06" in said


def test_notation_headshake_replaces_the_rule_one_and_turns_are_held():
    span, face = notated_face(NonManual(head=("SH",)), word="niet")
    yaw = face.track.head[:, 1]
    assert sign_changes(yaw[span.start:span.end]) >= 2
    assert not [m for m in face.grammar if m.kind == "negation"]    # the sign's own, not twice
    assert np.abs(yaw).max() <= np.radians(15.0) + 1e-6
    span, face = notated_face(NonManual(head=("SL", "TR")))
    mid = (span.start + span.end) // 2
    assert np.allclose(face.track.head[mid], np.radians([0, 20, 12]), atol=1e-6)
    assert np.abs(face.track.head[:5]).max() == 0


def test_notation_gaze_direction_and_unknown_codes_are_reported():
    span, face = notated_face(NonManual(gaze=("DN",), head=("PF",), brows=("XX",)))
    mid = (span.start + span.end) // 2
    w = dict(zip(face.track.names, face.track.weights.T))
    assert w["eyeLookDown_L"][mid] > 0.5 and w["eyeLookDown_L"][:5].max() == 0
    assert face.track.eyes[mid, 0, 0] > 0.1                          # pitched down about +X
    assert "not animated: head PF, brows XX" in face.describe(span)


def test_notation_face_turns_off_with_its_option():
    span, face = notated_face(NonManual(brows=("RB",), head=("SH",)), word="niet",
                              notation=False)
    w = dict(zip(face.track.names, face.track.weights.T))
    assert w["browInnerUp"].max() == 0
    assert [m.kind for m in face.grammar] == ["negation"]           # the rule's own shake
