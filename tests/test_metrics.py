"""signllm.metrics on hand-made sequences with known answers, and on the Phoenix sample."""
import numpy as np
import pytest

from signllm import metrics
from signllm.errors import BadInputError
from signllm.skeleton import L_WRIST, R_WRIST


def seq(values):
    """(T,) values -> (T, 50, 3) with every coordinate equal to the frame's value."""
    return np.repeat(np.asarray(values, np.float64)[:, None, None], 50, 1).repeat(3, 2)


def test_identical_sequences_score_perfectly():
    a = seq([0, 1, 2, 3])
    assert metrics.pt_dtw(a, a) == 0 and metrics.dtw_mje(a, a) == 0
    assert metrics.expressiveness(a, a) == 1 and metrics.length_ratio(a, a) == 1


def test_dtw_absorbs_a_repeated_frame_but_a_plain_offset_costs_its_distance():
    ref = seq([0, 1, 2])
    assert metrics.pt_dtw(seq([0, 1, 1, 2]), ref) == 0
    assert metrics.dtw_mje(seq([0, 0, 1, 2]), ref) == 0
    off = seq([0.1, 1.1, 2.1])
    assert metrics.pt_dtw(off, ref) == pytest.approx(3 * 150 * 0.1 / 3)     # L1 over 150 values
    assert metrics.dtw_mje(off, ref) == pytest.approx(np.sqrt(3) * 0.1)      # per-joint L2


def test_expressiveness_is_the_wrist_travel_ratio():
    ref = np.zeros((3, 50, 3))
    ref[:, R_WRIST, 0] = [0, 1, 2]          # travels 2
    hyp = np.zeros((3, 50, 3))
    hyp[:, L_WRIST, 1] = [0, 0.5, 0]        # travels 1
    assert metrics.expressiveness(hyp, ref) == pytest.approx(0.5)
    assert np.isnan(metrics.expressiveness(hyp, np.zeros((3, 50, 3))))


def test_mean_pose_floor_and_bad_input(shared_data):
    from signllm.formats import read
    refs = read(shared_data / "phoenix14t-pt-sample" / "train.skels")
    floor = metrics.pose_metrics(metrics.mean_pose_floor(refs), refs)
    assert floor["dtw_mje"] > 0.05 and floor["expressiveness"] == 0 and floor["length_ratio"] == 1
    assert metrics.pose_metrics(refs, refs)["dtw_mje"] == 0
    with pytest.raises(BadInputError):
        metrics.pose_metrics(refs[:2], refs)
    with pytest.raises(BadInputError, match="empty"):
        metrics.dtw_mje(np.zeros((0, 50, 3)), refs[0])
