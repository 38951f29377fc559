"""Text scores of back-translation (signllm.text_metrics), checked on values worked out by hand."""
import pytest

from signllm.errors import BadInputError
from signllm.text_metrics import bleu, chrf, gloss_prf, rouge_l, translation_scores, wer

REFS = ["am tag regnet es im norden", "morgen wird es sonnig"]


def test_perfect_and_empty_hypotheses():
    perfect = translation_scores(REFS, REFS, "de")
    for key in ("bleu1", "bleu4", "chrf", "rouge_l", "gloss_precision", "gloss_recall", "gloss_f1"):
        assert perfect[key] == pytest.approx(100.0), key
    assert perfect["wer"] == 0.0
    empty = translation_scores(["", ""], REFS, "de")
    assert empty["bleu1"] == 0.0 and empty["rouge_l"] == 0.0 and empty["gloss_f1"] == 0.0
    assert empty["wer"] == 100.0  # 10 deletions / 10 reference words


def test_hand_computed_values():
    # one substitution in 4 words + one insertion -> 2 edits / 4 words
    assert wer(["morgen wird es heiß sehr"], ["morgen wird es sonnig"]) == pytest.approx(50.0)
    # LCS 3 of hyp 5 / ref 4: P=.6, R=.75, F(beta=1.2) = 2.44*.45/(.75+1.44*.6)
    assert rouge_l(["morgen wird es heiß sehr"], ["morgen wird es sonnig"]) == pytest.approx(
        100 * 2.44 * 0.45 / (0.75 + 1.44 * 0.6))
    # unigram precision 3/5 with brevity penalty 1 (hyp longer)
    assert bleu(["morgen wird es heiß sehr"], ["morgen wird es sonnig"])["bleu1"] == pytest.approx(60.0)
    prf = gloss_prf([["regen", "regen", "sonne"]], [["regen", "wind"]])
    assert prf["gloss_precision"] == pytest.approx(100 / 3) and prf["gloss_recall"] == 50.0
    assert 0 < chrf(["morgen wird es heiß"], ["morgen wird es sonnig"]) < 100


def test_mismatched_lengths_are_refused():
    with pytest.raises(BadInputError, match="1 hypotheses but 2 references"):
        bleu(["a"], REFS)
    with pytest.raises(BadInputError, match="no sentences"):
        wer([], [])
