"""The handshape classifier of issue 18 (benchmarks/handshape_classifier.py): real fingerspelling
hands separate fist / flat / finger2, and the hand-frame features ignore rotation and size."""
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from signllm.notation.description import Handshape
from signllm.synthesis import handshape_check as hc
from signllm.synthesis.hands import hand_points, shape_params


def _package(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(f"the package {name!r} is not installed (the real hands come from it)")
    return Path(next(iter(spec.submodule_search_locations)))


def test_features_ignore_rotation_position_and_size():
    points = hand_points(shape_params(Handshape("finger2")))
    angle = 0.7
    rot = np.array([[np.cos(angle), 0, np.sin(angle)], [0, 1, 0], [-np.sin(angle), 0, np.cos(angle)]])
    moved = 1.3 * points @ rot.T + [0.2, -1.0, 0.5]
    assert np.allclose(hc.features(points), hc.features(moved), atol=1e-9)


def test_real_hands_separate_fist_flat_and_finger2(shared_data):
    mapping_path = shared_data / "hamnosys" / "signwriting-hand-to-hamnosys.json"
    if not mapping_path.is_file():
        pytest.skip(f"{mapping_path} is absent")
    clips = _package("spoken_to_signed") / "assets" / "fingerspelling_lexicon"
    pytest.importorskip("pose_format", reason="pose-format reads the real .pose clips")
    real = hc.real_hands(json.loads(mapping_path.read_text("utf-8")), _package("signwriting"),
                         clips)
    wanted = ("fist", "flat", "finger2")
    hands = [h for h in real.hands
             if h.handshape.base in wanted and hc.label(h.handshape) == h.handshape.base
             and h.handshape.thumb in (None, "across")]
    labels = [h.handshape.base for h in hands]
    assert {labels.count(c) >= 2 for c in wanted} == {True}, labels
    x = np.stack([h.points[1:].ravel() for h in hands])
    # leave one signer (clip set) out: the other two signers' hands must name the third's
    predicted, scored = hc.cross_validate(x, labels, [h.language for h in hands])
    accuracy = np.mean([p == t for p, t, s in zip(predicted, labels, scored) if s])
    assert sum(scored) >= 9
    # chance is 1/3; measured 9/11 (the misses: DGS G and Z, finger2 with the thumb across)
    assert accuracy >= 0.7, (accuracy, list(zip(labels, predicted)))
