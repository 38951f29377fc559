"""The notation's own non-manual tiers -> the face over the sign that carries them.

Why: a lexicon sign can prescribe its face whatever the sentence (NGT's gestural SiGML: raised
brows on 64 signs, squeezed lids on 42, a headshake on 14, ...; HNS-SiGML's `hnm_*` tags say the
same). The codes are SiGML's, as JASigning reads them (meanings from the SiGML non-manual
tables; ND/NU and brows DN, which those tables do not list, read as one nod down / up and
lowered brows):
- head: NO nodding, SH shaking, SL/SR turned left/right, TL/TR tilted left/right, NF/NB tipped
  forward/back, ND/NU one nod down/up;
- brows: RB both raised, RL/RR one raised, FU furrowed, DN lowered;
- lids: WB/WL/WR wide open, SB/SL/SR squeezed, CB/CL/CR closed, TB/TL/TR tightly shut, BB a blink;
- gaze: UP, DN, LE, RI, UL, UR, DL, DR a direction; AD, FR, NO ahead; HD, HN the dominant /
  non-dominant hand (the hand held higher, as for fingerspelling; the hand named is not checked).
Each holds over the sign, eased in and out over `RAMP_S` outside it. Codes it does not animate
(head pushed PF/PB or linked LI, shoulders, body, nose, mouth gestures, extra tiers) are listed
by name, so the word's report says what was left out.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..notation.description import NonManual
from .curves import plateau

RAMP_S = 0.2
TURN_DEG, TILT_DEG, TIP_DEG = 20.0, 12.0, 12.0
NOD_ONCE_DEG = 10.0
GAZE_YAW_DEG, GAZE_PITCH_DEG = 20.0, 15.0

BROWS = {
    "RB": {"browInnerUp": 0.7, "browOuterUp_L": 0.55, "browOuterUp_R": 0.55},
    "RL": {"browInnerUp": 0.35, "browOuterUp_L": 0.7},
    "RR": {"browInnerUp": 0.35, "browOuterUp_R": 0.7},
    "FU": {"browDown_L": 0.65, "browDown_R": 0.65, "eyeSquint_L": 0.2, "eyeSquint_R": 0.2},
    "DN": {"browDown_L": 0.5, "browDown_R": 0.5},
}
LIDS = {**{f"W{s}": {f"eyeWide_{e}": 0.6 for e in eyes} for s, eyes in
           (("B", "LR"), ("L", "L"), ("R", "R"))},
        **{f"S{s}": {f"eyeSquint_{e}": 0.6 for e in eyes} for s, eyes in
           (("B", "LR"), ("L", "L"), ("R", "R"))},
        **{f"C{s}": {f"eyeBlink_{e}": 1.0 for e in eyes} for s, eyes in
           (("B", "LR"), ("L", "L"), ("R", "R"))},
        **{f"T{s}": {n: w for e in eyes for n, w in ((f"eyeBlink_{e}", 1.0),
                                                   (f"eyeSquint_{e}", 0.5))}
           for s, eyes in (("B", "LR"), ("L", "L"), ("R", "R"))}}
# held head postures: axis-angle components (x tips down, y turns left, z tilts right), degrees
HEAD_HELD = {"SL": (0, TURN_DEG, 0), "SR": (0, -TURN_DEG, 0), "TL": (0, 0, -TILT_DEG),
             "TR": (0, 0, TILT_DEG), "NF": (TIP_DEG, 0, 0), "NB": (-TIP_DEG, 0, 0)}
HEAD_MOVING = frozenset({"NO", "SH", "ND", "NU"})   # nod, shake, one nod down / up
# eye yaw (> 0 to the signer's left), pitch (> 0 down), degrees
GAZE = {"UP": (0, -1), "DN": (0, 1), "LE": (1, 0), "RI": (-1, 0), "UL": (1, -1), "UR": (-1, -1),
        "DL": (1, 1), "DR": (-1, 1), "AD": (0, 0), "FR": (0, 0), "NO": (0, 0)}
GAZE_HAND = {"HD", "HN"}
LID_BLINK = "BB"
SHAPE_NAMES = frozenset(n for table in (BROWS, LIDS) for shape in table.values() for n in shape)


@dataclass
class NotatedFace:
    """What one sign's notation asks of the face, over its frames."""
    shapes: dict[str, float] = field(default_factory=dict)     # held blendshape weights
    head: tuple[float, float, float] = (0.0, 0.0, 0.0)         # held head turn, radians
    moving: list[str] = field(default_factory=list)            # HEAD_MOVING codes
    gaze: tuple[float, float] | str | None = None              # yaw, pitch (rad) or "hand"
    blink: bool = False
    animated: list[str] = field(default_factory=list)          # "brows RB", ...
    skipped: list[str] = field(default_factory=list)           # "mouth_gesture:L06", ...

    @property
    def empty(self) -> bool:
        return not (self.animated or self.skipped)

    def describe(self) -> str:
        parts = []
        if self.animated:
            parts.append("notation face: " + ", ".join(self.animated))
        if self.skipped:
            parts.append("not animated: " + ", ".join(self.skipped))
        return "; ".join(parts)


def read(nonmanual: NonManual) -> NotatedFace:
    """The face of a sign's non-manual codes (its other tiers as "tier:value")."""
    face = NotatedFace()
    turn = np.zeros(3)
    for code in nonmanual.head:
        if code in HEAD_HELD:
            turn += np.radians(HEAD_HELD[code])
        elif code in HEAD_MOVING:
            face.moving.append(code)
        else:
            face.skipped.append(f"head {code}")
            continue
        face.animated.append(f"head {code}")
    face.head = tuple(float(v) for v in turn)
    for code in nonmanual.brows:
        if code in BROWS:
            _hold(face.shapes, BROWS[code])
            face.animated.append(f"brows {code}")
        else:
            face.skipped.append(f"brows {code}")
    for code in nonmanual.gaze:
        if code in GAZE_HAND:
            face.gaze = "hand"
        elif code in GAZE:
            yaw, pitch = GAZE[code]
            face.gaze = (float(np.radians(GAZE_YAW_DEG * yaw)),
                         float(np.radians(GAZE_PITCH_DEG * pitch)))
        else:
            face.skipped.append(f"gaze {code}")
            continue
        face.animated.append(f"gaze {code}")
    for item in nonmanual.other:
        tier, _, code = item.partition(":")
        if "@" in tier or not code:
            continue                                   # timing attributes, bare tags
        if tier == "eye_lids" and (code in LIDS or code == LID_BLINK):
            if code == LID_BLINK:
                face.blink = True
            else:
                _hold(face.shapes, LIDS[code])
            face.animated.append(f"lids {code}")
        else:
            face.skipped.append(item)
    return face


def _hold(shapes: dict[str, float], add: dict[str, float]) -> None:
    for name, weight in add.items():
        shapes[name] = max(shapes.get(name, 0.0), weight)


def held(frames: int, start: int, end: int, fps: float) -> np.ndarray:
    """(frames,) 1 over the sign, eased over `RAMP_S` outside it."""
    return plateau(frames, start, end, RAMP_S * fps)


def nod_once(start: int, end: int, frames: int, fps: float, up: bool = False) -> np.ndarray:
    """(frames,) head pitch of one nod over the sign: down (or up) and back."""
    t = np.arange(frames, dtype=np.float64)
    inside = (t >= start) & (t < end)
    phase = np.clip((t - start + 0.5) / max(end - start, 1), 0, 1)
    sign = -1.0 if up else 1.0
    return np.where(inside, sign * np.radians(NOD_ONCE_DEG) * np.sin(np.pi * phase), 0.0)


__all__ = ["NotatedFace", "read", "held", "nod_once"]
