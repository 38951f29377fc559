"""Gaze: over a fingerspelled word each eye points at the spelling hand (clamped to a natural
range, eased in and out); elsewhere, and with the option off, the eyes look ahead."""
import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from signllm.face import gaze
from signllm.face.timeline import FaceOptions, WordSpan, compose
from signllm.languages import get_language
from signllm.lexicon import LexiconGenerator
from signllm.skeleton import L_HAND, NOSE, R_HAND

FPS, FRAMES, SPAN = 25.0, 50, (15, 35)
NOSE_AT = np.array([0.0, 0.2, 0.1])
EYES = NOSE_AT + [[gaze.EYE_HALF_SPACING_M, gaze.EYE_ABOVE_NOSE_M, 0],
                  [-gaze.EYE_HALF_SPACING_M, gaze.EYE_ABOVE_NOSE_M, 0]]
RAMP = int(np.ceil(gaze.RAMP_S * FPS))


def body(right_hand, left_hand=(0.1, -0.7, 0.15)) -> np.ndarray:
    """Still keypoints: the nose at NOSE_AT, each hand's points at one place (the left low, at
    rest, unless given)."""
    joints = np.zeros((FRAMES, 50, 3))
    joints[:, NOSE] = NOSE_AT
    joints[:, R_HAND] = right_hand
    joints[:, L_HAND] = left_hand
    return joints


def face(joints, spelled=True, confidence=None, **options):
    span = WordSpan("Anna", *SPAN, token=0, fingerspelled=spelled)
    return compose("Anna", [span], FRAMES, FPS, "de", FaceOptions(mouthing=False, blinks=False,
                                                                 **options),
                   joints=joints, confidence=confidence).track


def directions(track) -> np.ndarray:
    return Rotation.from_rotvec(track.eyes.reshape(-1, 3)).apply([0, 0, 1]).reshape(-1, 2, 3)


def angle_deg(a, b) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=-1, keepdims=True)
    b = b / np.linalg.norm(b, axis=-1, keepdims=True)
    return np.degrees(np.arccos(np.clip((a * b).sum(-1), -1, 1)))


def test_each_eye_points_at_the_hand_during_the_spelled_word_and_ahead_outside():
    hand = np.array([-0.1, 0.12, 0.45])          # in reach of the eyes' range
    track = face(body(hand))
    inside = directions(track)[SPAN[0]:SPAN[1]]
    assert angle_deg(inside, hand - EYES).max() < 1.0
    # convergence: the right eye (nearer the hand) turns less than the left
    assert abs(track.eyes[25, 1, 1]) < abs(track.eyes[25, 0, 1])
    outside = np.r_[0:SPAN[0] - RAMP, SPAN[1] + RAMP:FRAMES]
    assert not track.eyes[outside].any()
    assert not np.stack([track.channel(n) for n in gaze.LOOK_NAMES])[:, outside].any()
    assert 0 < abs(track.eyes[SPAN[0] - 2, 0, 1]) < abs(track.eyes[SPAN[0] + 2, 0, 1])  # eased


def test_the_turn_is_clamped_to_a_natural_range():
    joints = body((-0.8, -0.6, 0.3))             # far to the right and low
    track = face(joints)
    seen = np.ones((FRAMES, 50), bool)
    yaw, pitch = np.degrees(gaze.eye_angles(joints, seen, R_HAND, None)[25, 0])
    assert yaw == pytest.approx(-gaze.YAW_LIMIT_DEG)
    assert pitch == pytest.approx(gaze.PITCH_LIMIT_DEG)
    d = directions(track)[25, 0]
    assert np.degrees(np.arctan2(d[0], d[2])) == pytest.approx(-gaze.YAW_LIMIT_DEG, abs=0.1)
    assert np.degrees(np.arcsin(-d[1])) == pytest.approx(gaze.PITCH_LIMIT_DEG, abs=0.1)


def test_looking_to_the_signers_right_is_left_eye_in_and_right_eye_out_and_down():
    track = face(body((-0.15, 0.0, 0.35)))
    at = 25
    assert track.channel("eyeLookIn_L")[at] > 0.5 and track.channel("eyeLookOut_R")[at] > 0.3
    assert track.channel("eyeLookOut_L")[at] == track.channel("eyeLookIn_R")[at] == 0
    assert track.channel("eyeLookDown_L")[at] > 0.3 and track.channel("eyeLookUp_L")[at] == 0


def test_the_higher_seen_hand_is_followed():
    joints = body((-0.1, -0.4, 0.2), left_hand=(0.12, 0.05, 0.35))   # a left-handed speller
    assert face(joints).eyes[25, :, 1].min() > 0                      # both eyes to the left
    unseen = np.ones((FRAMES, 50))
    unseen[:, L_HAND] = 0                                             # a clip without that hand
    assert face(joints, confidence=unseen).eyes[25, :, 1].max() < 0


def test_no_gaze_for_a_sign_or_with_the_option_off():
    joints = body((-0.1, 0.12, 0.45))
    assert not face(joints, spelled=False).eyes.any()
    off = face(joints, gaze=False)
    assert not off.eyes.any() and not off.channel("eyeLookIn_L").any()


def test_the_lexicon_generator_looks_at_its_spelling_hand():
    generator = LexiconGenerator(builtin_signs=False)
    stream = generator.stream("Anna", get_language("sgg"), seed=0)
    seq = stream.collect()
    start, end = stream.info.words[0].frames
    hand = seq.joints[:, R_HAND].mean(1)
    assert not seq.face.eyes[[0, -1]].any()
    d = directions(seq.face)[start + 3:end - 3]
    # the hand is below and to the right of the eyes: the eyes look down and to the right
    assert (d[..., 0] < 0).all() and (d[..., 1] < 0).all()
    below = hand[start + 3:end - 3, 1] < seq.joints[start + 3:end - 3, NOSE, 1]
    assert below.all()
    assert not LexiconGenerator(builtin_signs=False, face=FaceOptions(gaze=False)).stream(
        "Anna", get_language("sgg"), seed=0).collect().face.eyes.any()
