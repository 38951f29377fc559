"""The continuous sign recogniser: CTC targets and decoding, GER, and overfitting 3 items."""
import numpy as np
import pytest

from signllm.languages import get_language
from signllm.lexicon import LexiconGenerator, render_plan
from training.recognizer.gloss import (GlossRecognizer, class_names, decode, gloss_error_rate,
                                       gloss_errors, gloss_tokens, targets)
from training.recognizer.train_gloss import train

TEXTS = ["heute vater apfel kaufen .", "Anna katze suchen wer ?", "kind Zürich schlafen nicht ."]


@pytest.fixture(scope="module")
def items():
    generator = LexiconGenerator()
    sgg = get_language("sgg")
    out = []
    for text in TEXTS:
        plan = generator.plan(text, sgg, 25.0, None)
        out.append((render_plan(plan, sgg, 25.0)[0], plan.gloss))
    return out


def test_ger_of_identical_sequences_is_zero_and_counts_edits():
    refs = [["HEUTE", "VATER", "APFEL", "KAUFEN"], ["A-N-N-A", "WER"]]
    assert gloss_error_rate(refs, refs) == 0.0
    hyps = [["HEUTE", "APFEL", "KAUFEN", "NICHT"], ["A-N-A", "WER"]]
    assert gloss_error_rate(refs, hyps) == pytest.approx(3 / 6)
    assert gloss_errors(refs, hyps) == {"substitute": 1, "delete": 1, "insert": 1}
    assert gloss_error_rate(refs, [[], []]) == 1.0


def test_targets_and_decoding_round_trip_signs_and_spelled_words():
    gloss = "HEUTE A-N-N-A L-E-A CH KAUFEN ?"
    classes = class_names([gloss])
    assert "CH" in classes and "#CH" not in classes and "#A" in classes
    index = {c: i for i, c in enumerate(classes)}
    ids = targets(gloss, index)
    assert ids.count(index["_"]) == 1                     # between the two spelled words only
    # a CTC path: repeats collapse, blanks separate the doubled N
    path = [0] + [k for i in ids for k in (i, i, 0)]
    assert decode(path, classes) == gloss_tokens(gloss) == ["HEUTE", "A-N-N-A", "L-E-A", "CH", "KAUFEN"]


def test_recogniser_overfits_three_items(items, tmp_path):
    result = train(None, tmp_path / "rec.pt", steps=300, batch_size=3, lr=3e-3, eval_every=20,
                   hidden=64, progress=False, items=items, dev=items, augment_data=False,
                   threads=1, stop_ger=0.0)
    assert result["best_dev_ger"] == 0.0, result
    model = GlossRecognizer.from_checkpoint(tmp_path / "rec.pt")
    for joints, gloss in items:
        assert model.recognise(joints) == gloss_tokens(gloss)
    assert np.isfinite(result["seconds"])
