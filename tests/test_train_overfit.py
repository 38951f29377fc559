"""A tiny model overfits the 5 PHOENIX training sentences and stops on its own."""
from pathlib import Path

import numpy as np

from signllm import metrics
from signllm.formats import read
from signllm.generation import load_generator
from training.train import load_config, train

ROOT = Path(__file__).resolve().parents[1]


def test_tiny_model_overfits_phoenix_and_stops_on_its_own(shared_data, tmp_path):
    sample = shared_data / "phoenix14t-pt-sample"
    cfg = load_config(str(ROOT / "training/configs/phoenix_tiny.yaml"), [f"data.path={sample}"])
    train(cfg, tmp_path, progress=False)
    gen = load_generator("signllm", checkpoint=tmp_path / "model.pt")
    refs = read(sample / "train.skels")
    hyps = gen.generate_many([r.gloss for r in refs], "gsg")   # no reference length or counter
    eps = gen.model.config.stop_eps
    for h, r in zip(hyps, refs):
        assert abs(h.num_frames / r.num_frames - 1) <= 0.10, (h.num_frames, r.num_frames)
        assert h.meta["counter"][-1] >= 1 - eps          # stopped on its own counter ...
        assert h.num_frames < gen.model.config.max_frames   # ... not on the length guard
    floor = np.mean([metrics.dtw_mje(f, r) for f, r in zip(metrics.mean_pose_floor(refs), refs)])
    ratio = np.mean([metrics.dtw_mje(h, r) for h, r in zip(hyps, refs)]) / floor
    assert ratio <= 0.10, ratio
