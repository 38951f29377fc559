"""The mouth-opening measure of benchmarks/real_face.py: face-mesh points found by name (in any
order, among any others), a missing one refused, and the real DSGS clips read as mouthing."""
import sys
from pathlib import Path

import numpy as np
import pytest

from signllm.errors import BadInputError

pytest.importorskip("pose_format", reason="pose-format reads the real .pose clips")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from real_face import WORDS, align, mouth_opening, read_opening  # noqa: E402


def face_pose(points: list[str], xy: dict[str, np.ndarray], hidden: tuple[str, ...] = ()):
    """A Pose with a 2-point body, then FACE_LANDMARKS named `points`; xy[name] is (T, 2)."""
    from pose_format import Pose
    from pose_format.numpy import NumPyPoseBody
    from pose_format.pose_header import PoseHeader, PoseHeaderComponent, PoseHeaderDimensions

    comps = [PoseHeaderComponent(name, list(names), [], [(0, 0, 0)], "XYC")
             for name, names in (("POSE_LANDMARKS", ["A", "B"]), ("FACE_LANDMARKS", points))]
    t = len(next(iter(xy.values())))
    data = np.full((t, 1, 2 + len(points), 2), 7.0)
    conf = np.ones((t, 1, 2 + len(points)))
    for name, value in xy.items():
        data[:, 0, 2 + points.index(name)] = value
    for name in hidden:
        conf[:, 0, 2 + points.index(name)] = 0
    header = PoseHeader(0.2, PoseHeaderDimensions(640, 480, 0), comps)
    return Pose(header, NumPyPoseBody(25.0, np.ma.masked_array(data, np.zeros_like(data, bool)),
                                      conf))


def test_opening_is_inner_lip_distance_over_face_width_found_by_name():
    t = 5
    gap = np.linspace(0, 20, t)
    xy = {"13": np.stack([np.full(t, 300.0), 200 - gap / 2], 1),
          "14": np.stack([np.full(t, 300.0), 200 + gap / 2], 1),
          "234": np.tile([200.0, 190.0], (t, 1)), "454": np.tile([400.0, 190.0], (t, 1))}
    order = ["454", "0", "14", "7", "234", "13", "61"]     # shuffled, among other points
    opening = mouth_opening(face_pose(order, xy))
    assert np.allclose(opening, gap / 200.0)


def test_a_hidden_point_gives_nan_and_a_missing_name_is_refused():
    xy = {n: np.zeros((3, 2)) + i for i, n in enumerate(["13", "14", "234", "454"])}
    opening = mouth_opening(face_pose(["13", "14", "234", "454"], xy, hidden=("14",)))
    assert np.isnan(opening).all()
    with pytest.raises(BadInputError, match="234"):
        mouth_opening(face_pose(["13", "14", "454"], {k: xy[k] for k in ("13", "14", "454")}))


def test_alignment_recovers_a_stretched_shifted_copy():
    real = np.exp(-0.5 * ((np.arange(60) - 34) / 5.0) ** 2)
    ours = np.exp(-0.5 * ((np.arange(50) - 25) / 5.0 / 0.8) ** 2)   # shorter, later-centred
    r, aligned = align(ours, 25.0, real, 25.0)
    assert r > 0.99 and abs(int(np.argmax(aligned)) - 34) <= 1


def test_the_real_dsgs_signers_mouth_the_words(shared_data):
    for stem in WORDS:
        opening, fps = read_opening(shared_data / "dsgs-lexical-poses" / "sgg" / f"{stem}.pose")
        assert not np.isnan(opening).any() and fps in (24, 25)
        rest = np.median(np.r_[opening[:3], opening[-3:]])
        assert rest < 0.03 and opening.max() > 0.1 > rest, stem   # closed at rest, open mouthing
