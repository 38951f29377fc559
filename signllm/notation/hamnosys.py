"""HamNoSys 4 → `SignDescription`: a recursive-descent parser over symbol names.

Why a real parser: the notation nests (brackets inside brackets, a `hamplus` that splits the
two hands' values, repetitions that wrap what precedes them), so a flat scan cannot tell a
hand part of a location from one of a constellation. The grammar, dominant hand first:

    sign        = part { [hamplus] part }        (hamplus hamnondominant …: the other hand's
                                                 values; any other later part: a compound)
    part        = [symmetry {symmetry-mod}] [hamnondominant] initial actions
    initial     = { handshape | orientation | location | "(" fields "+" fields ")" }
                  ("(" hand-part "+" hand-part ")" contact: a hand constellation)
    fields      = [handshape] [orientation] [location]
    handshape   = base {thumb | bending | finger [bending] | finger-part} [hambetween handshape]
    orientation = [extfinger [[hambetween] extfinger]] [palm [hambetween palm]] [hamorirelative]
    location    = [contact] [side] (site [hand-part] | hand-part [hampalm|hamhandback]) [side]
                  [hambetween location] [contact] ["[" contact hand-part "]"]
    actions     = { [manner] action {manner | repetition | hamalternatingmotion} }
    action      = straight | circle | local | wrist | hamnomotion | hamreplace fields
                | fields (moved to; right after a movement: where it ends)
                | "[" actions "]" | "(" actions ["+" actions] ")" | fusion-"(" actions ")"

A side symbol before the site is the signer's left, after it the right. Spaces and `hametc`
("the rest as before": values left out carry over anyway) separate only; punctuation, mime and
coreference marks annotate and are recorded. `hamclockfull` after a circle says it is a full
turn, as a circle without clock positions already is. Two contacts at the start of a two-handed
sign (`touch chest close`) say how the hands meet, then how near the site they are, and a
contact only before the site of a two-handed sign (`hamsymmlr … touch shoulders`, HAUS's roof)
is how the hands meet there, in front of the site (gestural SiGML's `handconstellation` holding
a `location_bodyarm`); a one-handed sign's touches the site; `behind`
with another contact is touching behind the site. Real lexicons hold slips — a
bracket left open at the very end, a trailing closer that closes nothing, a closer of the other
kind: these are read and recorded, never guessed silently.
A bracket that opens on the head or the shoulders and holds only movements, `( hamhead
hamtwisting )`, is HamNoSys's non-manual form "(articulator movement)": the head shaking in
NICHT, tilting onto the hand in SCHLAFEN. It is taken out of the manual part and read as the
sign's non-manual codes (SiGML's, `HEAD_MOVES`), never as the hand moving to the head.
Anything read that the description cannot hold goes into `unsupported` by name; alternatives
`{ a | b }` keep the first choice and are recorded. Errors name the symbol's index and name.
"""
from __future__ import annotations

from dataclasses import replace as _replace

from ..errors import BadInputError
from . import symbols as S
from .description import (Alternating, Circle, Constellation, Handshape, Local, Location, Manner,
                          Movement, NoMotion, NonManual, Orientation, Parallel, Posture, Repeat,
                          Sequence, SignDescription, SplitHands, Straight, Target, compound)

MAX_DEPTH = 50

BASES = {"hamfist": "fist", "hamflathand": "flat", "hamfinger2": "finger2",
         "hamfinger23": "finger23", "hamfinger23spread": "finger23spread",
         "hamfinger2345": "finger2345", "hampinch12": "pinch12", "hampinchall": "pinchall",
         "hampinch12open": "pinch12open", "hamcee12": "cee12", "hamceeall": "ceeall",
         "hamceeopen": "cee12open"}
THUMBS = {"hamthumboutmod": "out", "hamthumbacrossmod": "across", "hamthumbopenmod": "open"}
BENDINGS = {"hamfingerstraightmod": "bent", "hamfingerbendmod": "round",
            "hamfingerhookmod": "hooked", "hamdoublebent": "dblbent",
            "hamdoublehooked": "dblhooked"}
FINGERS = {"hamthumb": 1, "hamindexfinger": 2, "hammiddlefinger": 3, "hamringfinger": 4,
           "hampinky": 5}
REPEATS = {"hamrepeatfromstart": ("fromstart", False), "hamrepeatfromstartseveral": ("fromstart", True),
           "hamrepeatcontinue": ("continue", False), "hamrepeatcontinueseveral": ("continue", True),
           "hamrepeatreverse": ("reverse", False)}
# After a symmetry operator (read as JASigning's gestural SiGML does): the other hand's motion
# also mirrored up/down, or in/out.
SYMMETRY_MODS = {"hamalternatingmotion": "outofphase", "hamnonipsi": "nonipsi",
                 "hamfingerstraightmod": "ud", "hamlargemod": "oi"}
LOCATION_START = {S.SITE, S.HANDSITE, S.SIDE, S.CONTACT, S.FINGER, S.FINGERPART}
POSTURE_START = {S.BASE, S.EXTFINGER, S.PALM} | LOCATION_START
FIELD_SYMBOLS = POSTURE_START | {S.THUMB, S.BEND, S.BETWEEN, S.ORIRELATIVE}
MANNERS = {"hamsmallmod": ("size", "small"), "hamlargemod": ("size", "large"),
           "hamfast": ("speed", "fast"), "hamslow": ("speed", "slow"),
           "hamtense": ("tense", True), "hamrest": ("rest", True), "hamhalt": ("halt", True),
           "hamincreasing": ("change", "increasing"), "hamdecreasing": ("change", "decreasing")}
HAND_SITES = {s.name[len("ham"):] for s in S.SYMBOLS if s.cls == S.HANDSITE}  # arm, hand
# symbols that carry no structure here: read, recorded in `unsupported`, and skipped
RECORDED_ONLY = {S.PUNCT, S.MIME, S.COREF}
# "(articulator movement)": the head's movements as SiGML head codes (down = tipped forward,
# up = back, sideways down = tilted); the shoulders' as a SiGML shoulder tier value
ARTICULATORS = {"hamhead": "head", "hamshoulders": "shoulders"}
ARTICULATOR_MOVES = {S.STRAIGHT, S.LOCAL, S.MANNER}
HEAD_MOVES = {"hamtwisting": "SH", "hamnodding": "NO", "hammoved": "NF", "hammovedo": "NF",
              "hammovedi": "NF", "hammoveu": "NB", "hammoveui": "NB", "hammoveuo": "NB",
              "hammovedr": "TR", "hammover": "TR", "hammovedl": "TL", "hammovel": "TL",
              "hammoveo": "PF", "hammovei": "PB"}
SHOULDER_MOVES = {"hammoveu": "UB"}


def _strip(name: str, prefix: str) -> str:
    return name[len(prefix):]


def site_name(name: str) -> str:
    return "neutral" if name == "hamneutralspace" else _strip(name, "ham")


class _Parser:
    def __init__(self, names: list[str], source: str):
        self.source = source
        self.unsupported: list[str] = []
        self.toks: list[tuple[int, str]] = []
        self._select(list(enumerate(names)))
        self.nonmanual = self._take_articulator_groups()
        self._drop_stray_closers()
        self.pos = 0
        self.depth = 0
        self.last_site = "neutral"          # where a contact without a site makes contact
        self.hands_contact: str | None = None   # a contact before a site that has its own
        self.leading_contact: str | None = None  # a contact only before the initial site
        self.in_initial = False             # reading the initial posture (not a movement's)
        self.outer: list[list] = []         # enclosing action lists (a repetition may open a group)
        self.replacing = 0                  # inside `hamreplace ( … )`: postures are changed into

    # ----------------------------------------------------------------- tokens

    def _select(self, items: list[tuple[int, str]], depth: int = 0) -> None:
        """Drop separators, keep the first of each `{ | }` alternative, record what is skipped."""
        i = 0
        while i < len(items):
            index, name = items[i]
            cls = S.BY_NAME[name].cls
            if cls in (S.SPACE, S.ETC):
                i += 1
            elif name == "hamversion40":
                if self.toks or self.unsupported or depth:
                    raise self._error_at(index, name, "hamversion40 only at the start")
                i += 1
            elif cls in RECORDED_ONLY:
                self.unsupported.append(name)
                i += 1
            elif name == "hamaltbegin":
                if depth >= MAX_DEPTH:
                    raise self._error_at(index, name, f"alternatives nested at most {MAX_DEPTH} deep")
                end, choices = self._alternatives(items, i)
                self.unsupported.append(f"alternatives (first of {len(choices)} taken)")
                self._select(choices[0], depth + 1)
                i = end + 1
            elif name in ("hammetaalt", "hamaltend"):
                raise self._error_at(index, name, "a matching hamaltbegin '{' before it")
            else:
                self.toks.append((index, name))
                i += 1

    def _take_articulator_groups(self) -> NonManual:
        """Remove `( hamhead <movements> )` groups from the manual tokens; their codes."""
        head, other, kept, i = [], [], [], 0
        while i < len(self.toks):
            end = self._articulator_group_end(i)
            if end is None:
                kept.append(self.toks[i])
                i += 1
                continue
            part = ARTICULATORS[self.toks[i + 1][1]]
            moves = [n for _, n in self.toks[i + 2:end] if S.BY_NAME[n].cls != S.MANNER]
            for move in moves:
                if part == "head" and move in HEAD_MOVES:
                    head.append(HEAD_MOVES[move])
                elif part == "shoulders" and move in SHOULDER_MOVES:
                    other.append(f"shoulder_movement:{SHOULDER_MOVES[move]}")
                else:
                    other.append(f"{part}:{move}")
            i = end + 1
        self.toks = kept
        return NonManual(head=tuple(head), other=tuple(other))

    def _articulator_group_end(self, i: int) -> int | None:
        """The index of the `)` closing an articulator group opened at token i, if it is one."""
        if self.toks[i][1] != "hamseqbegin" or i + 2 >= len(self.toks) \
                or self.toks[i + 1][1] not in ARTICULATORS:
            return None
        for j in range(i + 2, len(self.toks)):
            name = self.toks[j][1]
            if name == "hamseqend":
                moved = any(S.BY_NAME[n].cls != S.MANNER for _, n in self.toks[i + 2:j])
                return j if moved else None
            if S.BY_NAME[name].cls not in ARTICULATOR_MOVES:
                return None
        return None

    def _drop_stray_closers(self) -> None:
        """Closing brackets that only trail the string and close nothing are dropped (recorded)."""
        closers = {"hamseqend": "hamseqbegin", "hamparend": "hamparbegin",
                   "hamfusionend": "hamfusionbegin"}
        tail = len(self.toks)
        while tail and self.toks[tail - 1][1] in closers:
            tail -= 1
        open_count = {opener: 0 for opener in closers.values()}
        for _, name in self.toks[:tail]:
            if name in open_count:
                open_count[name] += 1
            elif name in closers:
                open_count[closers[name]] -= 1
        kept = self.toks[:tail]
        for index, name in self.toks[tail:]:
            if open_count[closers[name]] > 0:
                open_count[closers[name]] -= 1
                kept.append((index, name))
            else:
                self.unsupported.append(f"unmatched {name} at the end")
        self.toks = kept

    def _alternatives(self, items, start):
        depth, choices, current = 0, [], []
        for j in range(start + 1, len(items)):
            name = items[j][1]
            if name == "hamaltbegin":
                depth += 1
            elif name == "hamaltend" and depth:
                depth -= 1
            elif name == "hamaltend":
                choices.append(current)
                return j, choices
            elif name == "hammetaalt" and not depth:
                choices.append(current)
                current = []
                continue
            current.append(items[j])
        raise self._error_at(*items[start], "a closing hamaltend '}' for this alternative")

    def _error_at(self, index: int, name: str, expected: str) -> BadInputError:
        return BadInputError(f"HamNoSys symbol {index} ({name}): expected {expected}",
                             path=self.source or None)

    def error(self, expected: str) -> BadInputError:
        if self.pos < len(self.toks):
            return self._error_at(*self.toks[self.pos], expected)
        last = f" (after symbol {self.toks[-1][0]} {self.toks[-1][1]})" if self.toks else ""
        return BadInputError(f"HamNoSys ends too early{last}: expected {expected}",
                             path=self.source or None)

    def peek(self, k: int = 0) -> str | None:
        return self.toks[self.pos + k][1] if self.pos + k < len(self.toks) else None

    def cls(self, k: int = 0) -> str | None:
        name = self.peek(k)
        return S.BY_NAME[name].cls if name else None

    def take(self) -> str:
        name = self.toks[self.pos][1]
        self.pos += 1
        return name

    def expect(self, name: str, what: str) -> None:
        if self.peek() != name:
            raise self.error(what)
        self.pos += 1

    def close(self, name: str, what: str) -> None:
        """The closing bracket; a string that ends instead is read as closed, and recorded."""
        if self.peek() is None:
            self.unsupported.append(f"{name} missing at the end")
        elif self.cls() in (S.PAREND, S.SEQEND, S.FUSIONEND) and self.peek() != name:
            self.unsupported.append(f"{self.take()} closing where {name} was expected")
        else:
            self.expect(name, f"{name} closing {what}")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"brackets nested at most {MAX_DEPTH} deep")

    # ----------------------------------------------------------------- sign

    def sign(self, gloss: str) -> SignDescription:
        if not self.toks:
            raise self.error("a handshape (the string is empty)")
        desc = self.part(gloss, first=True)
        while self.peek() is not None:
            if self.peek() == "hamplus":
                self.take()
            elif self.cls() not in (S.BASE, S.SYMMETRY, S.NONDOMINANT):
                raise self.error("a movement, hamplus or the end of the sign")
            desc = self.continuation(desc, gloss)
        return desc

    def continuation(self, desc: SignDescription, gloss: str) -> SignDescription:
        """What follows a complete part: the other hand's own values, or a compound's next sign."""
        if self.peek() == "hamnondominant":
            other = self.part(gloss, first=False)
            base = desc.nondominant or desc.dominant
            nondominant = Posture(*(getattr(other.dominant, f) or getattr(base, f)
                                    for f in ("handshape", "orientation", "location")))
            movement = desc.movement
            if other.movement is not None:
                movement = SplitHands(desc.movement, other.movement)
            return _replace(desc, nondominant=nondominant, movement=movement)
        at = self.pos
        later = self.part(gloss, first=False)
        if self.pos == at:
            raise self.error("the next sign of the compound after hamplus")
        return compound(desc, later)

    def part(self, gloss: str, first: bool) -> SignDescription:
        symmetry, mods = None, []
        if self.peek() == "hamalternatingmotion":
            self.take()
            mods.append("outofphase")
        if self.cls() == S.SYMMETRY:
            symmetry = "par" if self.take() == "hamsymmpar" else "lr"
            while self.peek() in SYMMETRY_MODS:
                name = self.take()
                mods.append(SYMMETRY_MODS[name])
        nondominant_only = False
        if self.peek() == "hamnondominant":
            self.take()
            nondominant_only = first
        self.hands_contact, self.leading_contact, self.in_initial = None, None, True
        dom, nd, constellation = self.initial()
        self.in_initial = False
        if self.hands_contact is not None:  # `touch chest close`: the hands touch, the chest close
            if (symmetry or nd) and constellation is None:
                constellation = Constellation(contact=self.hands_contact)
            else:
                self.unsupported.append("second contact of one location")
        elif self.leading_contact is not None and (symmetry or nd) and constellation is None:
            # `touch shoulders` in a two-handed sign (HAUS, NIVEAU): the hands touch each other
            # at shoulder height, as gestural SiGML's handconstellation holds its location
            constellation = Constellation(contact=self.leading_contact)
            for hand in (dom, nd):
                loc = hand.get("location")
                if loc is not None and loc.contact == self.leading_contact:
                    hand["location"] = _replace(loc, contact=None)
        if first and not dom:
            raise self.error("a handshape")
        if first and dom.get("handshape") is None:
            self.unsupported.append("no handshape")
        movement = self.actions(stop={"hamplus"}, top=True)
        return SignDescription(
            gloss=gloss, dominant=Posture(**dom), nondominant=Posture(**nd) if nd else None,
            symmetry=symmetry, symmetry_mods=tuple(mods), nondominant_only=nondominant_only,
            constellation=constellation, movement=movement)

    # ----------------------------------------------------------------- postures

    def bracket_kind(self, at: int = 0) -> str:
        """What the `(` at the cursor holds: "fields" (each hand's posture values, split by
        hamplus) when it starts with a posture symbol and holds only posture symbols up to a
        top-level hamplus; otherwise "actions"."""
        if self.cls(at + 1) not in POSTURE_START or \
                self.cls(at + 1) == S.CONTACT and self.cls(at) == S.SEQBEGIN:
            return "actions"
        depth, plus = 0, False
        for _, name in self.toks[self.pos + at:]:
            cls = S.BY_NAME[name].cls
            if cls in (S.PARBEGIN, S.SEQBEGIN):
                depth += 1
            elif cls in (S.PAREND, S.SEQEND):
                depth -= 1
                if depth == 0:
                    return "fields" if plus else "actions"
            elif name == "hamplus" and depth == 1:
                plus = True
            elif cls not in FIELD_SYMBOLS | {S.NONDOMINANT}:
                return "actions"
        return "actions"

    def initial(self):
        dom: dict = {}
        nd: dict = {}
        constellation = None
        while True:
            cls = self.cls()
            if cls in POSTURE_START:
                shared: dict = {}
                self.fields(shared)
                for key, value in shared.items():
                    if nd.get(key) is not None and _partial(nd[key]):  # e.g. a palm for both hands
                        nd[key] = _fill(nd[key], value)
                    if dom.get(key) is not None and _partial(dom[key]):
                        dom[key] = _fill(dom[key], value)
                    else:
                        self.put(dom, key, value)
            elif cls in (S.PARBEGIN, S.SEQBEGIN) and self.bracket_kind() == "fields":
                hand_parts = self.split(dom, nd)
                if hand_parts and self.cls() == S.CONTACT:
                    constellation = self.constellation(hand_parts)
                    nd.pop("location", None)
                    dom.pop("location", None)
            else:
                return dom, nd, constellation

    def split(self, dom: dict, nd: dict):
        """`( fields + fields )`: the two hands' values; returns their hand parts if only those."""
        self.enter()
        close = "hamparend" if self.take() == "hamparbegin" else "hamseqend"
        if close == "hamseqend":
            self.unsupported.append("sequence bracket around the two hands' values")
        first: dict = {}
        second: dict = {}
        self.fields(first)
        self.expect("hamplus", "hamplus between the two hands' values")
        if self.peek() == "hamnondominant":  # labels the other hand; its missing values as the first's
            self.take()
            self.fields(second, optional=True)
            second = {**first, **second}
        else:
            self.fields(second)
        self.close(close, "the two hands' values")
        self.depth -= 1
        shared = dict(dom)                  # values written before the bracket hold for both
        for target, values in ((dom, first), (nd, second)):
            for key, value in values.items():
                old = target.get(key, shared.get(key))
                if old is not None and _partial(old):   # e.g. `extfinger ( palm + palm )`
                    target[key] = _fill(value, old)
                else:
                    if key in target:
                        self.unsupported.append(f"second {key} of one hand")
                    target[key] = value
        parts = [v.get("location") for v in (first, second)]
        if set(first) == set(second) == {"location"} and all(
                not p.contact and (p.hand_part and p.site == "neutral" or p.site in HAND_SITES)
                for p in parts):
            return [_replace(p, hand_part=p.hand_part or p.site, second=None, hand_between=(
                (p.second.hand_part or p.second.site, p.second.hand_fingers) if p.second else ()))
                for p in parts]
        return None

    def constellation(self, parts: list[Location]) -> Constellation:
        contact = _strip(self.take(), "ham")
        return Constellation(dominant_part=parts[0].hand_part, nondominant_part=parts[1].hand_part,
                             contact=contact, dominant_fingers=parts[0].hand_fingers,
                             nondominant_fingers=parts[1].hand_fingers,
                             dominant_between=parts[0].hand_between,
                             nondominant_between=parts[1].hand_between)

    def fields(self, into: dict, optional: bool = False) -> None:
        """[handshape] [orientation] [location], at least one of them."""
        start = self.pos
        if self.cls() == S.BASE:
            self.put(into, "handshape", self.handshape())
        if self.cls() in (S.EXTFINGER, S.PALM):
            self.put(into, "orientation", self.orientation())
        if self.cls() in LOCATION_START:
            self.put(into, "location", self.location())
        if self.pos == start and not optional:
            raise self.error("a handshape, an orientation or a location")

    def put(self, into: dict, key: str, value) -> None:
        if key in into:
            self.unsupported.append(f"second {key} of one hand")
        into[key] = value

    def handshape(self) -> Handshape:
        base = BASES[self.take()]
        thumb = bending = contact = None
        fingers: list[int] = []
        per_finger: list[tuple[int, str]] = []
        between = None
        contact_pair = None
        while True:
            cls = self.cls()
            if cls == S.THUMB:
                thumb = self.once(thumb, THUMBS[self.take()], "thumb position")
            elif cls == S.BEND:
                name = BENDINGS[self.take()]
                if fingers and not per_finger or fingers and fingers[-1] != per_finger[-1][0]:
                    per_finger.append((fingers[-1], name))
                else:
                    bending = self.once(bending, name, "bending")
            elif cls == S.FINGER and self.cls(1) == S.FINGERPART and self.cls(2) == S.FINGER \
                    and self._ends_handshape(3 + (self.cls(3) == S.FINGERPART)):
                first, part, second = self.take(), self.take(), self.take()
                if self.cls() == S.FINGERPART:  # the second finger's part: not placed finer
                    self.take()
                contact_pair = self.once(contact_pair, (_strip(part, "ham"),
                                                        (FINGERS[first], FINGERS[second])),
                                         "finger contact")   # e.g. index nail on middle: crossed
            elif cls == S.FINGER:
                fingers.append(FINGERS[self.take()])
            elif cls == S.FINGERPART and self.cls(1) not in LOCATION_START | {S.CONTACT}:
                contact = self.once(contact, _strip(self.take(), "ham"), "thumb contact")
            elif self.peek() == "hambetween" and self.cls(1) == S.BASE:
                self.take()
                self.enter()
                between = self.handshape()
                self.depth -= 1
                break
            elif self.peek() == "hambetween" and self.cls(1) == S.FINGER and self.cls(2) == S.BASE:
                self.take()
                self.unsupported.append(f"{self.take()} before the second handshape")
            elif self.peek() == "hambetween" and self.cls(1) == S.FINGER and fingers:
                self.take()                 # e.g. the thumb between two fingers
                self.unsupported.append("finger between fingers")
                fingers.append(FINGERS[self.take()])
            elif self.peek() == "hambetween" and self.cls(1) not in (S.THUMB, S.BEND, S.FINGER):
                self.take()
                self.unsupported.append("hambetween without a second handshape")
            else:
                break
        selected = tuple(f for f in fingers if f not in {p for p, _ in per_finger})
        return Handshape(base, thumb, bending, selected, tuple(per_finger), contact, between,
                         finger_contact=contact_pair or ())

    def _ends_handshape(self, k: int) -> bool:
        """Whether the handshape can end k symbols ahead (an orientation or nothing follows)."""
        return self.cls(k) in (S.EXTFINGER, S.PALM, S.THUMB, S.BEND, S.FINGER, None) or \
            self.peek(k) in ("hambetween", "hamparend", "hamplus")

    def once(self, old, new, what: str):
        if old is not None and old != new:
            self.unsupported.append(f"second {what}")
        return new

    def orientation(self) -> Orientation:
        finger = finger_between = palm = palm_between = None
        relative = False
        if self.cls() == S.EXTFINGER:
            finger = _strip(self.take(), "hamextfinger")
            if self.peek() == "hambetween" and self.cls(1) == S.EXTFINGER:
                self.take()
                finger_between = _strip(self.take(), "hamextfinger")
            elif self.cls() == S.EXTFINGER:  # two directions side by side: the one between them
                finger_between = _strip(self.take(), "hamextfinger")
            if self.peek() == "hambetween" and self.cls(1) == S.EXTFINGER:
                self.take()
                self.take()
                self.unsupported.append("third finger direction")
        if self.peek() == "hamorirelative":
            self.take()
            relative = True
        if self.cls() == S.PALM:
            palm = _strip(self.take(), "hampalm")
            if self.peek() == "hambetween" and self.cls(1) == S.PALM:
                self.take()
                palm_between = _strip(self.take(), "hampalm")
        if self.peek() == "hamorirelative":
            self.take()
            relative = True
        return Orientation(finger, palm, finger_between, palm_between, relative)

    def location(self) -> Location:
        contact = None
        if self.cls() == S.CONTACT:
            contact = _strip(self.take(), "ham")
            if self.cls() not in LOCATION_START - {S.CONTACT}:
                if self.in_initial and self.last_site not in HAND_SITES:
                    self.leading_contact = contact   # two-handed: the hands meet (see part())
                return Location(site=self.last_site, contact=contact)
        loc = self.place()
        if self.peek() == "hambetween" and self.cls(1) in LOCATION_START - {S.CONTACT}:
            self.take()
            loc = _replace(loc, second=self.place())
        if self.cls() == S.CONTACT:
            after = _strip(self.take(), "ham")
            if self.cls() == S.CONTACT and "behind" in (after, _strip(self.peek(), "ham")):
                self.take()
                after = "behind"                # touching (or close) behind the site
            if contact is not None and contact != after and self.in_initial:
                self.hands_contact = contact    # two-handed: how the hands meet (see part())
            contact = after
        elif contact is not None and self.in_initial and loc.site not in HAND_SITES:
            self.leading_contact = contact      # two-handed: the hands meet there (see part())
        if contact:
            loc = _replace(loc, contact=contact)
        if self.peek() == "hamseqbegin" and self.cls(1) == S.CONTACT and self._location_bracket():
            loc = self.contact_sequence(loc)
        return loc

    def place(self) -> Location:
        """[side] (site | hand part) [side]; sides before the site are left, after it right."""
        side = None
        if self.cls() == S.SIDE:
            side = "left_" + ("at" if self.take() == "hamlrat" else "beside")
        site, part, fingers = "neutral", None, ()
        if self.cls() in (S.SITE, S.HANDSITE):
            site = site_name(self.take())
            self.last_site = site
            if self.cls() == S.BEND:  # a bending sign after a site marks a part of it
                self.unsupported.append(f"{self.take()} after a body site")
            if self.cls() in (S.HANDSITE, S.FINGER, S.FINGERPART):  # the part of the hand there
                part, fingers = (site_name(self.take()), ()) if self.cls() == S.HANDSITE \
                    else self.hand_part()
        elif self.cls() in (S.FINGER, S.FINGERPART):
            part, fingers = self.hand_part()
            part_side = self.part_side()
            if part_side:
                side = self.once(side, part_side, "side")
        else:
            raise self.error("a body site or a part of the hand")
        if self.cls() == S.SIDE:
            right = "right_" + ("at" if self.take() == "hamlrat" else "beside")
            if side is not None:
                self.unsupported.append("two sides for one location")
            side = right
        return Location(site=site, side=side, hand_part=part, hand_fingers=fingers)

    def hand_part(self) -> tuple[str | None, tuple[int, ...]]:
        fingers: list[int] = []
        part = None
        while self.cls() in (S.FINGER, S.FINGERPART):
            if self.cls() == S.FINGER:
                fingers.append(FINGERS[self.take()])
            elif part is None:
                part = _strip(self.take(), "ham")
            else:
                break
        if part is None:
            part = "finger"
        return part, tuple(fingers)

    def part_side(self) -> str | None:
        """`hampalm` / `hamhandback` after a finger part: its palmar or dorsal side."""
        if self.peek() in ("hampalm", "hamhandback"):
            return "palmar" if self.take() == "hampalm" else "dorsal"
        return None

    def _location_bracket(self) -> bool:
        for _, name in self.toks[self.pos + 1:]:
            if name == "hamseqend":
                return True
            if S.BY_NAME[name].cls not in LOCATION_START | {S.BETWEEN}:
                return False
        return False

    def contact_sequence(self, loc: Location) -> Location:
        """`[ contact [side] hand-part [palm|handback] [between hand-part] [side] ]` after a
        location: which part of the hand makes the contact, on which of its sides."""
        self.enter()
        self.take()
        contact = _strip(self.take(), "ham")
        part, fingers, hand_side = loc.hand_part, loc.hand_fingers, loc.hand_side
        sides = []
        if self.cls() == S.SIDE:
            self.take()
            sides.append("left")
        named = self._contact_part()
        between = ()
        if named:
            (part, fingers), side = named
            sides += [side] if side else []
            if self.peek() == "hambetween":
                self.take()
                second = self._contact_part()
                if second is None:
                    self.unsupported.append("contact between a hand part and nothing")
                else:
                    between = second[0]
        if self.cls() == S.SIDE:
            self.take()
            sides.append("right")
        if len(sides) > 1:
            self.unsupported.append("two sides of one hand part")
        hand_side = sides[0] if sides else hand_side
        if self.peek() != "hamseqend":
            self.unsupported.append("contact sequence")
            while self.peek() not in (None, "hamseqend") and self.cls() in LOCATION_START | {S.BETWEEN}:
                self.take()
        self.close("hamseqend", "the contact")
        self.depth -= 1
        return _replace(loc, contact=contact, hand_part=part, hand_fingers=fingers,
                        hand_side=hand_side, hand_between=between)

    def _contact_part(self):
        """((part, fingers), palmar/dorsal side or None) of a hand part at the cursor, or None."""
        if self.cls() in (S.FINGER, S.FINGERPART):
            return self.hand_part(), self.part_side()
        if self.cls() in (S.SITE, S.HANDSITE):
            return (site_name(self.take()), ()), self.part_side()
        return None

    # ----------------------------------------------------------------- movements

    def actions(self, stop: set[str], top: bool = False) -> Movement | None:
        items: list[Movement] = []
        while self.peek() is not None and self.peek() not in stop:
            cls = self.cls()
            if cls in (S.PAREND, S.SEQEND, S.FUSIONEND):  # the caller closes (or complains)
                break
            if top and cls in (S.BASE, S.SYMMETRY, S.NONDOMINANT):
                break
            shifted = self.shifted_repeat(items[-1]) if cls == S.SEQBEGIN and items else None
            if shifted is not None:
                items[-1] = shifted
            elif cls == S.REPEAT:
                owner = items if items else next((o for o in reversed(self.outer) if o), None)
                if owner is None and not top:
                    raise self.error("a movement before the repetition")
                if owner is None:  # a static posture repeated (a repeated contact)
                    self.unsupported.append("repetition without a movement")
                    items.append(NoMotion())
                    owner = items
                mode, several = REPEATS[self.take()]
                owner[-1] = Repeat(owner[-1], mode, several, 2 if several else 1, self.manner())
            elif cls == S.MANNER and items and hasattr(items[-1], "manner"):
                items[-1] = _replace(items[-1], manner=_merge(items[-1].manner, self.manner()))
            elif cls == S.MANNER and items:
                self.manner()
                self.unsupported.append("modifier after a bracket")
            elif cls == S.ALTERNATING:
                self.take()
                if items:
                    items[-1] = Alternating(items[-1])
                else:
                    items.append(Alternating(self.action()))
            else:
                self.outer.append(items)
                try:
                    action = self.action()
                finally:
                    self.outer.pop()
                if items and _is_place(action) and not isinstance(items[-1], Target):
                    items[-1] = _ending_at(items[-1], action)
                else:
                    items.append(action)
        return _sequence(items)

    def shifted_repeat(self, body: Movement) -> Repeat | None:
        """`[ repetition straight ]` after a movement: repeated, each time displaced by the
        straight movement; None (nothing consumed) when the bracket is not of that form."""
        if self.cls(1) != S.REPEAT or self.cls(2) != S.STRAIGHT:
            return None
        saved = self.pos, len(self.unsupported)
        self.pos += 1
        mode, several = REPEATS[self.take()]
        shift = self.straight()
        if self.peek() != "hamseqend":      # an ordinary group: read again as one
            self.pos = saved[0]
            del self.unsupported[saved[1]:]
            return None
        self.take()
        return Repeat(body, mode, several, 2 if several else 1, shift=shift)

    def action(self) -> Movement:
        cls = self.cls()
        if cls == S.MANNER:                 # a modifier written before its movement
            pre = self.manner()
            if self.peek() is None:         # a static sign's manner (e.g. tense)
                return NoMotion(pre)
            act = self.action()
            if hasattr(act, "manner"):
                return _replace(act, manner=_merge(pre, act.manner))
            self.unsupported.append("modifier before a bracket")
            return act
        if cls == S.STRAIGHT:
            return self.straight()
        if cls == S.CIRCLE:
            return self.circle()
        if cls in (S.LOCAL, S.WRIST, S.CROSSMOVE):
            name = _strip(self.take(), "ham")
            if cls == S.CROSSMOVE:
                self.unsupported.append(f"ham{name}")
            fingers = []
            while self.cls() == S.FINGER:
                fingers.append(FINGERS[self.take()])
            return Local(name, tuple(fingers), self.manner())
        if cls == S.NOMOTION:
            self.take()
            return NoMotion(self.manner())
        if cls == S.REPLACE and self.peek(1) == "hamparbegin" and self.bracket_kind(1) != "fields":
            self.take()                     # `hamreplace ( posture + movement )`: per hand
            self.replacing += 1
            try:
                return self.parallel()
            finally:
                self.replacing -= 1
        if cls == S.REPLACE:
            self.take()
            pre = self.manner()
            return self.to_target(True, pre)
        if cls in POSTURE_START or cls == S.PARBEGIN and self.bracket_kind() == "fields":
            return self.to_target(self.replacing > 0, Manner())
        if cls == S.SEQBEGIN:
            return self.group("hamseqend", Sequence)
        if cls == S.FUSIONBEGIN:
            return self.group("hamfusionend", lambda items: Parallel(items, fused=True))
        if cls == S.PARBEGIN:
            return self.parallel()
        raise self.error("a movement")

    def target(self) -> tuple[Posture, Posture | None, Constellation | None, Manner]:
        """The posture after hamreplace or moved to: fields, or `( fields + fields )`."""
        values: dict = {}
        nd: dict = {}
        constellation = None
        if self.peek() in ("hamparbegin", "hamseqbegin") and self.bracket_kind() == "fields":
            parts = self.split(values, nd)
            if parts and self.cls() == S.CONTACT:
                constellation = self.constellation(parts)
                values, nd = {}, {}
        else:
            self.fields(values)
        other = Posture(**nd) if nd else None
        return Posture(**values), other, constellation, self.manner()

    def to_target(self, replace: bool, pre: Manner) -> Movement:
        """A target posture; `( a + b )` with values for each hand gives one target per hand."""
        posture, other, constellation, manner = self.target()
        manner = _merge(pre, manner)
        target = Target(posture, replace=replace, manner=manner, constellation=constellation)
        if other is None:
            return target
        return SplitHands(target, Target(other, replace=replace, manner=manner))

    def group(self, end: str, build) -> Movement:
        self.enter()
        self.take()
        items = []
        while self.peek() not in (end, None):
            if self.peek() == "hamplus":
                raise self.error(f"{end} closing the bracket")
            body = self.actions(stop={end, "hamplus"})
            if body is None:
                raise self.error(f"a movement or {end}")
            items.extend(body.items if isinstance(body, Sequence) else [body])
        self.close(end, "the bracket")
        if not items:
            raise self.error("a movement inside the bracket")
        self.depth -= 1
        return items[0] if len(items) == 1 else build(tuple(items))

    def parallel(self) -> Movement:
        self.enter()
        self.take()
        first = self.actions(stop={"hamparend", "hamplus"})
        if self.peek() == "hamplus":
            self.take()
            second = self.actions(stop={"hamparend", "hamplus"})
            self.close("hamparend", "the two hands' movements")
            self.depth -= 1
            return SplitHands(first, second)
        self.close("hamparend", "the parallel movements")
        self.depth -= 1
        if first is None:
            raise self.error("a movement inside the parallel bracket")
        items = first.items if isinstance(first, Sequence) else (first,)
        return Parallel(tuple(items))

    def straight(self) -> Straight:
        direction = _strip(self.take(), "hammove")
        if self.peek() == "hambetween" and self.cls(1) == S.STRAIGHT:
            self.take()
            direction += "+" + _strip(self.take(), "hammove")
        manner = self.manner()
        if self.peek() == "hambetween" and self.cls(1) == S.STRAIGHT:
            self.take()
            direction += "+" + _strip(self.take(), "hammove")
            manner = _merge(manner, self.manner())
        curve = curve_size = None
        if self.cls() in (S.ARC, S.WAVE):
            name = self.take()
            curve = _strip(name, "hamarc") if name.startswith("hamarc") else _strip(name, "ham")
            after = self.manner()
            curve_size = after.size
            manner = _merge(manner, _replace(after, size=None))
            if self.cls() == S.ELLIPSE:
                plane = _strip(self.take(), "hamellipse")
                if curve not in ("wavy", "zigzag"):
                    self.unsupported.append(f"hamellipse{plane} on a {curve} movement")
                    plane = None
                manner = _merge(manner, self.manner())
                return Straight(direction, curve, manner, curve_size=curve_size, wave_plane=plane)
        return Straight(direction, curve, manner, curve_size=curve_size)

    def circle(self) -> Circle:
        axis = _strip(self.take(), "hamcircle")
        if self.peek() == "hambetween" and self.cls(1) == S.CIRCLE:
            self.take()
            axis += "+" + _strip(self.take(), "hamcircle")
        start = end = ellipse = None
        manner = Manner()
        while True:
            cls = self.cls()
            if cls == S.MANNER:
                manner = _merge(manner, self.manner())
            elif cls == S.ELLIPSE:
                ellipse = _strip(self.take(), "hamellipse")
            elif cls == S.CLOCK:
                name = self.take()
                if name == "hamclockfull":    # a full turn: what a circle is by default
                    pass
                elif start is None:
                    start = _strip(name, "hamclock")
                else:
                    end = _strip(name, "hamclock")
            elif self.peek() == "hambetween" and self.cls(1) == S.CLOCK:
                self.take()
                self.unsupported.append("clock position between two")
            else:
                break
        return Circle(axis, start, end, ellipse, manner)

    def manner(self) -> Manner:
        values: dict = {}
        while self.cls() == S.MANNER:
            name = self.take()
            key, value = MANNERS[name]
            if key in values and values[key] != value:
                self.unsupported.append(f"{name} after another {key}")
            values[key] = value
        return Manner(**values)


def _is_place(action) -> bool:
    """A bare location, as written after a movement: where that movement ends."""
    return isinstance(action, Target) and not action.replace and action.constellation is None \
        and action.posture.handshape is None and action.posture.orientation is None


def _ending_at(movement, place: Target) -> Parallel:
    """The movement and its end location, as simultaneous parts of one action."""
    if isinstance(movement, Parallel) and not movement.fused:
        return Parallel(movement.items + (place,))
    return Parallel((movement, place))


def _partial(value) -> bool:
    return isinstance(value, Orientation) and (value.finger_direction is None or value.palm is None)


def _fill(old: Orientation, new) -> Orientation:
    if not isinstance(new, Orientation):
        return old
    return Orientation(*(getattr(old, f) if getattr(old, f) is not None else getattr(new, f)
                         for f in ("finger_direction", "palm", "finger_between", "palm_between")),
                       old.relative or new.relative)


def _merge(a: Manner, b: Manner) -> Manner:
    return Manner(**{f: getattr(b, f) or getattr(a, f) for f in Manner.__dataclass_fields__})


def _sequence(items: list) -> Movement | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else Sequence(tuple(items))


def parse_names(names: list[str], gloss: str = "", source: str = "") -> SignDescription:
    """A sign from its symbol names (as HNS-SiGML lists them)."""
    parser = _Parser(names, source)
    desc = parser.sign(gloss)
    return _replace(desc, unsupported=tuple(dict.fromkeys(parser.unsupported)), source=source,
                    nonmanual=parser.nonmanual)


def parse_hamnosys(text: str, gloss: str = "", source: str = "") -> SignDescription:
    """A sign from HamNoSys in Unicode (U+E000–U+E0F1) or as comma-separated symbol names."""
    return parse_names(S.to_names(text, source), gloss, source)
