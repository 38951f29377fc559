"""Malformed checkpoints (issue 16): every class ends in one ModelError naming the file and the
field, never a traceback; hostile pickles stay refused; generation is bounded whatever the
checkpoint says. Built from a tiny model, so the whole file runs in seconds."""
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from signllm.cli import main
from signllm.errors import ModelError
from signllm.model import checkpoint as ckpt
from signllm.model.checkpoint import SignLLMModel
from signllm.model.config import FRAME_CAP, FRAME_DIM, make_config
from signllm.model.generator import SignLLMGenerator
from signllm.model.network import SignLLMNet
from signllm.model.tokenizer import train_tokenizer


def tiny(decoder="durations", **over) -> dict:
    torch.manual_seed(0)
    cfg = make_config("tiny", **{"vocab_size": 60, "max_frames": 64, "decoder": decoder,
                                 "future_frames": 1 if decoder == "durations" else 3, **over})
    net = SignLLMNet(cfg, ["gsg"]).eval()
    tok = train_tokenizer(["WETTER MORGEN", "GSL WETTER"], vocab_size=60)
    return SignLLMModel(net, "mlsf", cfg, tok, "given", ["gsg"], np.zeros(FRAME_DIM, np.float32),
                        np.ones(FRAME_DIM, np.float32), 25.0).to_dict()


def _nan_weights(d):
    d["state_dict"]["groups.gsg.duration.3.bias"] = torch.tensor([math.nan])


def _config(**values):
    return lambda d: d["config"].update(values)


# (name, how to break a good checkpoint dict, field the message must name)
CASES = [
    ("nan weights", _nan_weights, "state_dict"),
    ("config not a dict", lambda d: d.update(config=[1, 2]), "config"),
    ("string dimension", _config(d_model="64"), "d_model"),
    ("huge dimension", _config(d_model=4096 * 64, ff_dim=10 ** 9), "d_model"),
    ("huge frames", _config(max_frames=10 ** 8), "max_frames"),
    ("groups an int", lambda d: d.update(groups=3), "groups"),
    ("languages an int", lambda d: d.update(languages=7), "languages"),
    ("normaliser a list", lambda d: d.update(norm_mean=[0.0] * FRAME_DIM), "norm_mean"),
    ("normaliser wrong shape", lambda d: d.update(norm_std=torch.ones(3, 50)), "norm_std"),
    ("normaliser zero std", lambda d: d.update(norm_std=torch.zeros(FRAME_DIM)), "norm_std"),
    ("string fps", lambda d: d.update(fps="25"), "fps"),
    ("list as meta", lambda d: d.update(meta=[1, 2]), "meta"),
    ("tokenizer not text", lambda d: d.update(tokenizer=b"{}"), "tokenizer"),
    ("weights not a mapping", lambda d: d.update(state_dict=[1]), "state_dict"),
    ("weight of the wrong shape", lambda d: d["state_dict"].update(
        {"groups.gsg.embed.weight": torch.zeros(3, 3)}), "embed.weight"),
    ("prompt frames of numbers", lambda d: d.update(prompt_frames={"left": 5}), "prompt_frames"),
    ("stop never fires", _config(stop_eps=-1.0), "stop_eps"),
]


@pytest.fixture(scope="module")
def good():
    return tiny()


@pytest.mark.parametrize("name, breaker, field", CASES, ids=[c[0] for c in CASES])
def test_malformed_checkpoint_is_one_model_error_naming_file_and_field(good, tmp_path, name,
                                                                      breaker, field):
    data = {**good, "config": dict(good["config"]), "state_dict": dict(good["state_dict"])}
    breaker(data)
    path = tmp_path / "broken.pt"
    torch.save(data, path)
    with pytest.raises(ModelError) as err:
        ckpt.load(path)
    assert "broken.pt" in str(err.value) and field in str(err.value), str(err.value)
    assert "\n" not in str(err.value)


def test_the_unbroken_tiny_checkpoint_loads(good, tmp_path):
    torch.save(good, tmp_path / "ok.pt")
    assert ckpt.load(tmp_path / "ok.pt").languages == ["gsg"]


def test_empty_and_truncated_files_are_model_errors(tmp_path, good):
    (tmp_path / "empty.pt").write_bytes(b"")
    torch.save(good, tmp_path / "whole.pt")
    (tmp_path / "cut.pt").write_bytes((tmp_path / "whole.pt").read_bytes()[:5000])
    for name in ("empty.pt", "cut.pt"):
        with pytest.raises(ModelError, match=name):
            ckpt.load(tmp_path / name)


class _Hostile:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_hostile_pickle_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "ran"
    torch.save({"format": ckpt.FORMAT, "config": _Hostile(marker)}, tmp_path / "evil.pt")
    with pytest.raises(ModelError, match="evil.pt"):
        ckpt.load(tmp_path / "evil.pt")
    assert not marker.exists()


def test_cli_prints_one_line_for_a_malformed_checkpoint(good, tmp_path, capsys):
    torch.save({**good, "groups": 3}, tmp_path / "bad.pt")
    assert main(["generate", "WETTER", "--lang", "gsg", "--generator", "signllm",
                 "--model", str(tmp_path / "bad.pt")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bad.pt" in err and "groups" in err, err


def _never_stops(data: dict) -> dict:
    """A counter checkpoint whose counter output is always 0: its stop never fires."""
    for key in ("groups.gsg.head.weight", "groups.gsg.head.bias"):
        value = data["state_dict"][key].clone().view(3, -1, *data["state_dict"][key].shape[1:])
        value[:, -1] = 0.0
        data["state_dict"][key] = value.view_as(data["state_dict"][key])
    return data


def test_a_checkpoint_whose_stop_never_fires_stops_at_its_frame_cap(tmp_path):
    data = _never_stops(tiny("counter", max_frames=FRAME_CAP))
    torch.save(data, tmp_path / "endless.pt")
    gen = SignLLMGenerator(ckpt.load(tmp_path / "endless.pt"))
    seq = gen.generate("WETTER MORGEN", "gsg")
    assert seq.num_frames == FRAME_CAP

    from signllm.model.decoding import MEMORY_BUDGET, batch_rows
    rows = batch_rows(gen.model.net.group("gsg"))
    assert 1 <= rows and rows * 4 * 2 * 2 * FRAME_CAP * 64 <= MEMORY_BUDGET


def test_batches_are_cut_to_the_memory_budget_and_give_the_same_frames(monkeypatch):
    from signllm.model import decoding
    data = _never_stops(tiny("counter", max_frames=40))
    net = ckpt.from_dict(data).net.group("gsg")
    ids = [[3, 4], [5], [6, 7, 8]]
    whole = decoding.generate_batch(net, ids)
    monkeypatch.setattr(decoding, "MEMORY_BUDGET", 1)   # one row at a time
    assert decoding.batch_rows(net) == 1
    assert all(np.allclose(a, b, atol=1e-5) for a, b in zip(whole, decoding.generate_batch(net, ids)))


def test_durations_that_overflow_are_capped_at_max_frames():
    data = tiny(max_frames=50)
    data["state_dict"]["groups.gsg.duration.3.bias"] = torch.tensor([1e6])   # expm1 -> inf
    gen = SignLLMGenerator(ckpt.from_dict(data))
    assert gen.generate("WETTER MORGEN", "gsg").num_frames <= 50


def test_frame_cap_is_enforced_on_configs_too():
    with pytest.raises(ModelError, match="max_frames"):
        make_config("tiny", max_frames=FRAME_CAP + 1)
    with pytest.raises(ModelError, match="heads"):
        make_config("tiny", heads=True)
