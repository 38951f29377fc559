"""Issue 15: missing is missing, unknown depth is lifted, hands stay outside the body, filters."""
import numpy as np
import pytest

from retarget.body import load_body
from retarget.filters import STREAM, OneEuro, one_euro, step_many
from retarget.fit import fit_sequence, motion_keypoints
from retarget.geometry import _T, _mv
from retarget.kinematics import forward_kinematics
from retarget.rest import rest_pose_keypoints
from retarget.skeleton55 import joint
from retarget.synthetic import sample_motion
from retarget.volume import body_volume, push_out
from signllm.model.generator import observed
from signllm.pose import PoseSequence
from signllm.skeleton import L_ELBOW, L_HAND, L_SHOULDER, L_WRIST, NECK, R_HAND, R_SHOULDER, R_WRIST


@pytest.fixture(scope="module")
def body():
    return load_body()


def _torso_points(motion, body):
    kp = motion_keypoints(motion, body)
    G, P = forward_kinematics(motion.local_rotmats(), motion.rest_joints, motion.transl)
    return _mv(_T(G[:, joint("spine3")])[:, None], kp - P[:, joint("neck")][:, None])


def test_lexicon_fingerspelling_is_2d_and_never_shows_an_unseen_hand():
    from signllm.lexicon import LexiconGenerator
    seq = LexiconGenerator().generate("hello", "ase", seed=0)
    assert not seq.depth_known
    assert (seq.confidence[:, L_HAND] == 0).all()      # the clips never see the left hand
    assert (seq.confidence[:, R_HAND] > 0).any()


def test_model_output_at_the_neck_is_missing():
    joints = np.random.default_rng(0).normal(0, 0.3, (4, 50, 3))
    joints[:, NECK] = 0
    joints[:, L_HAND] = 0.004                          # how the training data stored an unseen hand
    conf = observed(joints)
    assert (conf[:, L_HAND] == 0).all() and conf[:, NECK].all() and conf[:, R_HAND].all()


def test_an_unseen_arm_rests_below_the_shoulder_outside_the_body(body):
    kp = rest_pose_keypoints(body)[None].repeat(30, 0)
    conf = np.ones(kp.shape[:2], np.float32)
    conf[:, np.r_[L_ELBOW, L_WRIST, L_HAND]] = 0
    kp[conf == 0] = 0                                  # at the neck, as generators wrote it
    motion = fit_sequence(PoseSequence(kp, conf), body)
    q = _torso_points(motion, body)
    assert (q[:, L_WRIST, 1] < q[:, L_SHOULDER, 1] - 0.25).all()
    assert not body_volume(body).inside(q[:, np.r_[L_WRIST, L_HAND]]).any()


def test_a_hand_inside_the_chest_is_fitted_outside(body):
    motion = sample_motion(body, 20, np.random.default_rng(3))
    kp = motion_keypoints(motion, body)
    shift = np.array([0.0, -0.2, 0.05]) - kp[:, R_WRIST]   # the right hand into the chest
    kp[:, np.r_[R_WRIST, R_HAND]] += shift[:, None]
    vol = body_volume(body)
    assert vol.inside(kp[:, np.r_[R_WRIST, R_HAND]] - kp[:, NECK:NECK + 1]).any()
    q = _torso_points(fit_sequence(PoseSequence.from_joints(kp), body), body)
    assert not vol.inside(q[:, np.r_[R_WRIST, R_HAND]]).any()
    assert not vol.inside(q[:, np.r_[R_WRIST, R_HAND]], tolerance=0.0).all()  # no hand flung away
    pushed = push_out(kp, vol, body.rest_keypoints())
    assert np.abs(pushed[:, R_HAND] - kp[:, R_HAND]).max() > 0.05


def test_2d_raised_hand_is_lifted_in_front_of_the_shoulders(body):
    motion = sample_motion(body, 30, np.random.default_rng(5))
    kp = motion_keypoints(motion, body)
    kp[:, np.r_[R_WRIST, R_HAND]] += (np.array([0.05, 0.25, 0.0]) - kp[:, R_WRIST])[:, None]
    kp[..., 2] = 0
    q = _torso_points(fit_sequence(PoseSequence.from_joints(kp, depth_known=False), body), body)
    front = q[:, R_WRIST, 2] - 0.5 * (q[:, L_SHOULDER, 2] + q[:, R_SHOULDER, 2])
    assert np.median(front) >= 0.10


def test_one_euro_ignores_unconfident_samples_and_removes_jitter():
    f = OneEuro(25.0)
    f.step(np.zeros((1, 3)))
    assert np.allclose(f.step(np.ones((1, 3)), np.zeros(1)), 0)     # confidence 0: no move
    rng = np.random.default_rng(0)
    t = np.linspace(0, 2, 50)
    track = np.stack([0.05 * np.sin(t), np.zeros_like(t), np.zeros_like(t)], -1)[:, None]  # slow drift
    noisy = track + rng.normal(0, 0.005, track.shape)
    out = one_euro(noisy, np.ones((50, 1)), 25.0)
    assert np.abs(np.diff(out, 2, axis=0)).mean() < 0.5 * np.abs(np.diff(noisy, 2, axis=0)).mean()
    assert np.abs(out - track).mean() < np.abs(noisy - track).mean()


def test_one_euro_stepped_together_equals_each_alone():
    """Streams of different lengths, some filters fresh, some warm, one with no frames."""
    rng = np.random.default_rng(3)
    tracks = [rng.normal(0, 0.1, (n, 50, 3)) for n in (7, 1, 0, 12)]
    confs = [rng.random((len(t), 50)) for t in tracks]
    alone = [OneEuro(25.0, **STREAM) for _ in tracks]
    together = [OneEuro(25.0, **STREAM) for _ in tracks]
    for f, g in zip(alone[2:], together[2:]):           # warm: a frame seen before
        f.step(np.ones((50, 3)), np.ones(50))
        g.step(np.ones((50, 3)), np.ones(50))
    expected = [np.array([f.step(k, c) for k, c in zip(t, w)]).reshape(len(t), 50, 3)
                for f, t, w in zip(alone, tracks, confs)]
    got = step_many(together, tracks, confs)
    for e, g, f, h in zip(expected, got, alone, together):
        np.testing.assert_array_equal(e, g)
        if f.x is None:
            assert h.x is None
        else:
            np.testing.assert_array_equal(f.x, h.x)
            np.testing.assert_array_equal(f.dx, h.dx)
