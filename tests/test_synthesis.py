"""The synthesiser animates what the notation says: sites on the other arm, the plane of a wave,
speed factors, cee openings and finger contacts (geometry measured on the keypoints)."""
from dataclasses import replace

import numpy as np

from signllm.notation import Manner, Straight, parse_hamnosys
from signllm.notation.symbols import to_unicode
from signllm.skeleton import L_WRIST, R_ELBOW, R_WRIST
from signllm.synthesis import Body, synthesise
from signllm.synthesis.body import body_site
from signllm.synthesis.synthesise import ARM_RADIUS, DISTANCE, SLACK, _Animator, _strain

R_TIP = {2: 29 + 8, 3: 29 + 12}   # right hand (dominant): OpenPose tips of index, middle
R_THUMB_TIP, R_HAND0 = 29 + 4, 29


def sign(names: str):
    return parse_hamnosys(to_unicode(["ham" + n for n in names.split()]))


def _segment_distance(p, a, b):
    t = np.clip((p - a) @ (b - a) / ((b - a) @ (b - a)), 0, 1)
    return float(np.linalg.norm(p - (a + t * (b - a))))


def test_a_hand_on_the_other_forearm_touches_it():
    seq = synthesise(sign("flathand extfingerl palmd lowerarm touch moveo"))
    assert not seq.meta["unsupported"]
    j = seq.joints[3]                                   # during the start hold
    palm = j[[R_HAND0, 29 + 5, 29 + 9, 29 + 13, 29 + 17]].mean(0)
    gap = _segment_distance(palm, j[6], j[L_WRIST])     # left elbow → left wrist
    assert ARM_RADIUS - 0.005 < gap < ARM_RADIUS + 0.03
    assert j[L_WRIST, 2] > 0.15                        # the other arm is raised in front


def test_a_hand_on_the_upper_arm_is_beside_the_other_shoulder():
    seq = synthesise(sign("finger2 extfingerd palml upperarm touch moved"))
    j = seq.joints[3]
    palm = j[[R_HAND0, 29 + 5, 29 + 9, 29 + 13, 29 + 17]].mean(0)
    assert palm[0] > 0.1                                # on the signer's left side
    assert _segment_distance(palm, j[5], j[6]) < ARM_RADIUS + 0.03


def test_a_wave_swings_in_the_plane_its_ellipse_names():
    def swing(plane):
        desc = sign("flathand extfingero palmd chest moveo")
        desc = replace(desc, movement=Straight("o", "wavy", wave_plane=plane))
        w = synthesise(desc).joints[:, R_WRIST]
        detrended = w - np.linspace(w[0], w[-1], len(w))
        return np.ptp(detrended[:, 0]), np.ptp(detrended[:, 1])
    x_h, y_h = swing("h")
    x_v, y_v = swing("v")
    assert x_h > 3 * y_h and y_v > 3 * x_v


def test_a_speed_factor_shortens_the_movement():
    desc = sign("flathand extfingero palmd chest moveo")
    slow = synthesise(replace(desc, movement=Straight("o", manner=Manner(tempo=0.5))))
    fast = synthesise(replace(desc, movement=Straight("o", manner=Manner(tempo=2.0))))
    assert fast.num_frames < synthesise(desc).num_frames < slow.num_frames


def _thumb_gap(desc):
    j = synthesise(desc).joints[3]
    return float(np.linalg.norm(j[R_THUMB_TIP] - j[R_TIP[2]]))


def test_a_slack_cee_opens_wider_than_a_tight_one():
    from signllm.notation import read_sigml
    text = ('<sigml><hamgestural_sign gloss="C"><sign_manual><handconfig handshape="cee12"{}/>'
            '<handconfig extfidir="o" palmor="l"/><location_bodyarm location="chest"/>'
            '</sign_manual></hamgestural_sign></sigml>')
    gaps = [_thumb_gap(read_sigml(text.format(a))[0])
            for a in (' ceeopening="tight"', "", ' ceeopening="slack"')]
    assert gaps[0] < gaps[1] < gaps[2]


def test_crossed_fingers_put_the_index_tip_beyond_the_middle_tip():
    def tips(names):
        j = synthesise(sign(names)).joints[3]
        thumb_side = j[29 + 5] - j[29 + 17]             # index knuckle − pinky knuckle
        return (j[R_TIP[2]] - j[R_TIP[3]]) @ thumb_side / np.linalg.norm(thumb_side)
    assert tips("finger23 thumbacrossmod extfingeru palml chest") > 0.005
    assert tips("finger23 thumbacrossmod indexfinger fingernail middlefinger extfingeru palml "
                "chest") < -0.003


def test_every_body_stays_finite_with_the_new_sites():
    for body in (Body(), Body(shoulder_width=0.42, upper_arm=0.33, forearm=0.28)):
        for names in ("flathand extfingerl palmd elbowinside close",
                      "flathand extfingerl palmd elbow touch moveu",
                      "finger2 extfingerl palmd lowerarm touch moveo lowerarm"):
            seq = synthesise(sign(names), body=body)
            assert np.isfinite(seq.joints).all() and not seq.meta["unsupported"]


def test_a_circle_runs_from_its_start_to_its_end_clock_position():
    from signllm.notation import Circle
    desc = sign("flathand extfingeru palmd chest")

    def path(circle):
        w = synthesise(replace(desc, movement=circle)).joints[:, R_WRIST]
        return w - w[0]
    full = path(Circle("o"))
    assert np.linalg.norm(full[-1]) < 0.005                 # a full turn comes back
    half = path(Circle("o", start="u", end="d"))             # from the top to the bottom
    assert half[-1, 1] < -0.09 and abs(half[-1, 0]) < 0.01  # one diameter (0.1 m) down
    assert synthesise(replace(desc, movement=Circle("o", start="u", end="d"))).num_frames < \
        synthesise(replace(desc, movement=Circle("o"))).num_frames
    flat = path(Circle("o", ellipse="h"))
    assert np.ptp(flat[:, 0]) > 1.8 * np.ptp(flat[:, 1])    # long axis left-right
    seen_from_above = synthesise(replace(desc, movement=Circle("u", start="u")))
    assert not seen_from_above.meta["unsupported"]


def test_a_touch_without_a_named_part_puts_the_nearest_point_of_the_hand_on_the_site():
    from signllm.synthesis.body import body_site
    seq = synthesise(sign("flathand extfingeru palml forehead touch"))   # the hand's edge
    target, _ = body_site(Body(), "forehead", None)
    hand = seq.joints[2, 29:]
    assert np.linalg.norm(hand - target, axis=1).min() < 0.015


def test_a_finger_direction_between_two_is_half_way():
    seq = synthesise(sign("flathand extfingeru between extfingero palmd chest"))
    hand = seq.joints[2, 29:]
    finger = hand[9] - hand[0]
    finger /= np.linalg.norm(finger)
    assert finger[1] > 0.6 and finger[2] > 0.6     # up and out, at about 45 degrees


def test_mirrored_hands_at_one_central_site_meet_and_do_not_cross():
    # HAUS: flat hands, fingers out and toward each other, touching at the shoulders: a roof
    seq = synthesise(sign("symmlr flathand extfingeruo between extfingerol palmdl touch shoulders"))
    j = seq.joints[2]
    right, left = j[29:50, 0], j[8:29, 0]
    assert right.max() <= 1e-3 and left.min() >= -1e-3      # each hand stays on its side (1 mm)
    assert right.max() > -0.01 and left.min() < 0.01        # and they meet at the midline


def test_mirrored_hands_that_touch_without_named_parts_close_in_until_they_touch():
    # NIVEAU: flat hands, fingers up, palms facing each other, touching at shoulder height
    seq = synthesise(sign("symmlr flathand extfingeru palml touch shoulders mover"))
    j = seq.joints[2]
    gap = np.linalg.norm(j[29:50, None] - j[None, 8:29], axis=-1).min()
    assert gap < 0.012
    near = synthesise(sign("symmlr flathand extfingeru palml close shoulders mover")).joints[2]
    assert 0.04 < np.linalg.norm(near[29:50, None] - near[None, 8:29], axis=-1).min() < 0.06


def test_palm_orientation_is_read_relative_to_the_fingers():
    """HamNoSys draws palm symbols as if the fingers pointed out: fingers up with palm d show
    the palm away from the signer, fingers left with palm l (BAUCH) turn it toward the body,
    fingers out keep it as drawn; no notated pair leaves the palm along the fingers."""
    from signllm.synthesis.synthesise import direction, palm_about
    assert np.allclose(palm_about(direction("u"), direction("d")), direction("o"))
    assert np.allclose(palm_about(direction("u"), direction("u")), direction("i"))
    assert np.allclose(palm_about(direction("l"), direction("l")), direction("i"))
    assert np.allclose(palm_about(direction("o"), direction("dl")), direction("dl"))
    assert np.allclose(palm_about(direction("i"), direction("l")), direction("r"))
    for f in ("u", "ul", "l", "dl", "d", "o", "i", "uo", "di"):
        for p in ("u", "ur", "r", "dr", "d", "dl", "l", "ul"):
            assert abs(palm_about(direction(f), direction(p)) @ direction(f)) < 1e-9
    hand = synthesise(sign("flathand extfingerl palml touch stomach")).joints[2, 29:]
    normal = np.cross(hand[5] - hand[17], hand[9] - hand[0])        # the palm's normal
    assert normal[2] / np.linalg.norm(normal) < -0.9                # on the belly, facing in


def test_the_elbow_turns_to_spare_the_wrist():
    """A palm turned down with the fingers pointing in, in front of the chest: with the elbow
    hanging the wrist would bend far sideways; the elbow lifts out instead."""
    import importlib
    synth = importlib.import_module("signllm.synthesis.synthesise")

    def deviation(seq):
        j = seq.joints[2].astype(float)
        hand, fore = j[29:], j[R_WRIST] - j[R_ELBOW]
        x = hand[9] - hand[0]
        t = hand[5] - hand[17]
        t -= (t @ x) / (x @ x) * x
        return np.degrees(np.arctan2(fore @ t / np.linalg.norm(t), fore @ x / np.linalg.norm(x)))

    desc = sign("flathand extfingerl palmd chest")
    turned = synthesise(desc)
    hanging = synth.SWIVEL
    try:
        synth.SWIVEL = np.zeros(1)
        straight_down = synthesise(desc)
    finally:
        synth.SWIVEL = hanging
    assert abs(deviation(turned)) < abs(deviation(straight_down)) - 10
    assert turned.joints[2, R_ELBOW, 1] > straight_down.joints[2, R_ELBOW, 1]   # lifted


def _handedness(hand: np.ndarray) -> np.ndarray:
    """Sign of (wrist → middle tip) · ((wrist → index knuckle) × (wrist → pinky knuckle)) per
    frame: a left hand and a right hand have opposite signs."""
    w = hand[:, 0]
    return np.sign(np.einsum("ti,ti->t", hand[:, 12] - w, np.cross(hand[:, 5] - w, hand[:, 17] - w)))


def test_the_left_hand_is_a_mirror_image_of_the_right_not_a_second_right_hand():
    seq = synthesise(sign("symmlr flathand extfingeru palml chest"))
    right, left = seq.joints[:, 29:50], seq.joints[:, 8:29]
    np.testing.assert_allclose(left * [-1, 1, 1], right, atol=1e-5)
    assert (_handedness(left) == -_handedness(right)).all()
    one_handed = synthesise(sign("finger2 extfingeru palml chest"))   # the other hand at rest
    assert (_handedness(one_handed.joints[:, 8:29]) == -_handedness(one_handed.joints[:, 29:50])).all()


def test_the_other_hands_own_directions_after_hamplus_are_the_signers_not_mirrored():
    # TREE-like: the dominant index up, the other hand's index written "right": it points to the
    # signer's right (-X), across the body, as written; only symmetry operators mirror
    seq = synthesise(sign("finger2 parbegin extfingeru palml plus extfingerr palmd parend chest"))
    left = seq.joints[2, 8:29]
    pointing = left[8] - left[5]
    assert pointing[0] < -0.8 * np.linalg.norm(pointing)
    mirrored = synthesise(sign("symmlr finger2 extfingerr palmd chest")).joints[2, 8:29]
    assert (mirrored[8] - mirrored[5])[0] > 0        # under hamsymmlr it points left


def test_the_other_hands_own_movement_after_hamplus_is_not_mirrored():
    # the hands move toward each other: right hand to the left, left hand to the right
    seq = synthesise(sign("finger2 extfingeru palml chest parbegin movel plus mover parend"))
    assert seq.joints[-1, 4, 0] - seq.joints[0, 4, 0] > 0.03     # right wrist: +X (left)
    assert seq.joints[-1, 7, 0] - seq.joints[0, 7, 0] < -0.03    # left wrist: -X (right)


def test_a_roughly_placed_hand_moves_at_most_its_slack_to_ease_the_wrist():
    body = Body()
    desc = sign("flathand extfingeru palml chest")             # no contact: 0.12 m in front
    placed = _Animator(body, [], False).place(desc.dominant, None)
    site, normal = body_site(body, "chest", None)
    notated = replace(placed, point=site + normal * DISTANCE[None])
    assert 0 < np.linalg.norm(placed.point - notated.point) <= SLACK + 1e-9
    assert _strain(body, [placed], True)[0] < _strain(body, [notated], True)[0]


def test_a_touching_hand_stays_on_its_site():
    body = Body()
    desc = sign("flathand extfingeru palml chest touch")
    placed = _Animator(body, [], False).place(desc.dominant, None)
    site, normal = body_site(body, "chest", None)
    assert np.allclose(placed.point, site + normal * DISTANCE["touch"])
