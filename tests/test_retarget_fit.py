"""Fitting: synthetic round trips, robustness to bad input, streaming, real-sample smoothness."""
import numpy as np
import pytest

from retarget.body import load_body
from retarget.fit import StreamingFitter, fit_sequence, max_rotation_step, motion_keypoints
from retarget.rest import CURL
from retarget.synthetic import sample_motion
from signllm.errors import BadInputError
from signllm.pose import PoseSequence
from signllm.skeleton import L_HAND, R_HAND

# Documented bound (docs/retarget.md): no local joint rotation turns by more than max_speed / fps
# (15 rad/s: 0.6 rad between consecutive frames at 25 fps).
MAX_STEP_RAD = 0.6 + 1e-4


@pytest.fixture(scope="module")
def body():
    return load_body()


@pytest.fixture(scope="module")
def truth(body):
    motion = sample_motion(body, 60, np.random.default_rng(7))
    return motion, motion_keypoints(motion, body)


def _err_mm(motion, body, kp):
    return np.linalg.norm(motion_keypoints(motion, body) - kp, axis=-1).mean() * 1000


def test_clean_round_trip_is_within_5_mm(body, truth):
    motion, kp = truth
    fitted = fit_sequence(PoseSequence.from_joints(kp), body)
    assert _err_mm(fitted, body, kp) < 5
    assert fitted.full_pose().shape == (60, 55, 3)
    np.testing.assert_allclose(fitted.full_pose()[:, [1, 2, 4, 5, 7, 8, 10, 11]], 0, atol=1e-6)  # legs rest
    q = fitted.local_quaternions()
    assert q.shape == (60, 55, 4)
    np.testing.assert_allclose(np.linalg.norm(q, axis=-1), 1, atol=1e-5)


def test_missing_and_low_confidence_joints_are_interpolated(body, truth):
    motion, kp = truth
    conf = np.ones(kp.shape[:2], np.float32)
    conf[20:30, R_HAND] = 0           # the right hand vanishes for 10 frames
    conf[::7, 4] = 0.05               # a flickering wrist
    noisy = kp.copy()
    noisy[20:30, R_HAND] = 0          # what readers store for missing joints
    fitted = fit_sequence(PoseSequence(noisy, conf), body)
    assert _err_mm(fitted, body, kp) < 15
    assert max_rotation_step(fitted) < MAX_STEP_RAD


def test_all_missing_hands_give_a_resting_hand(body, truth):
    _, kp = truth
    conf = np.ones(kp.shape[:2], np.float32)
    conf[:, np.r_[L_HAND, R_HAND]] = 0
    fitted = fit_sequence(PoseSequence(kp * (conf[..., None] > 0), conf), body)
    assert np.isfinite(fitted.full_pose()).all()
    # the relaxed rest hand (retarget/rest.py: each finger joint flexed CURL rad), within limits
    assert np.abs(fitted.left_hand_pose).max() < CURL + 0.15


def test_bad_input_is_a_clear_error(body, truth):
    _, kp = truth
    with pytest.raises(BadInputError, match="empty"):
        fit_sequence(PoseSequence.from_joints(np.zeros((0, 50, 3))), body)
    with pytest.raises(BadInputError, match="no keypoint"):
        fit_sequence(PoseSequence(kp, np.zeros(kp.shape[:2])), body)


def test_absurd_scale_is_rescaled(body, truth):
    _, kp = truth
    fitted = fit_sequence(PoseSequence.from_joints(kp * 1000), body)  # millimetres
    assert _err_mm(fitted, body, kp) < 10


def test_small_hands_do_not_rescale_the_body(body, truth):
    # a model's averaged hands come out small; the arms say the body is in metres
    from retarget.fit import _body_scale
    _, kp = truth
    small = kp.copy()
    for hand in (L_HAND, R_HAND):
        small[:, hand] = kp[:, hand[:1]] + 0.45 * (kp[:, hand] - kp[:, hand[:1]])
    valid = np.ones(kp.shape[:2], bool)
    assert abs(_body_scale(small, valid, body.rest_keypoints()) - 1) < 0.1
    hands_only = valid.copy()
    hands_only[:, :8] = False                      # no body seen: the hands are all there is
    assert _body_scale(small * 100, hands_only, body.rest_keypoints()) < 60


def test_2d_input_gets_plausible_depth(body, truth):
    _, kp = truth
    flat = kp.copy()
    flat[..., 2] = 0
    fitted = fit_sequence(PoseSequence.from_joints(flat, depth_known=False), body)
    pred = motion_keypoints(fitted, body)
    xy = np.linalg.norm(pred[..., :2] - kp[..., :2], axis=-1).mean()
    assert xy < 0.03
    assert (pred[:, np.r_[L_HAND, R_HAND], 2] > -0.05).mean() > 0.9  # hands in front, not behind


def test_streaming_matches_batched_quality(body, truth):
    motion, kp = truth
    streamer = StreamingFitter(body.with_betas(motion.betas), fps=25)
    frames = [streamer.push(kp[t], np.ones(50)) for t in range(len(kp))]
    streamed = streamer.motion(frames)
    assert _err_mm(streamed, body, kp) < 5
    bad = streamer.push(np.full((50, 3), np.nan), np.ones(50))  # a NaN frame holds the last pose
    assert np.isfinite(bad.pose).all() and bad.index == len(kp)


def test_real_samples_have_no_rotation_jumps(body, shared_data):
    from signllm.formats import read
    for seq in read(shared_data / "phoenix14t-pt-sample" / "dev.skels")[:2]:
        fitted = fit_sequence(seq, body)
        assert np.isfinite(fitted.full_pose()).all()
        assert max_rotation_step(fitted) < MAX_STEP_RAD, seq.name


def test_upper_arm_twist_follows_the_frames_that_show_the_bend_plane(body, shared_data):
    """PHOENIX arms are folded (median 141 degrees): the bend plane of a nearly folded arm is
    noise, and took the shoulder's twist with it. Weighted by how clearly each frame shows it,
    the plane holds; the clean round trip (above) stays within its 5 mm."""
    from scipy.spatial.transform import Rotation
    from retarget.skeleton55 import joint
    from signllm.formats import read

    shoulders = [joint("left_shoulder"), joint("right_shoulder")]

    def big_steps(**opts):
        steps = []
        for seq in read(shared_data / "phoenix14t-pt-sample" / "dev.skels"):
            L = fit_sequence(seq, body, **opts).local_rotmats()[:, shoulders]
            delta = np.swapaxes(L[:-1], -1, -2) @ L[1:]
            steps.append(Rotation.from_matrix(delta.reshape(-1, 3, 3)).magnitude())
        return (np.concatenate(steps) > np.radians(17)).mean()

    assert big_steps(smooth_bend_plane=0) > 0.02
    assert big_steps() < 0.005


def test_push_batch_equals_each_stream_alone():
    """Many streams' chunks solved together (the server's cross-stream batch) give each stream
    exactly what push_many alone gives: padding, stacking and the per-stream warm start leak
    nothing between streams, whatever the chunk lengths."""
    from retarget.body import load_body
    from retarget.fit import StreamingFitter, push_batch
    from signllm.generation import load_generator

    gen = load_generator("lexicon")
    clips = [gen.generate(t, "ase", fps=25) for t in ("hello world", "sign", "a quick test")]
    body = load_body()
    alone = [StreamingFitter(body, 25) for _ in clips]
    together = [StreamingFitter(body, 25) for _ in clips]
    sizes = (16, 5, 11)  # different chunk lengths: the short ones are padded
    starts = [0, 0, 0]
    while any(s < len(c.joints) for s, c in zip(starts, clips)):
        live = [i for i, c in enumerate(clips) if starts[i] < len(c.joints)]
        parts = [(clips[i].joints[starts[i]:starts[i] + sizes[i]],
                  clips[i].confidence[starts[i]:starts[i] + sizes[i]]) for i in live]
        batched = push_batch([together[i] for i in live], [j for j, _ in parts], [c for _, c in parts])
        for i, (j, c), got in zip(live, parts, batched):
            want = alone[i].push_many(j, c)
            assert [f.index for f in got] == [f.index for f in want]
            assert np.allclose([f.pose for f in got], [f.pose for f in want], atol=1e-9)
            assert np.allclose([f.transl for f in got], [f.transl for f in want], atol=1e-12)
            starts[i] += sizes[i]


def test_limits_take_a_rolled_forearm_as_bend_and_twist():
    """A right elbow bent 2.2 rad with the forearm rolled 1.2 rad is within its limits
    (bend <= 2.6, twist <= 1.6) and is kept; its axis-angle components (z = -1.29) would
    break the 0.5 limit. A twist past 1.6 is cut back to 1.6, the bend kept."""
    from retarget.fit import clamp_to_limits
    from retarget.kinematics import quaternions, rotmats
    from retarget.skeleton55 import NUM_JOINTS, joint
    el = joint("right_elbow")

    def pose(bend, twist):
        L = np.broadcast_to(np.eye(3), (1, NUM_JOINTS, 3, 3)).copy()
        L[0, el] = rotmats(np.array([0.0, bend, 0.0])) @ rotmats(np.array([twist, 0.0, 0.0]))
        return L

    kept = pose(2.2, 1.2)
    assert np.allclose(clamp_to_limits(kept)[0, el], kept[0, el], atol=1e-9)
    cut = clamp_to_limits(pose(2.2, 2.5))[0, el]
    assert np.allclose(cut, pose(2.2, 1.6)[0, el], atol=1e-9)
    q = quaternions(cut)
    assert abs(2 * np.arctan2(q[0], q[3]) - 1.6) < 1e-9
