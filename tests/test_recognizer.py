"""The fingerspelling recogniser (the LER back-translator): scoring maths, a tiny training run,
and the committed recogniser reading back held-out words."""
from pathlib import Path

import numpy as np
import pytest
import torch

from signllm.languages import get_language
from signllm.lexicon import LexiconGenerator
from training.corpus.build import split_of, word_key
from training.recognizer.model import (FEATURES, Recognizer, features, letter_error_rate,
                                       letter_errors)
from training.recognizer.train import DEFAULT_OUT, letters_of, train


def test_letter_error_rate_and_its_breakdown():
    assert letter_error_rate([list("HELLO")], [list("HELLO")]) == 0
    assert letter_error_rate([list("AB"), list("CD")], [list("AB"), list("C")]) == 0.25
    assert letter_error_rate([["SCH", "A"]], [["S", "A"]]) == 0.5  # units, not characters
    kinds = letter_errors([list("HELLO"), list("CAT"), list("AB")], [list("HELO"), list("CUTS"), list("")])
    assert kinds == {"substitute": 1, "delete": 3, "insert": 1, "merged_double": 1}
    assert letters_of("H-E-Y , SCH-U-L-E .") == [["H", "E", "Y"], ["SCH", "U", "L", "E"]]


def test_features_are_size_invariant():
    seq = LexiconGenerator().generate("ab", "ase", seed=0)
    f = features(seq.joints)
    assert f.shape == (seq.num_frames, FEATURES)
    assert np.allclose(f, features(seq.joints * 1.7), atol=1e-4)


def test_tiny_training_run_writes_a_safe_checkpoint(tmp_path, shared_data):
    out = tmp_path / "rec.pt"
    result = train(["ase"], out, steps=15, per_language=12, batch_size=4, seed=0,
                   shared_data=shared_data)
    assert out.is_file() and result["classes"] == 2 + 26
    data = torch.load(out, weights_only=True)
    model = Recognizer.from_checkpoint(out)
    assert data["kind"] == "fingerspelling-recognizer"
    assert isinstance(model.recognise(np.zeros((30, 50, 3), np.float32), "ase"), list)


@pytest.mark.skipif(not Path(DEFAULT_OUT).is_file(), reason="recogniser checkpoint not trained yet")
def test_committed_recogniser_reads_held_out_words():
    model = Recognizer.from_checkpoint(DEFAULT_OUT)
    generator = LexiconGenerator()
    words = {"ase": ["Russian", "wall", "orange"], "gsg": ["Regen", "Morgen"], "tsm": ["kalem"]}
    refs, hyps = [], []
    for language, candidates in words.items():
        for word in candidates:
            assert split_of(word_key(word)) != "train"   # never seen in training
            stream = generator.stream(word, get_language(language), seed=7)
            refs.append([u for w in letters_of(stream.info.gloss) for u in w])
            hyps.append(model.recognise(stream.collect().joints, language))
    assert letter_error_rate(refs, hyps) < 0.3
    # A still mean pose carries no letters.
    assert len(model.recognise(np.zeros((60, 50, 3), np.float32), "ase")) <= 1
