"""The fitter's entry refuses keypoints no body fits, with one line naming the file."""
import numpy as np
import pytest

from retarget.fit import FitOptions
from retarget.sanity import check_fittable
from signllm import formats
from signllm.cli import main
from signllm.errors import BadInputError
from signllm.pose import PoseSequence


def _seq(scale: float) -> PoseSequence:
    joints = np.random.default_rng(0).uniform(-0.4, 0.4, (10, 50, 3)).astype(np.float32)
    return PoseSequence.from_joints(joints * scale)


@pytest.mark.parametrize("scale, words", [(2.5e6, "no body is wider"), (0.0, "one point")])
def test_absurd_bodies_are_refused_by_the_cli(tmp_path, capsys, scale, words):
    path = tmp_path / "in.npz"
    formats.write(path, _seq(scale))
    assert main(["retarget", str(path), "-o", str(tmp_path / "out.bvh")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and str(path) in err
    assert not (tmp_path / "out.bvh").exists()


def test_plausible_bodies_in_any_unit_pass():
    for scale in (1.0, 100.0, 1000.0):   # metres, centimetres, millimetres
        check_fittable(_seq(scale), FitOptions().min_confidence)


def test_nothing_confident_is_refused():
    seq = _seq(1.0)
    with pytest.raises(BadInputError, match="nothing to fit"):
        check_fittable(seq.with_(confidence=np.full_like(seq.confidence, 0.1)), 0.2)
