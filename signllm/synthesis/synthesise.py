"""A `SignDescription` → 50-joint `PoseSequence`: postures placed on the body, movements timed.

How (after JASigning / SignON, re-derived): each hand carries a state — where its named hand part
is, its extended-finger and palm directions, its shape parameters (`hands.py`). The initial
posture comes from the notation (a body site of `body.py` plus the contact distance along the
site's normal, or neutral space); each movement of the tree is a phase that changes the state
over its duration with smoothstep easing; the arm is solved by two-bone IK with the elbow down
and out, and a location given only roughly (neutral space, no contact) settles within a slack
where that arm bends the wrist least. The other hand mirrors the dominant one under a
symmetry operator, takes its own posture when the notation gives one, and otherwise rests low
in front of the body.

Durations (seconds; SignON's slots as a starting point): hold at the start 0.15, a straight
movement 0.3, a circle 0.5, a posture change 0.3, a local movement 0.5, final hold 0.2; `fast`
× 0.6, `slow` × 1.5. Sizes (metres): straight 0.12 (small 0.06, large 0.2), circle radius 0.05
(0.02, 0.1), arcs bulge 0.15 × length. Contact distances from a site's surface: touch 0.005,
close 0.05, unspecified 0.12 (on the head 0.15), arm extended 0.4.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import numpy as np

from ..geometry import cross
from ..notation import description as d
from ..pose import PoseSequence
from ..skeleton import L_HAND, R_HAND
from .body import NEUTRAL, Body, body_site
from .hands import hand_points, part_point, shape_params

log = logging.getLogger(__name__)

HOLD_START, HOLD_END = 0.15, 0.2
COMPOUND_TRANSITION = 0.2   # seconds between the parts of a compound
DURATION = {"straight": 0.3, "circle": 0.5, "target": 0.3, "local": 0.5, "nomotion": 0.3}
SPEED = {None: 1.0, "fast": 0.6, "slow": 1.5}
LENGTH = {None: 0.12, "small": 0.06, "large": 0.2}
RADIUS = {None: 0.05, "small": 0.02, "large": 0.1}
ELLIPSE_MAJOR = {"h": "l", "v": "u", "ur": "ur", "ul": "ul"}   # the long axis of an ellipse
ELLIPSE_RATIO = 0.5                                            # short / long axis
CLOCK_SEEN = {"u": "o", "d": "i", "r": "o", "l": "i"}   # clock letters in a plane without them
DISTANCE = {"touch": 0.005, "close": 0.05, None: 0.12, "armextended": 0.4, "behind": 0.005,
            "brushing": 0.005, "interlock": 0.0, "cross": 0.0}
LETTER = {"u": (0, 1, 0), "d": (0, -1, 0), "l": (1, 0, 0), "r": (-1, 0, 0), "o": (0, 0, 1),
          "i": (0, 0, -1)}
HAND_SITES = ("palm", "handback", "thumbside", "pinkyside", "thumbball", "wristback",
              "wristpulse", "fingertip", "fingerpad", "fingernail", "fingermidjoint", "fingerbase",
              "fingerside")   # a location on the other hand
ARM_SITES = ("upperarm", "elbow", "elbowinside", "lowerarm")   # on the other arm
ARM_RADIUS = 0.04   # m from the arm's axis to its skin
# Which side of the other arm a hand goes to: toward the signer's front and up (the forearm's
# top, the upper arm's front), under the elbow for the elbow itself; +X toward the other arm.
ARM_APPROACH = {"upperarm": (-0.5, 0.3, 1.0), "elbowinside": (-0.3, 0.3, 1.0),
                "lowerarm": (-0.3, 1.0, 0.5), "elbow": (0.0, -1.0, -0.3)}
# The elbow's turn about the shoulder–wrist line (radians from down-and-out; + outward), the
# wrist's comfortable bend (flexion / extension, and the tighter sideways deviation, as the
# avatar's wrist limits in retarget/fit.py), how far a turn may go before it costs as much as
# those, and the soft minimum's temperature.
SWIVEL = np.radians(np.arange(-30, 81, 10))
WRIST_FLEX, WRIST_DEVIATION, SWIVEL_SCALE, SWIVEL_SOFTNESS = np.radians(60), np.radians(25), \
    np.radians(60), 0.1
# How far a roughly given location (neutral space, a site without contact or "close" to it) may
# move for the arm's comfort: half the spacing between neighbouring notated locations (the
# lateral variants 0.07 m apart; close 0.05 and unspecified 0.12 m from the surface).
SLACK = 0.035
NEUTRAL_SLACK = 0.08   # neutral space: a region in front of the torso, lower to upper chest
SLACK_CONTACTS = (None, "close")
_GRID = np.stack(np.meshgrid(*[np.linspace(-1, 1, 5)] * 3, indexing="ij"), -1).reshape(-1, 3)
_BALL = _GRID[(_GRID ** 2).sum(1) <= 1]   # candidate offsets, in units of the slack
_MOVED = (_BALL ** 2).sum(1)   # moving the whole slack costs as much as a wrist at WRIST_FLEX
OUT = np.array([0.0, 0.0, 1.0])   # away from the signer: the finger direction palms are read in
REST_WRIST = np.array([-0.17, -0.5, 0.17])   # dominant wrist at rest: low, in front of the hip


def _seconds(kind: str, manner: d.Manner) -> float:
    return DURATION[kind] * SPEED.get(manner.speed, 1) / manner.tempo


def direction(code: str | None, between: str | None = None) -> np.ndarray | None:
    """A HamNoSys direction ("uo", "dl", "u+o") as a unit vector; +X is the signer's left."""
    if not code:
        return None
    v = sum((np.array(LETTER[c], float) for part in code.split("+") for c in part if c in LETTER),
            np.zeros(3))
    if between:
        v = v / (np.linalg.norm(v) or 1) + (direction(between) if direction(between) is not None else 0)
    n = np.linalg.norm(v)
    return v / n if n else None


@dataclass
class HandState:
    point: np.ndarray      # where the hand part is (m)
    finger: np.ndarray     # extended-finger direction
    palm: np.ndarray       # palm normal
    shape: np.ndarray      # `hands.shape_params`
    part: str | None = None
    fingers: tuple = ()
    part_side: str | None = None   # "palmar" / "dorsal" / "left" / "right": which side of the
    #                                part is placed
    between: tuple = ()            # (part, fingers): the placed point is between both parts
    normal: np.ndarray | None = None   # the body site's outward normal: with no named part,
    #                                    the hand's nearest points (along it) make the contact


def _frame(finger: np.ndarray, palm: np.ndarray) -> np.ndarray:
    """Rotation with columns (finger, palm, finger × palm) — the hand frame of `hands.py`."""
    n = np.linalg.norm(finger)
    x = finger / n if n > 1e-6 else np.array([0, 1.0, 0])   # mid-way between opposite directions
    y = palm - (palm @ x) * x
    if np.linalg.norm(y) < 1e-6:
        y = cross(x, [0, 0, 1.0]) if abs(x[2]) < 0.9 else cross(x, [0, 1.0, 0])
    y = y / np.linalg.norm(y)
    return np.stack([x, y, cross(x, y)], axis=1)


class _Hand:
    """One hand's track: a list of per-frame states built phase by phase."""

    def __init__(self, start: HandState, fps: float):
        self.states = [start]
        self.fps = fps

    @property
    def last(self) -> HandState:
        return self.states[-1]

    def frames(self, seconds: float) -> int:
        return max(1, int(round(seconds * self.fps)))

    def hold(self, seconds: float):
        self.states += [self.last] * self.frames(seconds)

    def phase(self, seconds: float, change):
        """Append frames whose state is `change(start, e)` for eased e in (0, 1]."""
        start, n = self.last, self.frames(seconds)
        t = np.arange(1, n + 1) / n
        for e in t * t * (3 - 2 * t):
            self.states.append(change(start, float(e)))


def _wave_side(v: np.ndarray, plane: str | None, mirror: bool) -> np.ndarray:
    """The direction a wave swings in, across the movement `v`: in the plane an ellipse symbol
    names (h horizontal, v vertical, ur / ul tilted up to the right / left), else any."""
    if plane is None:
        return _perpendicular(v)[0]
    up = np.array([0, 1.0, 0])
    flat = cross(up, v)
    flat = flat / np.linalg.norm(flat) if np.linalg.norm(flat) > 1e-6 else np.array([1.0, 0, 0])
    upright = cross(v, flat)
    upright = upright / np.linalg.norm(upright)
    if plane == "h":
        return flat
    if plane == "v":
        return upright
    lean = -1.0 if (plane == "ur") != mirror else 1.0   # +X is the signer's left
    side = upright + lean * flat * np.sign(flat[0] or 1.0)
    return side / np.linalg.norm(side)


def _perpendicular(axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ref = np.array([0, 1.0, 0]) if abs(axis[1]) < 0.9 else np.array([0, 0, 1.0])
    u = cross(axis, ref)
    u /= np.linalg.norm(u)
    return u, cross(axis, u)


def _rotate(v: np.ndarray, axis: np.ndarray, angle: float) -> np.ndarray:
    axis = axis / np.linalg.norm(axis)
    return (v * np.cos(angle) + cross(axis, v) * np.sin(angle)
            + axis * (axis @ v) * (1 - np.cos(angle)))


def palm_about(finger: np.ndarray, palm: np.ndarray) -> np.ndarray:
    """A notated palm orientation turned with the fingers: HamNoSys reads its eight palm
    symbols (u, ur, ..., ul: all in the frontal plane) relative to the extended-finger
    direction, as if the fingers pointed out; the smallest turn taking "out" to the fingers
    takes the palm with it (a half turn about the vertical for fingers pointing in). So fingers
    up, palm d face the palm away from the signer, and fingers left, palm l turn it in (BAUCH:
    a flat hand on the belly); fingers out keep the palm as drawn."""
    f = finger / np.linalg.norm(finger)
    axis = cross(OUT, f)
    s, c = float(np.linalg.norm(axis)), float(OUT @ f)
    if s < 1e-9:
        return palm if c > 0 else palm * np.array([-1.0, 1.0, -1.0])
    return _rotate(palm, axis, np.arctan2(s, c))


class _Animator:
    def __init__(self, body: Body, unsupported: list, mirror: bool, absolute: bool = False):
        """`mirror`: this is the left hand, whose body sides mirror (`hamlrat` is its own
        side); its directions mirror too unless `absolute` (its own notated values)."""
        self.body, self.unsupported, self.mirror = body, unsupported, mirror
        self.flip = mirror and not absolute
        self.other: _Hand | None = None   # the other hand, for sites on it or on its arm

    def vec(self, code: str | None, between: str | None = None) -> np.ndarray | None:
        v = direction(code, between)
        if v is not None and self.flip:
            v = v * np.array([-1, 1, 1])
        return v

    def place(self, posture: d.Posture | None, state: HandState | None) -> HandState:
        """A posture's state; parts the posture leaves out carry over from `state`."""
        posture = posture or d.Posture()
        shape = shape_params(posture.handshape, self.unsupported) if posture.handshape else \
            (state.shape if state else shape_params(None))
        o = posture.orientation
        finger = self.vec(o.finger_direction, o.finger_between) if o else None
        finger = finger if finger is not None else (state.finger if state else np.array([0, 1.0, 0.3]))
        palm = self.vec(o.palm, o.palm_between) if o else None
        palm = palm_about(finger, palm) if palm is not None else \
            (state.palm if state else np.array([-1.0, 0, 0]))
        loc = posture.location
        if loc is None:
            point = state.point if state else self.neutral()
            part, fingers = (state.part, state.fingers) if state else (None, ())
            if state is None:
                return self.settle(HandState(point, finger, palm, shape), NEUTRAL_SLACK)
        else:
            (point, normal), part, fingers = self.site(loc), loc.hand_part, loc.hand_fingers
            placed = HandState(point, finger, palm, shape, part, fingers, loc.hand_side,
                               loc.hand_between, normal)
            if loc.site in (None, "neutral"):   # a contact there is with the other hand
                return self.settle(placed, NEUTRAL_SLACK)
            on_body = loc.site not in HAND_SITES + ARM_SITES
            return self.settle(placed, SLACK) if on_body and loc.contact in SLACK_CONTACTS \
                else placed
        return HandState(point, finger, palm, shape, part, fingers,
                         state.part_side if state else None, state.between if state else (),
                         state.normal if state else None)

    def settle(self, state: HandState, slack: float) -> HandState:
        """The state moved by at most `slack` to where the best elbow bends the wrist least:
        a location the notation gives only roughly is where a signer's arm holds it easily."""
        states = [replace(state, point=state.point + o) for o in slack * _BALL]
        cost = _strain(self.body, states, not self.mirror) + _MOVED
        return states[int(np.argmin(cost))]

    def neutral(self) -> np.ndarray:
        return NEUTRAL * np.array([-1 if self.mirror else 1, 1, 1])

    def site(self, loc: d.Location) -> tuple[np.ndarray, np.ndarray | None]:
        """(point the hand goes to, outward normal of the body site or None)."""
        if loc.site in HAND_SITES + ARM_SITES and self.other is not None:
            return _other_site(self.body, self.other.last, self.mirror, loc.site,
                               loc.contact), None
        found = self.body_site(loc.site, loc.side)
        if found is None:
            if loc.site not in ("neutral", None, *HAND_SITES, *ARM_SITES):
                self.unsupported.append(f"site {loc.site}")
            return self.neutral(), None
        point, normal = found
        second = self.body_site(loc.second.site, loc.second.side) if loc.second else None
        if second is not None:                 # between two sites: half way, normals averaged
            point, normal = (point + second[0]) / 2, normal + second[1]
            normal = normal / np.linalg.norm(normal)
        head = loc.site in ("head", "headtop", "forehead", "eyebrows", "eyes", "nose", "nostrils",
                            "ear", "earlobe", "cheek", "lips", "tongue", "teeth", "chin", "underchin")
        distance = DISTANCE.get(loc.contact, DISTANCE[None])
        if loc.contact is None and head:
            distance = 0.15
        return point + normal * distance, normal

    def body_site(self, site: str, side: str | None):
        """(surface point, normal) of a body site for this hand (mirrored for the left)."""
        if self.mirror and side:
            side = side.replace("left", "#").replace("right", "left").replace("#", "right")
        found = body_site(self.body, site, side) if site not in ("neutral", None) else None
        if found is None:
            return None
        point, normal = found
        if self.mirror:
            point, normal = point * [-1, 1, 1], normal * [-1, 1, 1]
        return point, normal

    def move(self, hand: _Hand, m, scale: float = 1.0):
        """Animate one movement of the tree on `hand`."""
        if m is None:
            return
        if isinstance(m, d.Straight):
            v = self.vec(m.direction.split("+")[0] + "".join(m.direction.split("+")[1:])) \
                if m.direction else None
            if v is None:
                self.unsupported.append(f"straight {m.direction!r}")
                return
            length = LENGTH.get(m.manner.size, LENGTH[None]) * scale
            bulge = np.zeros(3)
            if m.curve in ("l", "u", "r", "d"):
                bulge = self.vec(m.curve) * 0.15 * length
            wave = m.curve in ("wavy", "zigzag")
            side = _wave_side(v, m.wave_plane, self.flip)

            def change(s, e):
                off = v * length * e + bulge * np.sin(np.pi * e)
                if wave:
                    off = off + side * 0.1 * length * np.sin(4 * np.pi * e)
                return replace(s, point=s.point + off)
            hand.phase(_seconds("straight", m.manner), change)
        elif isinstance(m, d.Circle):
            self.circle(hand, m, scale)
        elif isinstance(m, d.Local):
            self.local(hand, m)
        elif isinstance(m, d.Target):
            goal = self.place(m.posture, hand.last)

            def change(s, e):
                return HandState(s.point + (goal.point - s.point) * e,
                                 s.finger + (goal.finger - s.finger) * e,
                                 s.palm + (goal.palm - s.palm) * e,
                                 s.shape + (goal.shape - s.shape) * e, goal.part, goal.fingers,
                                 goal.part_side, goal.between, goal.normal)
            hand.phase(_seconds("target", m.manner), change)
        elif isinstance(m, d.NoMotion):
            hand.hold(_seconds("nomotion", m.manner))
        elif isinstance(m, d.Repeat):
            self.repeat(hand, m, scale)
        elif isinstance(m, d.Sequence):
            for item in m.items:
                self.move(hand, item, scale)
        elif isinstance(m, d.Parallel):
            self.parallel(hand, m, scale)
        elif isinstance(m, d.SplitHands):
            self.move(hand, m.dominant, scale)
        elif isinstance(m, d.Alternating):
            self.move(hand, m.body, scale)
        else:
            self.unsupported.append(type(m).__name__)

    def circle(self, hand: _Hand, m: d.Circle, scale: float):
        """A circle about its axis (right-hand rule) from the clock position it starts at to the
        one it ends at (a full turn without one), flattened along its ellipse direction."""
        axis = self.vec(m.axis)
        if axis is None:
            self.unsupported.append(f"circle {m.axis!r}")
            return
        r = RADIUS.get(m.manner.size, RADIUS[None]) * scale
        start = self.clock(m.start, axis) if m.start else _perpendicular(axis)[0]
        if start is None:
            self.unsupported.append(f"circle start {m.start!r}")
            start = _perpendicular(axis)[0]
        sweep = 2 * np.pi
        end = self.clock(m.end, axis) if m.end else None
        if end is not None:
            sweep = float(np.arctan2(cross(start, end) @ axis, start @ end)) % (2 * np.pi) \
                or 2 * np.pi
        major = self.in_plane(ELLIPSE_MAJOR.get(m.ellipse), axis) if m.ellipse else None
        if m.ellipse and major is None:
            self.unsupported.append(f"ellipse {m.ellipse} across the plane of the circle")
        across = cross(axis, start)

        def offset(a):
            o = r * (np.cos(a) * start + np.sin(a) * across)
            return o if major is None else (o @ major) * major + ELLIPSE_RATIO * (o - (o @ major) * major)
        first = offset(0.0)

        def change(s, e):
            return replace(s, point=s.point + offset(sweep * e) - first)
        hand.phase(_seconds("circle", m.manner) * max(sweep / (2 * np.pi), 0.25), change)

    def clock(self, code: str, axis: np.ndarray) -> np.ndarray | None:
        """A clock position in the circle's plane; in a plane that lacks the position's
        direction it is read as seen from above (u = out) or from the hand's side (r = out)."""
        found = self.in_plane(code, axis)
        return found if found is not None else \
            self.in_plane("".join(CLOCK_SEEN.get(c, c) for c in code), axis)

    def in_plane(self, code: str | None, axis: np.ndarray) -> np.ndarray | None:
        """A direction code projected into the plane across `axis` (unit), or None."""
        v = self.vec(code)
        if v is None:
            return None
        v = v - (v @ axis) * axis
        n = np.linalg.norm(v)
        return v / n if n > 1e-6 else None

    def parallel(self, hand: _Hand, m: d.Parallel, scale: float):
        """Items at once: each animated from the same start; their changes add up."""
        start = len(hand.states)
        base = hand.last
        tracks = []
        for item in m.items:
            track = _Hand(base, hand.fps)
            self.move(track, item, scale)
            tracks.append(track.states[1:])
        n = max((len(t) for t in tracks), default=0)
        for k in range(n):
            s = base
            for t in tracks:
                if not t:
                    continue
                step = t[min(len(t) - 1, int(k * len(t) / n))]
                s = HandState(s.point + step.point - base.point, s.finger + step.finger - base.finger,
                              s.palm + step.palm - base.palm, s.shape + step.shape - base.shape,
                              step.part, step.fingers, step.part_side, step.between, step.normal)
            hand.states.append(s)
        assert len(hand.states) == start + n

    def repeat(self, hand: _Hand, m: d.Repeat, scale: float):
        origin = hand.last
        first = len(hand.states)
        self.move(hand, m.body, scale)
        once = hand.states[first:]
        for k in range(m.times):
            if m.mode == "reverse":
                hand.states += once[::-1][1:] + [origin]
                continue
            shift = np.zeros(3)
            if m.shift is not None:
                v = self.vec(m.shift.direction)
                shift = (v if v is not None else 0) * LENGTH.get(m.shift.manner.size, 0.06) * (k + 1) / 2
            if m.mode == "continue":
                delta = hand.last.point - origin.point
                hand.states += [replace(s, point=s.point + delta) for s in once]
            else:   # from the start: back to where it began (shifted), then again
                back = replace(origin, point=origin.point + shift)
                hand.phase(0.15, lambda s, e, b=back: replace(b, point=s.point + (b.point - s.point) * e))
                hand.states += [replace(s, point=s.point + shift) for s in once]

    def local(self, hand: _Hand, m: d.Local):
        kind = m.kind
        if kind == "fingerplay":
            def change(s, e):
                wiggle = 0.3 * np.sin(4 * np.pi * e) * np.resize([1, -1, 1, -1], 12)
                shape = s.shape.copy()
                shape[:12] = np.clip(shape[:12] + np.repeat(wiggle[:4], 3), 0, 1.2)
                return replace(s, shape=shape)
        elif kind in ("nodding", "swinging", "twisting", "stircw", "stirccw") or kind.startswith("wrist"):
            def change(s, e, kind=kind):
                frame = _frame(s.finger, s.palm)
                axis = {"nodding": frame[:, 2], "swinging": frame[:, 1], "twisting": frame[:, 0]}.get(
                    kind, frame[:, 2])
                amp = 0.35 if kind in ("nodding", "swinging", "twisting") else 0.5
                angle = amp * (np.sin(4 * np.pi * e) if not kind.startswith("wrist") else e)
                return replace(s, finger=_rotate(s.finger, axis, angle), palm=_rotate(s.palm, axis, angle))
        else:
            self.unsupported.append(f"local {kind}")
            return
        hand.phase(_seconds("local", m.manner), change)


def _arm(shoulder: np.ndarray, wrist: np.ndarray, upper: float, fore: float, right: bool,
         hand: np.ndarray | None = None, body: Body | None = None):
    """Two-bone IK (vectorised over frames); wrist clamped to the reach. The elbow hangs down
    and out; given the hand's frames (T, 3, 3: finger, palm, thumb side), it turns about the
    shoulder–wrist line (`SWIVEL`) to keep the wrist inside what a wrist bends (`_swivel_cost`):
    a signer lifts the elbow for a palm turned in rather than break the wrist (which the
    avatar's wrist limits would refuse). A soft minimum over the candidates keeps the elbow
    moving smoothly."""
    centre, h, perp, side, reached = _elbow_circle(shoulder, wrist, upper, fore, right)
    if hand is None:
        return centre + perp * h, reached
    cost = _swivel_cost(shoulder, centre, h, perp, side, reached, hand, body)
    weights = np.exp(-(cost - cost.min(1, keepdims=True)) / SWIVEL_SOFTNESS)
    theta = (weights @ SWIVEL / weights.sum(1))[:, None]
    return centre + h * (np.cos(theta) * perp + np.sin(theta) * side), reached


def _strain(body: Body, states: list[HandState], right: bool) -> np.ndarray:
    """(N,) how hard the best elbow still bends the wrist for each candidate state (1 = a
    wrist bent as far as `WRIST_FLEX`), and a large cost for a hand inside the body."""
    wrist, points, frames = _hand_joints(states, body, right)
    circle = _elbow_circle(body.shoulder(right), wrist, body.upper_arm, body.forearm, right)
    cost = _swivel_cost(body.shoulder(right), *circle, frames, body).min(1)
    return cost + 100 * body.inside_body(points).any(1)


def _elbow_circle(shoulder, wrist, upper, fore, right):
    """The circle the elbow can turn on: (centre, radius, down-and-out direction, its
    outward-turn direction, the wrist clamped to the reach)."""
    to = wrist - shoulder
    dist = np.linalg.norm(to, axis=-1, keepdims=True)
    reach = (upper + fore) * 0.999
    to = to * np.minimum(1, reach / np.maximum(dist, 1e-9))
    dist = np.clip(np.linalg.norm(to, axis=-1, keepdims=True), abs(upper - fore) + 1e-4, reach)
    axis = to / dist
    hint = np.array([-0.4 if right else 0.4, -1.0, -0.2])
    perp = _unit_rows(hint - (axis @ hint)[..., None] * axis)
    a = (upper ** 2 + dist ** 2 - fore ** 2) / (2 * dist)
    h = np.sqrt(np.maximum(upper ** 2 - a ** 2, 0))
    out = np.array([-1.0 if right else 1.0, 0, 0])   # the elbow's outward turn
    side = out - (axis @ out)[..., None] * axis - ((out * perp).sum(-1))[..., None] * perp
    side = np.where(np.linalg.norm(side, axis=-1, keepdims=True) > 1e-6, side,
                    cross(axis, perp))
    return shoulder + axis * a, h, perp, _unit_rows(side), shoulder + to


def _swivel_cost(shoulder, centre, h, perp, side, reached, hand, body):
    """(T, S) cost of each `SWIVEL` turn: the wrist's bend against `WRIST_FLEX` /
    `WRIST_DEVIATION`, the turn itself, an elbow much above the shoulder or in the torso."""
    cos, sin = np.cos(SWIVEL)[None, :, None], np.sin(SWIVEL)[None, :, None]
    elbows = centre[:, None] + h[:, None] * (cos * perp[:, None] + sin * side[:, None])
    forearm = _unit_rows(reached[:, None] - elbows)
    seen = np.einsum("tij,tki->tkj", hand, forearm)   # the forearm in the hand's frame
    cost = ((np.arctan2(seen[..., 1], seen[..., 0]) / WRIST_FLEX) ** 2
            + (np.arctan2(seen[..., 2], seen[..., 0]) / WRIST_DEVIATION) ** 2
            + (SWIVEL / SWIVEL_SCALE)[None] ** 2
            + 10 * (np.maximum(elbows[..., 1] - shoulder[1] - 0.05, 0) / 0.05) ** 2)
    if body is not None:
        cost = cost + 100 * body.inside_body(elbows)
    return cost


def _unit_rows(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _hand_joints(states: list[HandState], body: Body, right: bool):
    """(wrist positions, 21 hand points, hand frames) per frame; the hand part sits at the
    state's point."""
    frames = np.stack([_frame(s.finger, s.palm) for s in states])
    if not right:   # a left hand is a mirror image: its thumb side is -(finger × palm)
        frames[:, :, 2] *= -1
    local = hand_points(np.stack([s.shape for s in states]), body.hand_scale)
    world = np.einsum("tij,tkj->tki", frames, local)
    anchor = np.stack([_anchor(w, s, right) for w, s in zip(world, states)])
    wrist = np.stack([s.point for s in states]) - anchor
    return wrist, world + wrist[:, None], frames


PART_SIDE_DEPTH = 0.008   # m from a finger part's axis to its palmar / dorsal skin
NEAREST_SOFTNESS = 0.01   # m: the hand points within about this of the nearest one touch


def _anchor(points: np.ndarray, state: HandState, right: bool) -> np.ndarray:
    """The point of the hand placed at the site: the named part (or the middle of two parts; on
    the side notated: palmar / dorsal, or the signer's left / right), else the palm's centre."""
    found = part_point(points, state.part, state.fingers) if state.part else None
    if found is None and state.normal is not None:   # the points nearest the body site
        depth = points @ state.normal
        weights = np.exp(-(depth - depth.min()) / NEAREST_SOFTNESS)
        return weights @ points / weights.sum()
    if found is None:
        return points[[0, 5, 9, 13, 17]].mean(0)
    if state.between:
        second = part_point(points, *state.between)
        found = found if second is None else (found + second) / 2
    if state.part_side in ("palmar", "dorsal"):
        palm = _frame(state.finger, state.palm)[:, 1]
        found = found + palm * PART_SIDE_DEPTH * (1 if state.part_side == "palmar" else -1)
    elif state.part_side in ("left", "right"):   # +X is the signer's left; the left hand mirrors
        found = found + [PART_SIDE_DEPTH * (1 if (state.part_side == "left") == right else -1),
                         0, 0]
    return found


def _static_joints(body: Body) -> np.ndarray:
    j = np.zeros((50, 3))
    j[0] = [0, body.nose_height, body.nose_forward]
    j[2], j[5] = body.shoulder(True), body.shoulder(False)
    return j


def rest_state(body: Body, right: bool) -> HandState:
    sign = 1 if right else -1
    return HandState(REST_WRIST * [sign, 1, 1] + [0, 0, 0.08], np.array([0.3 * -sign, -0.2, 1.0]),
                     np.array([sign * 1.0, 0, 0]), shape_params(d.Handshape("flat")), None, ())


def _assemble(body: Body, dom: list[HandState], other: list[HandState], left_handed: bool):
    n = max(len(dom), len(other))
    dom = dom + [dom[-1]] * (n - len(dom))
    other = other + [other[-1]] * (n - len(other))
    joints = np.repeat(_static_joints(body)[None], n, 0)
    for states, right in ((dom, True), (other, False)):
        wrist, points, frames = _hand_joints(states, body, right)
        for _ in range(40):   # a hand aimed into the torso or head is brought out of it the
            mask = body.inside_body(points)   # shortest way (beside the head: sideways)
            inside = mask.any(axis=1)
            if not inside.any():
                break
            way = (body.outward(points) * mask[..., None]).sum(1)[inside]
            way /= np.maximum(np.linalg.norm(way, axis=1, keepdims=True), 1e-9)
            wrist[inside] += 0.005 * way
            points[inside] += 0.005 * way[:, None]
        shoulder = body.shoulder(right)
        elbow, reached = _arm(shoulder, wrist, body.upper_arm, body.forearm, right, frames, body)
        points = points + (reached - wrist)[:, None]
        base = 2 if right else 5
        joints[:, base + 1], joints[:, base + 2] = elbow, reached
        joints[:, R_HAND if right else L_HAND] = points
    if left_handed:
        joints = joints * np.array([-1, 1, 1])
        swap = np.r_[0, 1, 5, 6, 7, 2, 3, 4, 29:50, 8:29]
        joints = joints[:, swap]
    return joints.astype(np.float32)


def _other_site(body: Body, state: HandState, right: bool, site: str,
                contact: str | None, between: tuple = ()) -> np.ndarray:
    """Where a hand goes for a site on the other hand (`right`: is that hand the right one) or
    on its arm, with that hand in `state`: the site's point plus the contact gap."""
    wrist, points, frames = _hand_joints([state], body, right)
    if site in ARM_SITES:
        shoulder = body.shoulder(right)
        elbow, wrist = _arm(shoulder, wrist, body.upper_arm, body.forearm, right, frames, body)
        elbow, wrist = elbow[0], wrist[0]
        start, end = {"upperarm": (shoulder, elbow), "lowerarm": (elbow, wrist)}.get(
            site, (elbow, elbow))
        axis = (end - start) if site != "elbow" and site != "elbowinside" else (wrist - elbow)
        axis = axis / (np.linalg.norm(axis) or 1.0)
        toward = np.array(ARM_APPROACH[site]) * [1 if right else -1, 1, 1]
        normal = toward - (toward @ axis) * axis
        normal = normal / (np.linalg.norm(normal) or 1.0)
        return (start + end) / 2 + normal * (ARM_RADIUS + DISTANCE.get(contact, 0.05))
    target = _anchor(points[0], replace(state, part=site, fingers=(), part_side=None,
                                        between=between), right)
    palm = _frame(state.finger, state.palm)[:, 1] * (-1 if site == "handback" else 1)
    return target + palm * (DISTANCE.get(contact, 0.05) + 0.01)


def _on_other_hand(dom: _Hand, other: _Hand, sign: d.SignDescription, body: Body):
    """The dominant hand starts at a part of the other hand or arm (a site or a
    constellation); the other hand comes up into signing space if it was at rest."""
    if sign.nondominant is None and sign.symmetry is None:
        neutral = NEUTRAL * np.array([-1, 1, 1])
        other.states[-1] = replace(other.last, point=neutral + [0, 0.02, -0.05])
    loc = sign.dominant.location
    on_other = loc is not None and loc.site in HAND_SITES + ARM_SITES
    site = loc.site if on_other else \
        (sign.constellation.nondominant_part if sign.constellation else None) or "palm"
    contact = (loc.contact if loc is not None else None) or \
        (sign.constellation.contact if sign.constellation else None)
    hands = sign.constellation if not on_other else None
    point = _other_site(body, other.last, False, site, contact,
                        hands.nondominant_between if hands else ())
    if hands is not None and hands.dominant_part:   # the dominant hand's part meets it
        dom.states[-1] = replace(dom.last, part=hands.dominant_part,
                                 fingers=hands.dominant_fingers, between=hands.dominant_between)
    dom.states[-1] = replace(dom.last, point=point)
    other_loc = sign.nondominant.location if sign.nondominant else None
    if site not in ARM_SITES and (other_loc is None or other_loc.site in (None, "neutral")):
        _settle_pair(dom, other, body)   # (a site on the arm stays with the shoulder)


def _settle_pair(dom: _Hand, other: _Hand, body: Body) -> None:
    """Two hands that meet in neutral space move together (by at most `NEUTRAL_SLACK`) to
    where both arms hold them most easily, as `_Animator.settle` does for one hand."""
    shifts = NEUTRAL_SLACK * _BALL
    cost = _MOVED + sum(_strain(body, [replace(h.last, point=h.last.point + o) for o in shifts],
                                right) for h, right in ((dom, True), (other, False)))
    best = shifts[int(np.argmin(cost))]
    for h in (dom, other):
        h.states[-1] = replace(h.last, point=h.last.point + best)


def _meet_at_midline(dom: _Hand, other: _Hand, body: Body, contact: str | None = None) -> None:
    """Mirrored hands placed at one central site never pass through each other (at a site on the
    other side they cross, as BIEL's hands each touch the opposite shoulder); with a contact between
    them and no hand parts named (`touch shoulders`: HAUS's roof, NIVEAU's flat hands) they
    close in until their nearest points are that contact's distance apart at the midline."""
    _, points, _ = _hand_joints([dom.last], body, right=True)
    crossing = float(points[0, :, 0].max())       # the dominant (right) hand lives at -X
    shift = crossing + DISTANCE[contact] / 2 if contact is not None else max(crossing, 0.0)
    if shift:
        dom.states[-1] = replace(dom.last, point=dom.last.point - [shift, 0, 0])
        other.states[-1] = replace(other.last, point=other.last.point + [shift, 0, 0])


def _hands_meet_mirrored(sign: d.SignDescription) -> bool:
    """A `hamsymmlr` sign whose hands meet (or just stay apart) without named hand parts, away
    from the other hand and arm; without a contact between them, only at a central site."""
    c, loc = sign.constellation, sign.dominant.location
    if sign.symmetry != "lr" or sign.nondominant is not None:
        return False
    if c is not None and (c.dominant_part or c.nondominant_part):
        return False
    if loc is None:
        return True
    return loc.site not in HAND_SITES + ARM_SITES and (c is not None or loc.side is None)


def rest_pose(body: Body | None = None) -> np.ndarray:
    """(50, 3) joints with both hands at rest, low in front of the body."""
    body = body or Body()
    return _assemble(body, [rest_state(body, True)], [rest_state(body, False)], False)[0]


def _follow(other: _Hand, track: list[HandState], sign: d.SignDescription) -> None:
    """The other hand under a symmetry operator: the dominant hand's motion, mirrored left/right
    (`hamsymmlr`) or in parallel (`hamsymmpar`), also up/down (`ud`, `hamfingerstraightmod`)
    and in/out (`oi`, `hamlargemod`) where the modifiers say so; orientations mirror; out of
    phase, it starts half the movement later."""
    mods = sign.symmetry_mods
    flip = np.array([-1.0 if sign.symmetry == "lr" else 1.0, -1.0 if "ud" in mods else 1.0,
                     -1.0 if "oi" in mods else 1.0])
    mirror = np.array([-1.0, 1.0, 1.0])
    start, origin = other.last, track[0]
    if "outofphase" in mods:
        other.hold((len(track) - 1) / 2 / other.fps)
    for s in track[1:]:
        other.states.append(HandState(start.point + flip * (s.point - origin.point),
                                      start.finger + mirror * (s.finger - origin.finger),
                                      start.palm + mirror * (s.palm - origin.palm),
                                      start.shape + (s.shape - origin.shape), s.part, s.fingers,
                                      s.part_side, s.between,
                                      None if s.normal is None else s.normal * mirror))


def _compound(sign: d.SignDescription, fps: float, body: Body, left_handed: bool) -> PoseSequence:
    """A compound whose parts use the hands differently: each part synthesised on its own,
    joined by an eased transition of COMPOUND_TRANSITION seconds."""
    parts, part = [], sign
    while part is not None:
        parts.append(synthesise(replace(part, then=None, unsupported=()), fps=fps, body=body,
                                left_handed=left_handed))
        part = part.then
    steps = max(1, int(round(COMPOUND_TRANSITION * fps)))
    t = np.arange(1, steps)[:, None, None] / steps
    e = t * t * (3 - 2 * t)
    pieces = [parts[0].joints]
    for before, after in zip(parts, parts[1:]):
        a, b = before.joints[-1], after.joints[0]
        pieces += [a + (b - a) * e, after.joints]
    joints = np.concatenate(pieces).astype(np.float32)
    unsupported = list(sign.unsupported) + [u for p in parts for u in p.meta["unsupported"]]
    return PoseSequence(joints, np.ones(joints.shape[:2], np.float32), fps=fps, gloss=sign.gloss,
                        name=sign.gloss or None, depth_known=True,
                        meta={"unsupported": unsupported})


def synthesise(sign: d.SignDescription, *, fps: float = 25.0, body: Body | None = None,
               left_handed: bool = False) -> PoseSequence:
    """The sign as keypoints at `fps`; constructs it cannot animate are logged and listed in
    `meta["unsupported"]`."""
    body = body or Body()
    if sign.then is not None:
        return _compound(sign, fps, body, left_handed)
    unsupported: list[str] = list(sign.unsupported)
    right, left = _Animator(body, unsupported, False), _Animator(body, unsupported, True)
    own = _Animator(body, unsupported, True, absolute=True)   # directions after `hamplus`
    dom = _Hand(right.place(sign.dominant, None), fps)
    mirrored = sign.symmetry is not None
    if "nonipsi" in sign.symmetry_mods:
        unsupported.append("symmetry modifier nonipsi")
    if sign.nondominant is not None:
        other = _Hand(own.place(sign.nondominant, left.place(sign.dominant, None)), fps)
    elif mirrored:
        other = _Hand(left.place(sign.dominant, None), fps)
    else:
        other = _Hand(rest_state(body, False), fps)
    loc = sign.dominant.location
    if _hands_meet_mirrored(sign):
        _meet_at_midline(dom, other, body, sign.constellation and sign.constellation.contact)
    elif sign.constellation is not None or (loc is not None and loc.site in HAND_SITES + ARM_SITES):
        _on_other_hand(dom, other, sign, body)
    right.other, left.other, own.other = other, dom, dom
    dom.hold(HOLD_START)
    other.hold(HOLD_START)
    movement = sign.movement
    first = len(dom.states) - 1
    right.move(dom, movement.dominant if isinstance(movement, d.SplitHands) else movement)
    if isinstance(movement, d.SplitHands):
        own.move(other, movement.nondominant)
    elif mirrored:
        _follow(other, dom.states[first:], sign)
    if movement is None and sign.nonmanual.head:   # only the head moves (SCHLAFEN tilts onto
        dom.hold(_seconds("local", d.Manner()))   # the hand): the hands hold while it does
        other.hold(_seconds("local", d.Manner()))
    dom.hold(HOLD_END)
    other.hold(HOLD_END)
    joints = _assemble(body, dom.states, other.states, left_handed)
    if unsupported:
        log.info("%s: not animated: %s", sign.gloss or "sign", ", ".join(unsupported))
    conf = np.ones(joints.shape[:2], np.float32)
    return PoseSequence(joints, conf, fps=fps, gloss=sign.gloss, name=sign.gloss or None,
                        depth_known=True, meta={"unsupported": unsupported})
