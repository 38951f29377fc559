"""2D image sources: OpenPose JSON (How2Sign), DWPose frames, MediaPipe-Holistic `.pose` clips."""
import json
from pathlib import Path

import numpy as np
import pytest

from signllm import formats
from signllm.errors import BadInputError
from signllm.skeleton import (L_HAND, L_SHOULDER, L_WRIST, NECK, NOMINAL_SHOULDER_WIDTH_M, NOSE,
                              R_HAND, R_SHOULDER, R_WRIST)


def _shoulder_width(seq):
    both = (seq.confidence[:, L_SHOULDER] > 0.3) & (seq.confidence[:, R_SHOULDER] > 0.3)
    return np.median(np.linalg.norm(seq.joints[both, L_SHOULDER] - seq.joints[both, R_SHOULDER],
                                    axis=-1))


def _assert_upright_signer(seq):
    assert not seq.depth_known and np.all(seq.joints[..., 2] == 0)
    assert _shoulder_width(seq) == pytest.approx(NOMINAL_SHOULDER_WIDTH_M, rel=1e-6)
    ok = seq.confidence[:, NOSE] > 0.3
    assert np.median(seq.joints[ok, NOSE, 1]) > 0.05                  # head above the neck
    ok = (seq.confidence[:, L_SHOULDER] > 0.3) & (seq.confidence[:, R_SHOULDER] > 0.3)
    assert np.all(seq.joints[ok, L_SHOULDER, 0] > seq.joints[ok, R_SHOULDER, 0])  # +X = left


def _clips(shared_data):
    return sorted(p for p in (shared_data / "how2sign-openpose-sample").iterdir() if p.is_dir())


def test_how2sign_openpose_hand_roots_meet_wrists(shared_data):
    clips = _clips(shared_data)
    assert len(clips) == 3
    checked = 0
    for clip in clips:
        [seq] = formats.read(clip)
        assert seq.num_frames == len(list(clip.glob("*_keypoints.json")))
        assert seq.skeleton.num_joints == 50
        _assert_upright_signer(seq)
        width = _shoulder_width(seq)
        for wrist, root in ((L_WRIST, L_HAND[0]), (R_WRIST, R_HAND[0])):
            both = (seq.confidence[:, wrist] > 0.3) & (seq.confidence[:, root] > 0.3)
            gap = np.linalg.norm(seq.joints[both, wrist] - seq.joints[both, root], axis=-1)
            assert np.all(gap < 0.25 * width), (clip.name, wrist, gap.max() / width)
            checked += int(both.sum())
    assert checked > 500


def _frame(people):
    return {"version": 1.3, "people": people}


def _person(shift=0.0, conf=0.9):
    body = np.zeros((25, 3))
    body[:8, :2] = [[300, 100], [300, 200], [240, 200], [220, 300], [230, 380],
                    [360, 200], [380, 300], [370, 380]]
    body[:, 0] += shift
    body[:8, 2] = conf
    hand = lambda wrist: np.c_[np.tile(body[wrist, :2], (21, 1)), np.full(21, conf)]
    return {"pose_keypoints_2d": body.ravel().tolist(),
            "hand_left_keypoints_2d": hand(7).ravel().tolist(),
            "hand_right_keypoints_2d": hand(4).ravel().tolist()}


def test_openpose_most_confident_person_and_empty_frames(tmp_path):
    frames = [_frame([_person(500, 0.2), _person(0, 0.9)]), _frame([]), _frame([_person()])]
    for i, frame in enumerate(frames):
        (tmp_path / f"clip_{i:012d}_keypoints.json").write_text(json.dumps(frame))
    [seq] = formats.read(tmp_path)
    assert seq.confidence[0, :8] == pytest.approx(0.9)      # not the first, weaker person
    assert np.all(seq.confidence[1] == 0)
    np.testing.assert_allclose(seq.joints[0], seq.joints[2], atol=1e-6)


def test_openpose_clip_without_people_is_an_error(tmp_path):
    for i in range(3):
        (tmp_path / f"c_{i}_keypoints.json").write_text(json.dumps(_frame([])))
    with pytest.raises(BadInputError, match="no person detected in any of its 3 frames"):
        formats.read(tmp_path)


def test_dwpose_sample(shared_data):
    [seq] = formats.read(shared_data / "dwpose-sample" / "npz")
    assert seq.num_frames == 97
    _assert_upright_signer(seq)
    ok = (seq.confidence[:, L_WRIST] > 0.3) & (seq.confidence[:, L_HAND[0]] > 0.3)
    gap = np.linalg.norm(seq.joints[ok, L_WRIST] - seq.joints[ok, L_HAND[0]], axis=-1)
    assert ok.sum() > 50 and np.median(gap) < 0.25 * NOMINAL_SHOULDER_WIDTH_M


def test_dwpose_refuses_hostile_pickle(tmp_path):
    class Evil:
        def __reduce__(self):
            return (Path.touch, (tmp_path / "pwned",))
    folder = tmp_path / "frames"
    folder.mkdir()
    evil = np.empty((), dtype=object)
    evil[()] = Evil()
    np.savez(folder / "00000001.npz", num_persons=np.int64(1), person_0=evil)
    with pytest.raises(BadInputError, match="refusing to unpickle"):
        formats.read(folder)
    assert not (tmp_path / "pwned").exists()


def test_holistic_fingerspelling_clip_from_spoken_to_signed():
    spoken_to_signed = pytest.importorskip("spoken_to_signed")
    lexicon = Path(spoken_to_signed.__file__).parent / "assets" / "fingerspelling_lexicon"
    clips = sorted(lexicon.glob("ase/*.pose"))[:3]
    if not clips:
        pytest.skip("spoken-to-signed ships no fingerspelling clips in this install")
    for clip in clips:
        [seq] = formats.read(clip)
        assert seq.meta["pose_header"] == "holistic" and seq.fps == 25
        _assert_upright_signer(seq)
        ok = seq.confidence[:, R_WRIST] > 0.3
        # the fingerspelling hand is raised: its wrist is above the elbow level somewhere
        assert ok.any() and seq.joints[ok, R_WRIST, 1].max() > -0.3
        assert np.all(seq.joints[:, NECK] == 0)
        ok = (seq.confidence[:, R_WRIST] > 0.3) & (seq.confidence[:, R_HAND[0]] > 0)
        gap = np.linalg.norm(seq.joints[ok, R_WRIST] - seq.joints[ok, R_HAND[0]], axis=-1)
        assert ok.any() and np.median(gap) < 0.1 * NOMINAL_SHOULDER_WIDTH_M  # hands not swapped


def test_pose_file_with_openpose_header(tmp_path):
    from pose_format import Pose
    from pose_format.numpy import NumPyPoseBody
    from pose_format.pose_header import PoseHeader, PoseHeaderDimensions
    from pose_format.utils.openpose import OpenPose_Components

    person = _person()
    body = np.array(person["pose_keypoints_2d"]).reshape(25, 3)
    hands = [np.array(person[k]).reshape(21, 3)
             for k in ("hand_left_keypoints_2d", "hand_right_keypoints_2d")]
    points = np.concatenate([body, np.zeros((70, 3)), *hands])[None, None].repeat(4, axis=0)
    pose = Pose(PoseHeader(0.1, PoseHeaderDimensions(640, 480), OpenPose_Components),
                NumPyPoseBody(30, points[..., :2], points[..., 2]))
    with open(tmp_path / "op.pose", "wb") as handle:
        pose.write(handle)
    [seq] = formats.read(tmp_path / "op.pose")
    assert seq.meta["pose_header"] == "openpose" and seq.fps == 30
    _assert_upright_signer(seq)
    np.testing.assert_allclose(seq.joints[:, L_HAND[0]], seq.joints[:, L_WRIST], atol=1e-6)
    np.testing.assert_allclose(seq.joints[:, R_HAND[0]], seq.joints[:, R_WRIST], atol=1e-6)
