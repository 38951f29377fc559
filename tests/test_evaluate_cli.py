"""`signllm evaluate`: the evaluator tells ground truth > a degraded output > the mean pose apart
on held-out sentences, and shows every score beside the ceiling and floors.

No trained generator can be trained within this test's time, so the "generated" poses are the
ground truth deliberately degraded (local temporal jitter + 2 cm joint noise) — said plainly.
The back-translator is the tiny two-stage one trained on the toy sign language's training
split only (shared with test_backtranslator.py); the test sentences are new word combinations.
"""
import json

import numpy as np
import pytest
import torch

from signllm import formats
from signllm.cli import main
from training.backtranslator.toy import degrade, toy_backtranslator, toy_corpus

TINY = "training/configs/backtranslator_tiny.yaml"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    train, test = toy_corpus(n_train=60, n_test=10, seed=0)
    _, bt = toy_backtranslator(tmp_path_factory.getbasetemp() / "toy-backtranslator", train, TINY)
    root = tmp_path_factory.mktemp("evaluate")
    corpus = root / "corpus"
    formats.write(corpus / "train.skels", train)
    formats.write(corpus / "test.skels", test)
    rng = np.random.default_rng(1)
    formats.write(root / "degraded.skels", [degrade(s, rng) for s in test])
    yield root, corpus, bt
    torch.set_num_threads(before)


def test_ranks_ground_truth_above_degraded_above_mean_pose(setup, capsys):
    root, corpus, bt = setup
    out_json, png = root / "scores.json", root / "scores.png"
    rc = main(["evaluate", "--hyp", str(root / "degraded.skels"), "--ref", str(corpus),
               "--backtranslator", str(bt), "--json", str(out_json), "--plot", str(png)])
    table = capsys.readouterr().out
    assert rc == 0
    for label in ("BLEU-4", "chrF", "ROUGE-L", "WER", "pseudo-gloss F1", "DTW-MJE", "ceiling",
                  "floor: mean pose", "floor: shuffled"):
        assert label in table
    scores = json.loads(out_json.read_text())["systems"]
    hyp, gt = scores["hypothesis"], scores["ceiling"]
    mean, shuffled = scores["floor: mean pose"], scores["floor: shuffled"]
    # back-translation: ceiling > degraded > mean pose, on sentences never seen in training
    for key in ("bleu1", "chrf", "rouge_l", "gloss_f1"):
        assert gt[key] > hyp[key] > mean[key], key
        assert gt[key] > shuffled[key], key
    assert gt["wer"] < hyp["wer"] < mean["wer"]
    # pose metrics: the ceiling is exact, the degraded output in between
    assert gt["dtw_mje"] == pytest.approx(0.0, abs=1e-6)
    assert 0 < hyp["dtw_mje"] < mean["dtw_mje"]
    assert mean["expressiveness"] < 0.05 < hyp["expressiveness"]
    assert len(hyp["translations"]) == 10
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_json_to_stdout_without_backtranslator(setup, capsys):
    root, corpus, _ = setup
    assert main(["evaluate", "--hyp", str(root / "degraded.skels"), "--ref",
                 str(corpus / "test.skels"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["clips"] == 10 and "bleu4" not in data["systems"]["hypothesis"]
    assert data["systems"]["ceiling"]["dtw_mje"] == pytest.approx(0.0, abs=1e-6)


def test_bad_inputs_fail_with_one_line(setup, capsys, tmp_path):
    root, corpus, _ = setup
    assert main(["evaluate", "--hyp", str(root / "degraded.skels"), "--ref", str(corpus),
                 "--split", "dev"]) == 2
    assert "no dev.skels in the corpus (splits there: test, train)" in capsys.readouterr().err
    train, _ = toy_corpus(n_train=60, n_test=10, seed=0)
    formats.write(tmp_path / "three.skels", train[:3])
    assert main(["evaluate", "--hyp", str(tmp_path / "three.skels"), "--ref", str(corpus)]) == 2
    assert "3 hypothesis clips for 10 references" in capsys.readouterr().err
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"junk")
    assert main(["evaluate", "--hyp", str(root / "degraded.skels"), "--ref", str(corpus),
                 "--backtranslator", str(junk)]) == 2
    assert "not a readable checkpoint" in capsys.readouterr().err
