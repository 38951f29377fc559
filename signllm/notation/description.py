"""The typed sign description every notation reader produces and the synthesiser consumes.

Why one type: HamNoSys (Unicode or symbol names), HNS-SiGML and gestural SiGML all describe the
same things — per hand a handshape, an orientation and a location, then a tree of movements —
so they are read into one description and animated by one synthesiser.

Vocabulary: values are gestural SiGML's attribute values (JASigning's own structured form of
HamNoSys), i.e. the HamNoSys symbol name without its `ham` prefix and modifier suffix:
handshape `flat` / `fist` / `finger2` …, thumb `out` / `across` / `open`, bending `bent`,
directions `u` `ur` `r` `dr` `d` `dl` `l` `ul` `o` `i` … (u = up, l/r = the signer's left /
right, o = out from the body, i = in), sites `chest` / `forehead` / `neutral` …, contact
`touch` / `close` / `armextended` / `behind` / `brushing` / `interlock` / `cross`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Union

# Fingers are numbered as in HamNoSys: 1 thumb, 2 index, 3 middle, 4 ring, 5 pinky.


@dataclass(frozen=True)
class Handshape:
    base: str                                    # "fist", "flat", "finger2", "cee12", …
    thumb: str | None = None                     # "out", "across", "open"
    bending: str | None = None                   # "bent", "round", "hooked", "dblbent", "dblhooked"
    fingers: tuple[int, ...] = ()                # selected fingers named explicitly (HamNoSys 1–5)
    finger_bending: tuple[tuple[int, str], ...] = ()  # per-finger bendings: ((2, "bent"), …)
    thumb_contact: str | None = None             # finger part the thumb touches, if notated
    between: "Handshape | None" = None           # an in-between shape (`hambetween`)
    opening: str | None = None                   # a cee's opening: "slack" (wider), "tight"
    finger_contact: tuple = ()                   # (part, (finger, finger)): the first finger's
    #                                              part on the second, e.g. ("nail", (2, 3)) crossed
    exempt: tuple[int, ...] = ()                 # fingers that keep out of the base shape's bend


@dataclass(frozen=True)
class Orientation:
    finger_direction: str | None = None          # extended-finger direction, e.g. "uo"
    palm: str | None = None                      # palm direction *around* the finger direction
    finger_between: str | None = None            # second direction of an in-between value
    palm_between: str | None = None
    relative: bool = False                       # `hamorirelative`: relative to the movement


@dataclass(frozen=True)
class Location:
    site: str = "neutral"                        # body or arm/hand site ("chest", "palm", …)
    side: str | None = None                      # "left_at", "left_beside", "right_at", "right_beside";
    #                                              of a hand part also "palmar", "dorsal"
    contact: str | None = None                   # "touch", "close", "armextended", "behind", …
    hand_part: str | None = None                 # the part of the hand at the site ("fingertip", …)
    hand_fingers: tuple[int, ...] = ()           # which finger(s) the hand part belongs to
    hand_side: str | None = None                 # "palmar" / "dorsal" / "left" / "right" side
    #                                              of that hand part
    hand_between: tuple = ()                     # (part, fingers): the contact is between the
    #                                              hand part and this second one
    second: "Location | None" = None             # an in-between location (`hambetween`)


@dataclass(frozen=True)
class Posture:
    """One hand's static state; any part may be absent (it then carries over)."""
    handshape: Handshape | None = None
    orientation: Orientation | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Manner:
    """Modifiers of one movement."""
    size: str | None = None                      # "small", "large"
    speed: str | None = None                     # "fast", "slow"
    tense: bool = False
    halt: bool = False                           # sudden stop at the end
    rest: bool = False
    change: str | None = None                    # "increasing", "decreasing"
    tempo: float = 1.0                           # gestural SiGML's speed factor (2 = twice as fast)


@dataclass(frozen=True)
class Straight:
    direction: str                               # e.g. "o", "ur"; "between" values joined "u+o"
    curve: str | None = None                     # arc "l" / "u" / "r" / "d", or "wavy", "zigzag"
    manner: Manner = Manner()
    curve_size: str | None = None                # size of the arc or wave: "small", "large"
    wave_plane: str | None = None                # plane a wave swings in, as an ellipse symbol
    #                                              names it: "h", "v", "ur", "ul"


@dataclass(frozen=True)
class Circle:
    axis: str                                    # axis direction of the circle, e.g. "o"
    start: str | None = None                     # clock start position "u", "ul", …
    end: str | None = None                       # clock end position (partial circles)
    ellipse: str | None = None                   # "h", "ur", "v", "ul"
    manner: Manner = Manner()


@dataclass(frozen=True)
class Local:
    kind: str                                    # "fingerplay", "nodding", "swinging", "twisting",
    #                                              "stircw", "stirccw", or a wrist bend "wristtopulse"…
    fingers: tuple[int, ...] = ()
    manner: Manner = Manner()


@dataclass(frozen=True)
class Target:
    """Move to (or, with `replace`, change into) a posture: `hamreplace`, SiGML `tgt_motion`."""
    posture: Posture
    replace: bool = False
    manner: Manner = Manner()
    constellation: "Constellation | None" = None  # the hands' relation moved to, if notated


@dataclass(frozen=True)
class NoMotion:
    manner: Manner = Manner()


@dataclass(frozen=True)
class Repeat:
    body: "Movement"
    mode: str = "fromstart"                      # "fromstart", "continue", "reverse"
    several: bool = False                        # the "several times" variants
    times: int = 1                               # extra repetitions (several → 2)
    manner: Manner = Manner()                    # e.g. decreasing over the repetitions
    shift: "Straight | None" = None              # each repetition displaced by this movement


@dataclass(frozen=True)
class Sequence:
    items: tuple["Movement", ...]


@dataclass(frozen=True)
class Parallel:
    items: tuple["Movement", ...]
    fused: bool = False                          # fusion brackets


@dataclass(frozen=True)
class SplitHands:
    """Different movements per hand (`hamplus` inside a parallel bracket, SiGML `split_motion`)."""
    dominant: "Movement | None"
    nondominant: "Movement | None"


@dataclass(frozen=True)
class Alternating:
    body: "Movement"


Movement = Union[Straight, Circle, Local, Target, NoMotion, Repeat, Sequence, Parallel,
                 SplitHands, Alternating]


@dataclass(frozen=True)
class Constellation:
    """Where the hands are relative to each other (`handconstellation`, a location on the hand)."""
    dominant_part: str | None = None             # part of the dominant hand, e.g. "fingertip"
    nondominant_part: str | None = None          # part of the other hand, e.g. "palm"
    contact: str | None = None                   # "touch", "close", "cross", "interlock"
    dominant_fingers: tuple[int, ...] = ()
    nondominant_fingers: tuple[int, ...] = ()
    dominant_between: tuple = ()                 # (part, fingers) of a second part: between them
    nondominant_between: tuple = ()


@dataclass(frozen=True)
class NonManual:
    """Non-manual tiers, kept as read for the face step (not animated by the manual synthesiser)."""
    mouthing: str | None = None                  # e.g. a SAMPA mouth picture
    head: tuple[str, ...] = ()
    brows: tuple[str, ...] = ()
    gaze: tuple[str, ...] = ()
    other: tuple[str, ...] = ()                  # any other tier, as "tier:value"

    def joined(self, more: NonManual) -> NonManual:
        """Both sets of tiers (an HNS-SiGML sign's tags and its manual string's head groups)."""
        return NonManual(self.mouthing or more.mouthing, self.head + more.head,
                         self.brows + more.brows, self.gaze + more.gaze, self.other + more.other)


@dataclass(frozen=True)
class SignDescription:
    gloss: str
    dominant: Posture                            # initial posture of the dominant hand
    nondominant: Posture | None = None           # initial posture of the other hand, if it signs
    symmetry: str | None = None                  # "par" (hamsymmpar), "lr" (hamsymmlr), "oo" …
    symmetry_mods: tuple[str, ...] = ()          # e.g. "outofphase", "nonipsi"
    nondominant_only: bool = False               # `hamnondominant`: only the other hand signs
    constellation: Constellation | None = None
    movement: Movement | None = None             # None: a static sign
    nonmanual: NonManual = NonManual()
    unsupported: tuple[str, ...] = ()            # constructs read but not animated, by name
    source: str = ""                             # file / lexicon entry it was read from
    then: "SignDescription | None" = None        # a compound's next part that uses the hands
    #                                              differently (one- then two-handed …)

    @property
    def two_handed(self) -> bool:
        return self.nondominant is not None or self.symmetry is not None or \
            self.constellation is not None


def compound(first: SignDescription, later: SignDescription) -> SignDescription:
    """`first` followed by `later`, the next part of a compound: parts that use the hands alike
    become one movement (a change into the later posture, then its movement); a part that
    uses them differently (another symmetry, its own other hand) is chained as `then`."""
    if first.then is not None:
        return replace(first, then=compound(first.then, later))
    if later.symmetry != first.symmetry or later.nondominant or later.constellation:
        return replace(first, then=later)
    steps = [m for m in (first.movement, Target(later.dominant), later.movement) if m]
    return replace(first, movement=steps[0] if len(steps) == 1 else Sequence(tuple(steps)))


__all__ = ["Handshape", "Orientation", "Location", "Posture", "Manner", "Straight", "Circle",
           "Local", "Target", "NoMotion", "Repeat", "Sequence", "Parallel", "SplitHands",
           "Alternating", "Movement", "Constellation", "NonManual", "SignDescription", "compound"]
