"""Parametric hand: HamNoSys handshape → 21 OpenPose hand points in the hand's own frame.

Hand frame (right hand): x = extended-finger direction (wrist → knuckles), y = palm normal,
z = x × y = the thumb (radial) side. A shape is a parameter vector (so shapes interpolate
linearly during a `replace`): per finger 2–5 the flexion of base / middle / tip joints in
fractions of 90° and a splay angle; for the thumb a base direction, a curl direction and two
flexions. Flexion fractions follow SignON's tables (hamnosys-notes §3).
"""
from __future__ import annotations

import numpy as np

# Knuckles (MCP) of index … pinky in the hand frame and segment lengths (proximal, middle,
# distal), metres, for the default adult hand (wrist → middle tip 0.185 m).
MCP = np.array([[0.088, 0.0, 0.026], [0.092, 0.0, 0.004], [0.086, 0.0, -0.016],
                [0.078, 0.0, -0.034]])
SEGMENTS = np.array([[0.045, 0.025, 0.021], [0.048, 0.028, 0.023], [0.045, 0.027, 0.022],
                     [0.036, 0.021, 0.020]])
THUMB_CMC = np.array([0.025, 0.012, 0.022])
THUMB_SEGMENTS = np.array([0.040, 0.032, 0.028])

BENDINGS = {None: (0, 0, 0), "halfbent": (.5, 0, 0), "bent": (1, 0, 0), "round": (.5, .5, .5),
            "hooked": (0, 1, 1), "dblbent": (1, 1, 0), "dblhooked": (1, 1, 1)}
# A finger closed into the fist. Measured on the real fingerspelling hands (spoken-to-signed,
# MediaPipe; benchmarks/handshape_classifier.py): the closed fingers of S (fist) in DSGS, DGS and
# ASL bend base / middle / tip by 0.47–0.58 / 1.15–1.46 / 0.29–0.63 × 90° (A: 0.59–0.67 /
# 0.98–1.48 / 0.26–0.33); SignON's (1, 1, 1) bent the knuckle twice as far as real hands do.
CLOSED = (0.55, 1.3, 0.45)
# An extended finger. Measured on the same real hands (40 extended fingers of B, U, H, Ü, V, D,
# G, Z, L): base / middle / tip joints at 11 / 1 / -6° (a relaxed extension, the tip a little
# over-straight); dead straight (0, 0, 0) before.
STRAIGHT = (0.125, 0.015, -0.065)
# Thumb: (base direction, curl direction, flex1, flex2) in the hand frame.
THUMBS = {"along": ((0.75, 0.1, 0.65), (0.6, 0.0, -0.3), 0.1, 0.1),
          "out": ((0.35, 0.0, 0.94), (0.9, 0.0, 0.0), 0.0, 0.0),
          "open": ((0.55, 0.45, 0.7), (0.6, 0.4, -0.3), 0.1, 0.1),
          # across: fitted (least squares) to the mean real thumb of the 24 letters whose thumb
          # lies across (S, D, U, H, R, V, B in DSGS, DGS, ASL): tip at (1.05, 0.39, -0.14) wrist
          # → middle-knuckle lengths in the hand frame; SignON's (0.6, 0.55, 0.2), (0.1, 0.4,
          # -0.9), 0.55, 0.6 put it at (0.69, 0.70, -0.18), deep in the palm and short of the
          # fingers. open / out are left as they were: their real thumbs are longer than this
          # model's and their depth is the least sure (MediaPipe), so a fit would not be clear.
          "across": ((0.82, 0.56, 0.15), (0.19, -0.35, -0.78), 0.57, 0.2),
          "opposed": ((0.5, 0.75, 0.2), (0.8, 0.3, -0.3), 0.3, 0.3)}
# base → (flexion of fingers 2–5, spread, default thumb)
BASES = {"fist": ((CLOSED,) * 4, False, "across"),
         "flat": ((STRAIGHT,) * 4, False, "along"),
         "finger2": ((STRAIGHT, CLOSED, CLOSED, CLOSED), False, "across"),
         "finger23": ((STRAIGHT, STRAIGHT, CLOSED, CLOSED), False, "across"),
         "finger23spread": ((STRAIGHT, STRAIGHT, CLOSED, CLOSED), True, "across"),
         "finger2345": ((STRAIGHT,) * 4, True, "open"),
         "pinch12": (((.55, .5, .35), CLOSED, CLOSED, CLOSED), False, "opposed"),
         "pinch12open": (((.55, .5, .35), STRAIGHT, STRAIGHT, STRAIGHT), True, "opposed"),
         "pinchall": (((.55, .5, .35),) * 4, False, "opposed"),
         "cee12": (((.35, .35, .25), CLOSED, CLOSED, CLOSED), False, "open"),
         "cee12open": (((.35, .35, .25), STRAIGHT, STRAIGHT, STRAIGHT), True, "open"),
         "ceeall": (((.35, .35, .25),) * 4, False, "open")}
# Finger directions in the palm plane (radians, + toward the thumb) of fingers 2–5. Together:
# the mean direction (knuckle → tip) of the extended, unspread fingers of the real B, U, H and Ü
# (DSGS, DGS, ASL; 11 hands for the index and middle, 3 for ring and pinky), measured from the
# wrist → middle-knuckle axis as `handshape_check` does (this model's axis is 2.5° toward the
# thumb of its x): real hands lean 8–13° toward the pinky; the old 2 / 0 / -2 / -4° did not.
TOGETHER = np.radians([-11.0, -7.4, -8.6, -5.9])
# Spread hands add SignON-style offsets, except V, whose index and middle turn to the mean real
# V (DSGS, DGS: 3.0 and -18.5° on that axis); the old V (index 8° from the middle) was named U.
SPREAD = np.radians([6.0, 0.0, -6.0, -12.0])
SPREAD_BY_BASE = {"finger23spread": np.radians([16.4, -8.6, 0.0, 0.0])}
OPENING = {"slack": 0.6, "tight": 1.4}   # a cee's flexion × this: wider / narrower
CROSS_SPLAY = np.radians(-20.0)          # a finger crossed over its neighbour toward the pinky
N_PARAMS = 12 + 4 + 8


def shape_params(handshape, unsupported: list | None = None) -> np.ndarray:
    """Parameter vector of a `Handshape` (None: flat hand)."""
    base = getattr(handshape, "base", None) or "flat"
    if base not in BASES:
        if unsupported is not None:
            unsupported.append(f"handshape {base}")
        base = "flat"
    flex, spread, thumb = BASES[base]
    flex = np.array(flex, dtype=float)
    closed = np.all(flex == CLOSED, axis=1)
    selected = [i for i in range(4) if not closed[i]]
    if handshape is not None and handshape.fingers:
        chosen = [f - 2 for f in handshape.fingers if 2 <= f <= 5]
        if chosen and base.startswith("finger"):
            template = flex[selected[0]].copy()
            flex[:] = CLOSED
            flex[chosen] = template
            selected = chosen
    unbent = flex.copy()
    if handshape is not None and handshape.bending is not None and handshape.bending in BENDINGS:
        # (no bending keeps the base's own flexion: a cee or pinch was flattened before)
        flex[selected] = BENDINGS[handshape.bending]   # a bent cee is a flat "duck bill"
    for finger in getattr(handshape, "exempt", ()) or ():
        if 2 <= finger <= 5:                 # keeps the base shape's flexion
            flex[finger - 2] = unbent[finger - 2]
    for finger, bend in getattr(handshape, "finger_bending", ()) or ():
        if 2 <= finger <= 5 and bend in BENDINGS:
            flex[finger - 2] = BENDINGS[bend]
    if handshape is not None and handshape.thumb in THUMBS:
        thumb = handshape.thumb
    if getattr(handshape, "thumb_contact", None):
        thumb = "opposed"                    # the thumb meets the finger part notated
    opening = OPENING.get(getattr(handshape, "opening", None), 1.0) if base.startswith("cee") \
        else 1.0
    flex[~np.all(flex == CLOSED, axis=1)] *= opening
    splay = TOGETHER + (SPREAD_BY_BASE.get(base, SPREAD) if spread else 0.0)
    _, pair = getattr(handshape, "finger_contact", ()) or (None, ())
    if 1 in pair:
        thumb = "opposed"                    # the thumb meets the other finger's part
    elif len(pair) == 2 and all(2 <= f <= 5 for f in pair):   # crossed: the first over the second
        splay = splay.copy()
        splay[pair[0] - 2] = splay[pair[1] - 2] + CROSS_SPLAY * np.sign(pair[1] - pair[0])
    tdir, tcurl, f1, f2 = THUMBS[thumb]
    return np.concatenate([flex.ravel(), splay, tdir, tcurl, [f1 * opening, f2 * opening]])


def hand_points(params: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """(…, 21, 3) hand points in the hand frame for (…, N_PARAMS) shape parameters."""
    p = np.asarray(params, dtype=float)
    lead = p.shape[:-1]
    flex = p[..., :12].reshape(*lead, 4, 3) * (np.pi / 2)
    splay = p[..., 12:16]
    out = np.zeros((*lead, 21, 3))
    ang = np.cumsum(flex, axis=-1)                                   # (…, 4, 3)
    base_dir = np.stack([np.cos(splay), np.zeros_like(splay), np.sin(splay)], -1)  # (…, 4, 3)
    palm = np.array([0.0, 1.0, 0.0])
    seg = (np.cos(ang)[..., None] * base_dir[..., None, :] + np.sin(ang)[..., None] * palm)
    seg = seg * SEGMENTS[..., None]
    chain = MCP[:, None, :] + np.concatenate([np.zeros_like(seg[..., :1, :]),
                                              np.cumsum(seg, axis=-2)], axis=-2)
    out[..., 5:21, :] = chain.reshape(*lead, 16, 3)
    tdir = p[..., 16:19] / np.linalg.norm(p[..., 16:19], axis=-1, keepdims=True)
    curl = p[..., 19:22] - (p[..., 19:22] * tdir).sum(-1, keepdims=True) * tdir
    curl = curl / np.maximum(np.linalg.norm(curl, axis=-1, keepdims=True), 1e-9)
    a = np.stack([np.zeros(lead), p[..., 22], p[..., 22] + p[..., 23]], -1) * (np.pi / 2)
    tseg = (np.cos(a)[..., None] * tdir[..., None, :] + np.sin(a)[..., None] * curl[..., None, :])
    tseg = tseg * THUMB_SEGMENTS[:, None]
    out[..., 1, :] = THUMB_CMC
    out[..., 2:5, :] = THUMB_CMC + np.cumsum(tseg, axis=-2)
    return out * scale


def part_point(points: np.ndarray, part: str | None, fingers=()) -> np.ndarray | None:
    """The named hand part (HamNoSys) of (…, 21, 3) points; None for an unnamed part."""
    f = [x for x in fingers if 1 <= x <= 5] or [2]
    tips = [4 + 4 * (x - 1) for x in f]             # OpenPose tip index of finger x
    def of(offset):
        return points[..., [t - offset for t in tips], :].mean(-2)
    palm = points[..., [0, 5, 9, 13, 17], :].mean(-2)
    table = {"fingertip": lambda: of(0), "fingernail": lambda: of(0),
             "fingerpad": lambda: 0.5 * (of(0) + of(1)), "fingermidjoint": lambda: of(2),
             "fingerside": lambda: 0.5 * (of(0) + of(1)), "finger": lambda: 0.5 * (of(1) + of(2)),
             "fingerbase": lambda: of(3), "palm": lambda: palm, "handback": lambda: palm,
             "thumbside": lambda: points[..., 5, :], "pinkyside": lambda: points[..., 17, :],
             "thumbball": lambda: 0.5 * (points[..., 1, :] + points[..., 2, :]),
             "wristback": lambda: points[..., 0, :]}
    return table[part]() if part in table else None
