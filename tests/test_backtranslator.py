"""The two-stage back-translator: its parts behave as the papers describe, and both stages train.

Trained once per module on the toy sign language (training/backtranslator/toy.py) with the tiny
config, single-threaded: on this shared 2-core machine torch's default threads are ~10x slower.
"""
import dataclasses

import numpy as np
import pytest
import torch

from signllm.errors import ModelError
from signllm.pose import PoseSequence
from signllm.text_metrics import translation_scores
from training.backtranslator.checkpoint import load_backtranslator, read_checkpoint
from training.backtranslator.features import pose_features
from training.backtranslator.model import CausalLM, LocalBlock, ModelConfig, PrototypeHead
from training.backtranslator.toy import rest_pose, toy_backtranslator, toy_corpus
from training.backtranslator.train import load_config, train_lm, train_stage1, train_stage2

TINY = "training/configs/backtranslator_tiny.yaml"


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def toy():
    return toy_corpus(n_train=60, n_test=10, seed=0)


@pytest.fixture(scope="module")
def trained(toy, tmp_path_factory):
    # shared with test_evaluate_cli.py through the session's base temp folder
    return toy_backtranslator(tmp_path_factory.getbasetemp() / "toy-backtranslator", toy[0], TINY)


def test_features_do_not_depend_on_the_corpus_scale(toy):
    seq = toy[0][0]
    scaled = seq.with_(joints=seq.joints * 3.0)
    np.testing.assert_allclose(pose_features(seq), pose_features(scaled), atol=1e-5)


def test_local_attention_sees_only_its_window():
    torch.manual_seed(0)
    block = LocalBlock(16, 2, window=3, dropout=0.0).eval()
    x = torch.randn(1, 20, 16)
    pad = torch.zeros(1, 20, dtype=torch.bool)
    y = x.clone()
    y[0, 15] = torch.randn(16) * 5  # more than 3 frames away from frame 5
    np.testing.assert_allclose(block(x, pad)[0, 5].detach(), block(y, pad)[0, 5].detach(), atol=1e-6)
    assert not torch.allclose(block(x, pad)[0, 13], block(y, pad)[0, 13])


def test_prototype_head_gives_probabilities_and_ignores_padding():
    torch.manual_seed(0)
    head = PrototypeHead(8, torch.randn(5, 4), temperature=0.1)
    h = torch.randn(2, 6, 8)
    pad = torch.zeros(2, 6, dtype=torch.bool)
    pad[1, 4:] = True
    p = head(h, pad)
    assert p.shape == (2, 5) and (p >= 0).all() and (p <= 1).all()
    h2 = h.clone()
    h2[1, 4:] = 100.0  # changing padded frames changes nothing
    torch.testing.assert_close(head(h2, pad), p)
    # a clip whose frames all match prototype 0 makes gloss 0 likely
    head.proj.weight.data.zero_()
    head.proj.bias.data = head.prototypes[0].clone()
    assert head(h, torch.zeros(2, 6, dtype=torch.bool))[0].argmax() == 0


def test_zero_initialised_gates_leave_the_language_model_unchanged():
    torch.manual_seed(0)
    lm = CausalLM(ModelConfig(lm_d_model=16, lm_heads=2, lm_layers=2, dropout=0.0), vocab=30).eval()
    tokens = torch.randint(1, 30, (2, 7))
    memory = torch.randn(2, 5, 16)
    torch.testing.assert_close(lm(tokens), lm(tokens, memory, torch.zeros(2, 5, dtype=torch.bool)))


def test_both_stages_train_and_translate_held_out_sentences(trained, toy):
    stage1, stage2 = trained
    s1, s2 = read_checkpoint(stage1), read_checkpoint(stage2)  # weights_only=True inside
    h1 = [h for h in s1["history"] if h["stage"] == "stage1"]
    assert h1[-1]["bce"] < 0.5 * h1[0]["bce"] and h1[-1]["ce"] < 0.2 * h1[0]["ce"]
    h2 = [h for h in s2["history"] if h["stage"] == "stage2"]
    assert h2[-1]["ce"] < 0.2 * h2[0]["ce"]
    # stage 2 froze the encoder and opened the gates
    for key, value in s1["state_dict"].items():
        if key.startswith("encoder."):
            torch.testing.assert_close(s2["state_dict"][key], value)
    assert all(abs(float(v)) > 0.05 for k, v in s2["state_dict"].items() if k.endswith("xattn.gate"))

    test = toy[1]
    refs = [s.text for s in test]
    bt = load_backtranslator(stage2)
    truth = translation_scores(bt.translate(test), refs)
    mean = np.concatenate([s.joints for s in toy[0]]).mean(0)
    still = [PoseSequence.from_joints(np.repeat(mean[None], s.num_frames, 0)) for s in test]
    floor = translation_scores(bt.translate(still), refs)
    assert truth["bleu1"] > 50 and truth["bleu1"] > floor["bleu1"] + 30
    assert truth["wer"] < floor["wer"]
    # a stage-1 checkpoint translates with its light translator
    assert translation_scores(load_backtranslator(stage1).translate(test), refs)["bleu1"] > 50


def test_pretrained_lm_checkpoint_is_used_and_kept_frozen(toy, tmp_path):
    cfg = load_config(TINY)
    short = dataclasses.replace(cfg.stage1, steps=20)
    cfg = dataclasses.replace(cfg, stage1=short, stage2=dataclasses.replace(cfg.stage2, steps=20),
                              lm=dataclasses.replace(cfg.lm, steps=20))
    lm_path = train_lm([s.text for s in toy[0]], cfg, tmp_path / "lm")
    cfg = dataclasses.replace(cfg, lm_checkpoint=str(lm_path), freeze_lm=True)
    stage2 = read_checkpoint(train_stage2(train_stage1(toy[0][:20], cfg, tmp_path), cfg,
                                          toy[0][:20], tmp_path))
    lm = read_checkpoint(lm_path, "signllm-causal-lm")["state_dict"]
    for key, value in lm.items():
        if ".xattn." not in key:
            torch.testing.assert_close(stage2["state_dict"]["lm." + key], value)
    assert any(float(v) != 0 for k, v in stage2["state_dict"].items() if k.endswith("xattn.gate"))


def test_bad_checkpoints_are_refused_clearly(tmp_path):
    with pytest.raises(ModelError, match="no such checkpoint"):
        load_backtranslator(tmp_path / "missing.pt")
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(ModelError, match="not a readable checkpoint"):
        load_backtranslator(junk)
    other = tmp_path / "other.pt"
    torch.save({"format": "something-else"}, other)
    with pytest.raises(ModelError, match="expected a signllm-backtranslator"):
        load_backtranslator(other)


def test_empty_clip_translates_without_crashing(trained):
    empty = PoseSequence.from_joints(np.zeros((0, 50, 3), np.float32))
    still = PoseSequence.from_joints(rest_pose()[None])
    out = load_backtranslator(trained[1]).translate([empty, still])
    assert len(out) == 2 and all(isinstance(t, str) for t in out)
