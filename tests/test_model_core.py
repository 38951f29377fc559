"""Model core: tokenizer, LangGloss, incremental decoding == full decoding, batching,
checkpoint loading and its errors, streaming resampling."""
import logging
import numpy as np
import pytest
import torch

from signllm.errors import BadInputError, ModelError
from signllm.generation import Frame, load_generator
from signllm.langgloss import from_langgloss, gloss_tokens, to_langgloss
from signllm.model import checkpoint as ckpt
from signllm.model.checkpoint import SignLLMModel
from signllm.model.config import FRAME_DIM, STEP_DIM, make_config
from signllm.model.decoding import decode_steps, generate_batch, pad_ids
from signllm.model.generator import SignLLMGenerator, resample_stream
from signllm.model.network import DurationText2Pose, SignLLMNet
from signllm.model.tokenizer import (UNK, encode, token_durations, tokenizer_from_json,
                                     train_tokenizer)

TEXTS = ["GSL WETTER GSL MORGEN", "ASL H-E-L-L-O ASL W-O-R-L-D", "TSL İSTANBUL TSL IŞIK",
         "KSL 안녕하세요 KSL 감사합니다", "LSF-CH ÇA LSF-CH GRÜẞE"]


def test_tokenizer_handles_diacritics_hangul_turkish_and_keeps_tags_whole():
    tok = train_tokenizer(TEXTS, vocab_size=200)
    tok = tokenizer_from_json(tok.to_str())  # survives the checkpoint round trip
    for text in TEXTS:
        pieces = tok.encode(text).tokens
        assert UNK not in pieces, (text, pieces)
    assert tok.encode("ASL H-E-L-L-O").tokens[:2] == ["ASL", "▁H"]   # tag whole, letters split
    decomposed = "GSL GRU\u0308SSE"  # NFC normalisation makes it the same as precomposed Ü
    assert tok.encode(decomposed).ids == tok.encode("GSL GRÜSSE").ids
    assert "İ" in "".join(tok.encode("TSL İSTANBUL").tokens)
    assert encode(tok, "", 10) == [tok.token_to_id(UNK)]


def test_token_durations_follow_the_gloss_units_and_give_tags_none():
    tok = train_tokenizer(["ASL H-E-L-L-O ASL , ASL W-O", "S-CH-U-L-E", "H-E-L-L-O"], vocab_size=60)
    assert token_durations(tok, "H-E-L-L-O", [5, 1, 2, 3, 4], 32) == [5, 1, 2, 3, 4]
    tagged = token_durations(tok, "ASL H-E ASL , ASL W-O", [1, 2, 3, 4, 5], 32)
    pieces = tok.encode("ASL H-E ASL , ASL W-O").tokens
    assert sum(tagged) == 15 and [d for p, d in zip(pieces, tagged) if p == "ASL"] == [0, 0, 0]
    assert [d for d in tagged if d] == [1, 2, 3, 4, 5]
    hyphenated_tag = token_durations(tok, "LIS-CH C-I LIS-CH A", [1, 2, 3], 32)  # tag with a hyphen
    assert sum(hyphenated_tag) == 6 and tok.encode("LIS-CH C-I").tokens[0] == "LIS-CH"
    assert token_durations(tok, "H-E-L-L-O", [5, 1, 2], 32) is None      # counts do not match
    assert token_durations(tok, "H-E-L-L-O", [5, 1, 2, 3, 4], 3) is None  # would be cut


def test_langgloss_round_trip_and_front_ends():
    assert to_langgloss(["H-E-L-L-O", "W-O-R-L-D"], "ase") == "ASL H-E-L-L-O ASL W-O-R-L-D"
    tokens, lang = from_langgloss("GSL WETTER GSL MORGEN")
    assert tokens == ["WETTER", "MORGEN"] and lang.code == "gsg"
    assert gloss_tokens("İstanbul'da iyi günler!", "tsm", "words") == ["İSTANBUL'DA", "İYİ", "GÜNLER"]
    assert gloss_tokens("WETTER  MORGEN", "gsg", "given") == ["WETTER", "MORGEN"]
    with pytest.raises(BadInputError):
        from_langgloss("GSL WETTER XYZ MORGEN")
    with pytest.raises(BadInputError):
        gloss_tokens("x", "gsg", "nonsense")


def _net(**over):
    torch.manual_seed(0)
    cfg = make_config("tiny", vocab_size=50, max_frames=64, **over)
    net = SignLLMNet(cfg, ["gsg"]).eval()
    return net, net.group("gsg")


@pytest.mark.parametrize("progress_attention", [False, True])
def test_incremental_decoding_matches_full_teacher_forced_decoding(progress_attention):
    _, g = _net(progress_attention=progress_attention)
    ids = [[3, 4, 5, 6]]
    steps = list(decode_steps(g, ids, max_frames=20, stop_eps=-1.0))  # never stops: 20 frames
    produced = torch.stack([f[0] for f, _ in steps])
    steps_in = torch.cat([torch.zeros(1, STEP_DIM), produced[:-1]])[None]
    src, pad = pad_ids(ids)
    with torch.no_grad():
        full = g(src, pad, steps_in)[0, :, 0]
    full[:, -1].clamp_(0, 1)
    assert torch.allclose(full, produced, atol=1e-5)


@pytest.mark.parametrize("progress_attention", [False, True])
def test_batched_generation_with_padding_equals_one_by_one(progress_attention):
    _, g = _net(progress_attention=progress_attention)
    ids = [[3, 4], [5, 6, 7, 8, 9], [10]]
    batch = generate_batch(g, ids, max_frames=12, stop_eps=-1.0)
    for i, x in enumerate(ids):
        single = generate_batch(g, [x], max_frames=12, stop_eps=-1.0)[0]
        assert single.shape == batch[i].shape == (12, STEP_DIM)
        assert np.allclose(single, batch[i], atol=1e-5)


def test_generation_stops_at_the_first_frame_whose_counter_reaches_one():
    _, g = _net()
    g.head.weight.data[STEP_DIM - 1] = 0.0
    g.head.bias.data[STEP_DIM - 1] = 1.0   # the first frame already says "done"
    assert [len(x) for x in generate_batch(g, [[3], [4, 5]])] == [1, 1]


def test_max_length_guard_stops_a_model_that_never_finishes():
    _, g = _net()
    g.head.weight.data[STEP_DIM - 1] = 0.0
    g.head.bias.data[STEP_DIM - 1] = -5.0  # counter stuck at 0
    assert generate_batch(g, [[3]], max_frames=17)[0].shape == (17, STEP_DIM)


def test_length_guard_scales_with_the_source_and_is_learned_from_training_data():
    from training.data import Example, length_guard

    _, g = _net(length_guard=2.5)
    g.head.weight.data[STEP_DIM - 1] = 0.0
    g.head.bias.data[STEP_DIM - 1] = -5.0  # counter stuck at 0
    lengths = [len(x) for x in generate_batch(g, [[3], [3, 4, 5, 6]], max_frames=40)]
    assert lengths == [3, 10]              # ceil(2.5 x tokens), each row on its own
    examples = [Example("gsg", "", np.zeros((t, FRAME_DIM)), np.ones((t, FRAME_DIM)), ids=list(range(n)))
                for t, n in [(20, 4), (30, 3), (8, 4)]]
    assert length_guard(examples) == 1.25 * 10


def _model(mode="mlsf"):
    net, _ = _net()
    tok = train_tokenizer(["WETTER MORGEN", "GSL WETTER"], vocab_size=60)
    return SignLLMModel(net, mode, net.cfg, tok, "given", ["gsg"],
                        np.zeros(FRAME_DIM, np.float32), np.ones(FRAME_DIM, np.float32), 25.0)


def test_durations_decoder_lays_tokens_out_by_their_durations():
    _, g = _net(decoder="durations", future_frames=1)
    assert isinstance(g, DurationText2Pose)
    src, pad = pad_ids([[3, 4, 5], [6, 7]])
    durations = torch.tensor([[2, 0, 3], [4, 1, 0]])
    frames, log_durations = g(src, pad, durations, width=6)
    assert frames.shape == (2, 6, 1, STEP_DIM) and log_durations.shape == (2, 3)
    assert torch.allclose(frames[0, :5, 0, -1], torch.arange(1, 6) / 5)   # counter = (t + 1) / T
    # padding tokens and frames past a row's length change nothing: batched == one by one
    alone, _ = g(*pad_ids([[6, 7]]), durations[1:, :2], width=5)
    assert torch.allclose(frames[1, :5], alone[0], atol=1e-5)
    out, lengths = g.generate(src, pad, max_frames=64)
    assert out.shape[0] == 2 and 1 <= int(lengths.max()) <= 64
    steps = list(decode_steps(g, [[3, 4, 5]], max_frames=64))
    assert len(steps) == int(lengths[0]) and steps[-1][0][0, -1] == 1.0
    assert [len(f) for f in generate_batch(g, [[3, 4, 5], [6, 7]])] == lengths.tolist()
    _, short = g.generate(src, pad, max_frames=3)
    assert 1 <= int(short.min()) and int(short.max()) <= 3
    batched = generate_batch(g, [[3, 4, 5], [6, 7]])
    assert torch.allclose(torch.as_tensor(batched[1]), torch.as_tensor(generate_batch(g, [[6, 7]])[0]),
                          atol=1e-5)


def test_duration_scale_stretches_generated_lengths_and_old_checkpoints_load_with_one(caplog):
    _, g = _net(decoder="durations", future_frames=1)
    g.duration[-1].weight.data.zero_()
    g.duration[-1].bias.data.fill_(np.log(5.0))          # every token: 4 frames
    src, pad = pad_ids([[3, 4, 5]])
    assert int(g.generate(src, pad, 64)[1][0]) == 12
    with caplog.at_level(logging.WARNING, logger="signllm.model.network"):
        assert int(g.generate(src, pad, 8)[1][0]) <= 8           # squeezed to fit, and said
    assert "1.50x faster" in caplog.text
    g.duration_scale.fill_(1.5)
    assert int(g.generate(src, pad, 64)[1][0]) == 18
    state = g.state_dict()
    del state["duration_scale"]                            # a checkpoint from before calibration
    fresh = DurationText2Pose(g.cfg)
    fresh.load_state_dict(state)
    assert float(fresh.duration_scale) == 1.0


def test_a_repeated_token_changes_the_encoding_and_old_checkpoints_load_without_the_mark():
    _, g = _net(decoder="durations", future_frames=1)
    g.eval()
    g.repeat_mark.data.normal_()                           # as after training
    src, pad = pad_ids([[3, 4, 4, 5], [3, 4, 6, 5]])
    marked = g.memory(src, pad)
    state = g.state_dict()
    del state["repeat_mark"]                               # a checkpoint from before the mark
    g.load_state_dict(state)
    assert not g.repeat_mark.any()
    unmarked = g.memory(src, pad)
    # the mark changes the sequence with the doubled token, not the one without
    assert not torch.allclose(marked[0], unmarked[0], atol=1e-4)
    assert torch.allclose(marked[1], unmarked[1], atol=1e-6)


def test_duration_context_reads_the_next_token_and_old_checkpoints_predict_as_before():
    _, g = _net(decoder="durations", future_frames=1)
    g.eval()
    src, pad = pad_ids([[3, 4, 5, 6], [3, 4]])
    memory = g.memory(src, pad)
    before = g.log_durations(memory, pad)
    state = {k: v for k, v in g.state_dict().items() if not k.startswith("duration_context")}
    neighbour = memory.clone()
    neighbour[0, 3] += 1.0                                 # only token 3 changes
    assert torch.equal(g.log_durations(neighbour, pad)[0, 2], before[0, 2])  # fresh: no context
    for conv in g.duration_context:                        # as after training
        conv.weight.data.normal_(0, 0.1)
    trained = g.log_durations(memory, pad)
    assert abs(float((g.log_durations(neighbour, pad)[0, 2] - trained[0, 2]).detach())) > 1e-3
    # the end of a short sequence reads as zeros, not whatever the encoder left at padding
    junk = memory.clone()
    junk[1, 2:] = 123.0
    assert torch.allclose(g.log_durations(junk, pad)[1, :2], trained[1, :2])
    g.load_state_dict(state)                               # a checkpoint from before the context
    assert torch.equal(g.log_durations(memory, pad), before)


def test_calibrating_a_counter_checkpoint_is_refused_with_the_reason(tmp_path, capsys):
    from training.calibration import main
    ckpt.save(_model().to_dict(), tmp_path / "counter.pt")
    assert main([str(tmp_path / "counter.pt"), "--corpus", str(tmp_path)]) == 2
    assert "only durations-decoder checkpoints" in capsys.readouterr().err


def test_durations_decoder_needs_one_frame_per_step():
    with pytest.raises(ModelError, match="future_frames"):
        make_config("tiny", decoder="durations", future_frames=3)
    with pytest.raises(ModelError, match="decoder"):
        make_config("tiny", decoder="sideways")


def test_checkpoint_round_trip_loads_with_weights_only(tmp_path):
    model = _model()
    ckpt.save(model.to_dict(), tmp_path / "m.pt")
    loaded = ckpt.load(tmp_path / "m.pt")
    a = SignLLMGenerator(model).generate("WETTER MORGEN", "gsg")
    b = load_generator("signllm", checkpoint=tmp_path / "m.pt").generate("WETTER MORGEN", "gsg")
    assert loaded.languages == ["gsg"] and np.array_equal(a.joints, b.joints)
    assert b.gloss == "WETTER MORGEN" and b.fps == 25.0


def test_bad_checkpoints_raise_model_error_with_the_path(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(ModelError, match="bad.pt"):
        ckpt.load(bad)
    torch.save({"format": "something-else"}, tmp_path / "other.pt")
    with pytest.raises(ModelError, match="not a signllm model checkpoint"):
        ckpt.load(tmp_path / "other.pt")
    with pytest.raises(ModelError, match="no such checkpoint"):
        ckpt.load(tmp_path / "missing.pt")


def test_missing_bundled_model_says_how_to_train(monkeypatch, tmp_path):
    import signllm.model.generator as gen
    monkeypatch.setattr(gen, "ASSETS", tmp_path)
    with pytest.raises(ModelError, match="training.train"):
        gen.load_signllm_generator(mode="prompt")


def test_untrained_language_is_refused():
    from signllm.errors import NoDataError
    with pytest.raises(NoDataError, match="gsg"):
        SignLLMGenerator(_model()).generate("hello", "ase")


def test_resample_stream_doubles_the_frame_rate_by_interpolation():
    frames = [Frame(np.full((50, 3), float(i), np.float32), np.ones(50, np.float32), i / 4)
              for i in range(5)]
    out = list(resample_stream(iter(frames), 25.0, 50.0))
    assert [float(f.joints[0, 0]) for f in out] == [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]
