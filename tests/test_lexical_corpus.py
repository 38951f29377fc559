"""The lexical DSGS corpus: a tiny one builds in seconds, reads back with the trainer's reader,
holds out whole sentences and whole sign bigrams, and aligns every gloss unit with its frames."""
import json

import numpy as np
import pytest

from signllm.errors import BadInputError
from signllm.lexicon import gloss_units, mirror
from training.corpus.build import main
from training.corpus.lexical import (LEXICAL_SPLITS, LexicalOptions, bigrams, build_lexical,
                                     compose, spelled)
from training.data import language_folders, read_split

SIZES = {"train": 60, "dev": 6, "test": 6, "test_bigram": 6}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, shared_data):
    out = tmp_path_factory.mktemp("lexical")
    return out, build_lexical(LexicalOptions(out, SIZES, seed=1, shared_data=shared_data),
                              progress=False)


def lines(out, split, ext):
    return (out / "sgg" / f"{split}.{ext}").read_text(encoding="utf-8").splitlines()


def test_reads_back_with_the_trainers_reader_and_durations_align(corpus):
    out, manifest = corpus
    folders = language_folders(out, {})
    assert list(folders) == ["sgg"]
    for split in LEXICAL_SPLITS:
        examples = read_split(folders, split, "mlsf", "given", {"max_frames": 5000})
        assert len(examples) == manifest["counts"][split]["items"] > 0, split
        glosses = lines(out, split, "gloss")
        assert len(lines(out, split, "text")) == len(lines(out, split, "prompt")) == len(glosses)
        for example, gloss in zip(examples, glosses):
            assert len(example.unit_frames) == len(gloss_units(gloss))
            assert sum(example.unit_frames) == len(example.frames) and min(example.unit_frames) >= 0
            assert example.source == gloss
    # signs, not only letters: most gloss tokens of the grammar's items are lexicon signs
    tokens = [t for g, o in zip(lines(out, "train", "gloss"), lines(out, "train", "origin"))
              if o.startswith("grammar:") for t in g.split()]
    assert sum(not spelled(t) for t in tokens) > 0.8 * len(tokens)


def test_held_out_sentences_and_bigrams(corpus):
    out, manifest = corpus
    gloss = {s: lines(out, s, "gloss") for s in LEXICAL_SPLITS}
    assert not set(gloss["test"]) & set(gloss["train"]) and not set(gloss["dev"]) & set(gloss["train"])
    content = lambda g: [t for t in g.split() if t not in ".,?!"]   # noqa: E731
    train_bigrams = {b for g in gloss["train"] + gloss["dev"] + gloss["test"]
                     for b in bigrams(content(g))}
    held = {tuple(b.split()) for b in manifest["held_out_bigrams"]}
    assert held and not held & train_bigrams
    train_signs = {t for g in gloss["train"] for t in content(g)}
    for g in gloss["test_bigram"]:
        assert bigrams(content(g)) & held, g          # each holds a combination never trained
        assert all(spelled(t) or t in train_signs for t in content(g)), g   # of trained signs


def test_variation_and_provenance_are_recorded(corpus):
    out, manifest = corpus
    assert json.loads((out / "corpus.json").read_text())["kind"] == "lexical"
    records = [json.loads(x) for x in lines(out, "train", "variation")]
    assert len(records) == SIZES["train"]
    speeds = [r["speed"] for r in records]
    assert 0.85 <= min(speeds) < max(speeds) <= 1.15
    assert len({r["body"]["upper_arm"] for r in records}) > 10
    assert any(r["left_handed"] for r in records) and not all(r["left_handed"] for r in records)
    origins = lines(out, "train", "origin")
    assert "phoenix14t-pt-sample" in origins and any(o.startswith("grammar:") for o in origins)


def test_the_trainer_reads_left_handed_items_as_right_handed_signing(corpus):
    """A text does not say who signs: the generator's targets are all right-handed unless asked."""
    out, _ = corpus
    folders = language_folders(out, {})
    left = [json.loads(x)["left_handed"] for x in lines(out, "train", "variation")]
    as_recorded = read_split(folders, "train", "mlsf", "given",
                             {"max_frames": 5000, "dominant_hand": "as-recorded"})
    right = read_split(folders, "train", "mlsf", "given", {"max_frames": 5000})
    assert len(as_recorded) == len(right) == len(left)
    for was_left, a, r in zip(left, as_recorded, right):
        if was_left:
            assert np.allclose(mirror(a.frames.reshape(-1, 50, 3)), r.frames.reshape(-1, 50, 3))
            assert not np.allclose(a.frames, r.frames)
        else:
            assert np.array_equal(a.frames, r.frames)
    with pytest.raises(BadInputError, match="dominant_hand"):
        read_split(folders, "train", "mlsf", "given", {"dominant_hand": "left"})


def test_grammar_puts_the_wh_sign_last_and_is_seeded():
    a = [compose(np.random.default_rng(5)) for _ in range(1)][0]
    assert a == compose(np.random.default_rng(5))
    rng = np.random.default_rng(0)
    for _ in range(200):
        c = compose(rng)
        if c.origin in ("grammar:was", "grammar:wer", "grammar:wo", "grammar:warum"):
            assert c.signs[-1] == "?" and c.signs[-2] == c.origin.split(":")[1]
            assert c.text.endswith("?")
        if c.origin == "grammar:negation":
            assert c.signs[-2] in ("nicht", "nie")


def test_cli_refuses_a_language_without_a_lexicon(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "c"), "--language", "ase"]) == 2
    assert "sgg" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()
