"""The lexicon generator: every covered language, the no-data path, and a user lexicon."""
import numpy as np
import pytest

from signllm.errors import BadInputError, NoDataError
from signllm.fingerspelling import covered_languages
from signllm.formats import read, write
from signllm.languages import get_language
from signllm.lexicon import LexiconGenerator, UserLexicon, load_lexicon_generator
from signllm.pose import PoseSequence


@pytest.fixture(scope="module")
def generator():
    return LexiconGenerator(builtin_signs=False)   # the fingerspelling path (signs: test_signing.py)


@pytest.mark.parametrize("language, text", [
    ("ase", "Hello world"), ("gsg", "Guten Morgen"), ("sgg", "Schöne Sache"),
    ("tsm", "Merhaba dünya"), ("slf", "Buongiorno a tutti")])
def test_every_covered_language_generates_real_motion(generator, language, text):
    assert language in covered_languages()
    stream = generator.stream(text, get_language(language), seed=0)
    seq = stream.collect()
    assert seq.num_frames > 25 and np.isfinite(seq.joints).all()
    assert seq.language == language and seq.gloss == stream.info.gloss
    assert [w.how for w in stream.info.words] == ["fingerspelled"] * len(text.split())
    # The hands move: a joined sequence of letters is not a still pose.
    assert np.ptp(seq.joints[:, 8:], axis=0).max() > 0.05
    if language == "slf":
        assert all("proxy" in w.detail for w in stream.info.words)


def test_same_seed_same_motion_and_seed_varies_timing(generator):
    a = generator.generate("Hello world", "ase", seed=5)
    b = generator.generate("Hello world", "ase", seed=5)
    c = generator.generate("Hello world", "ase", seed=6)
    assert np.array_equal(a.joints, b.joints)
    assert a.num_frames != c.num_frames or not np.array_equal(a.joints, c.joints)


def test_unit_frames_align_each_letter_and_mark_with_the_rendered_frames(generator):
    # no seed: the Timing defaults at 25 fps exactly (hold 4, transition 3, lead 9, comma 11)
    assert generator.unit_frames("Hi, yo", "ase") == ("H-I , Y-O", [1 + 9 + 4, 3 + 4, 11, 7, 7 + 9 + 1])
    assert generator.unit_frames("hi yo", "ase")[1][1] == 7 + 6       # the word pause follows I
    for text, language in (("Hello, world.", "ase"), (", Schule?! ja", "gsg"), ("ciao bella", "slf"),
                           ("Çiçek!", "tsm")):
        for seed in (1, 2):
            gloss, counts = generator.unit_frames(text, language, seed=seed)
            seq = generator.generate(text, language, seed=seed)
            assert gloss == seq.gloss and len(counts) == len(gloss.replace("-", " ").split())
            assert sum(counts) == seq.num_frames
            marks = [c for u, c in zip(gloss.replace("-", " ").split(), counts) if not u.isalpha()]
            letters = [c for u, c in zip(gloss.replace("-", " ").split(), counts) if u.isalpha()]
            assert min(letters) > 0 and all(m >= 0 for m in marks)


@pytest.mark.parametrize("language", ["kvk", "ssr", "aed", "KSL"])
def test_no_data_fails_and_says_how_to_add_data(generator, language):
    with pytest.raises(NoDataError) as info:
        generator.generate("hello", language)
    message = str(info.value)
    assert "--lexicon" in message and "Prompt2Sign" in message


def test_unspellable_words_are_reported(generator):
    stream = generator.stream("Quiz 42 kalem", get_language("tsm"), seed=0)
    how = {w.word: (w.how, w.detail) for w in stream.info.words}
    assert how["42"][0] == "skipped" and "no clip" in how["42"][1]
    assert how["Quiz"][0] == "fingerspelled" and "Q" in how["Quiz"][1]
    assert how["kalem"][0] == "fingerspelled"


def _tiny_lexicon(folder, frames=12):
    """One recorded 'sign' per entry, written through the core's .pose writer."""
    rng = np.random.default_rng(0)
    base = read_letter_clip()
    joints = base[:frames] + rng.normal(0, 0.005, base[:frames].shape).astype(np.float32)
    write(folder / "hello.pose", PoseSequence.from_joints(joints, fps=25.0, name="hello"))
    write(folder / "annyeong.pose", PoseSequence.from_joints(joints[::-1].copy(), fps=25.0))
    (folder / "index.csv").write_text(
        "path,spoken_language,signed_language,start,end,words,glosses,priority\n"
        "hello.pose,en,ase,0,0,hello,HELLO,0\n"
        "annyeong.pose,ko,kvk,0,0,안녕,ANNYEONG,0\n", encoding="utf-8")
    return folder


def read_letter_clip():
    gen = LexiconGenerator()
    return gen.generate("ab", "ase", seed=0).joints


def test_user_lexicon_gives_real_signs_and_falls_back(tmp_path):
    folder = _tiny_lexicon(tmp_path)
    gen = load_lexicon_generator(lexicon=folder)
    stream = gen.stream("Hello Bob", get_language("ase"), seed=0)
    words = stream.info.words
    assert (words[0].word, words[0].how) == ("Hello", "lexicon") and "hello.pose" in words[0].detail
    assert (words[1].word, words[1].how) == ("Bob", "fingerspelled")
    assert stream.info.gloss.startswith("HELLO B-O-B")
    assert stream.collect().num_frames > 12


def test_user_lexicon_covers_a_language_without_an_alphabet(tmp_path):
    gen = LexiconGenerator(lexicon=_tiny_lexicon(tmp_path))
    stream = gen.stream("안녕 친구", get_language("kvk"))
    how = [(w.word, w.how) for w in stream.info.words]
    assert how == [("안녕", "lexicon"), ("친구", "skipped")]
    assert "no alphabet" in stream.info.words[1].detail
    seq = stream.collect()
    assert seq.num_frames >= 12 and seq.language == "kvk"


def test_bad_lexicon_index_names_file_and_line(tmp_path):
    (tmp_path / "index.csv").write_text("path,words\nx.pose,hi\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="index.csv.*lacks column"):
        UserLexicon(tmp_path)
    (tmp_path / "index.csv").write_text(
        "path,spoken_language,signed_language,start,end,words,glosses,priority\n"
        "x.pose,en,ase,abc,0,hi,HI,0\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="line 2"):
        UserLexicon(tmp_path)
    with pytest.raises(BadInputError, match="index.csv"):
        UserLexicon(tmp_path / "missing")


def test_written_pose_reads_back(tmp_path, generator):
    seq = generator.generate("Hi", "ase", seed=0)
    write(tmp_path / "hi.pose", seq)
    back = read(tmp_path / "hi.pose")[0]
    assert back.num_frames == seq.num_frames


def test_render_plan_aligns_signs_letters_and_marks_and_varies():
    """render_plan: the generator's poses plus frames per gloss unit; variation changes timing,
    body and hand, never the alignment's sum."""
    from signllm.languages import get_language
    from signllm.lexicon import LexiconGenerator, Variation, gloss_units, mirror, render_plan
    from signllm.synthesis import Body

    letters = LexiconGenerator(builtin_signs=False)
    plan = letters.plan("Hi, yo", get_language("ase"), 25.0, np.random.default_rng(4))
    assert render_plan(plan, get_language("ase"), 25.0)[2] == letters.unit_frames("Hi, yo", "ase", seed=4)[1]

    signs = LexiconGenerator()
    sgg = get_language("sgg")
    plan = signs.plan("Kind, essen Zug.", sgg, 25.0, None)
    joints, confidence, frames, _ = render_plan(plan, sgg, 25.0)
    assert np.array_equal(joints, signs.generate("Kind, essen Zug.", "sgg").joints)
    assert len(frames) == len(gloss_units(plan.gloss)) and sum(frames) == len(joints)
    fast = Variation(speed=1.15, transition=0.8, body=Body(shoulder_width=0.38), left_handed=True)
    j2, c2, f2, _ = render_plan(plan, sgg, 25.0, variation=fast)
    assert sum(f2) == len(j2) < len(joints) and c2.shape == j2.shape[:2]
    # left-handed: the right-handed rendering mirrored (x negated, left and right swapped)
    right = render_plan(plan, sgg, 25.0, variation=Variation(1.15, 0.8, Body(shoulder_width=0.38)))[0]
    assert np.allclose(j2, mirror(right)) and np.allclose(mirror(j2), right)
    assert np.allclose(j2[:, 7, 0], -right[:, 4, 0])     # left wrist where the right one was
