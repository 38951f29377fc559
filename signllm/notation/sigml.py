"""SiGML → `SignDescription`: HNS-SiGML (one tag per HamNoSys symbol) and gestural SiGML.

Why both: JASigning lexicons come in either form. HNS-SiGML is HamNoSys spelt as XML, so its
tags are turned back into symbol names and parsed by the HamNoSys parser; gestural SiGML is
already structured (`handconfig`, `location_bodyarm`, `directedmotion`, …) and is mapped element
by element. XML is read with `defusedxml` (entity expansion, external entities refused), and
the input size is bounded. Elements and attributes read but not representable go into
`unsupported` as `element` or `element@attribute`.
"""
from __future__ import annotations

from dataclasses import replace as _replace
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from ..errors import BadInputError
from . import symbols as S
from .description import (Alternating, Circle, Constellation, Handshape, Local, Location, Manner,
                          NoMotion, NonManual, Orientation, Parallel, Posture, Repeat, Sequence,
                          SignDescription, SplitHands, Straight, Target, compound)
from .hamnosys import parse_names

MAX_SIGML_BYTES = 16 * 2**20
MAX_DEPTH = 60
HAND_PARTS = {"tip": "fingertip", "nail": "fingernail", "pad": "fingerpad",
              "midjoint": "fingermidjoint", "base": "fingerbase", "side": "fingerside"}
THUMBPOS = {"opposed": "open"}               # gestural name → the description's
SIZES = {"big": "large", "small": "small"}
REPETITIONS = {"fromstart": ("fromstart", False), "fromstart_several": ("fromstart", True),
               "continue": ("continue", False), "continue_several": ("continue", True),
               "reverse": ("reverse", False)}
MOTIONS = {"directedmotion", "circularmotion", "wristmotion", "fingerplay", "nomotion",
           "no_motion", "tgt_motion", "rpt_motion", "par_motion", "seq_motion", "split_motion"}
POSTURE_ELEMENTS = {"handconfig", "split_handconfig", "location_bodyarm", "location_hand",
                    "split_location", "handconstellation"}
MANNER_ATTRS = {"size", "fast", "slow", "tense", "halt", "rest", "speed"}
HANDCONFIG_ATTRS = {"handshape", "thumbpos", "mainbend", "bend1", "bend2", "bend3", "bend4",
                    "bend5", "specialfingers", "thumbcontact", "extfidir", "palmor",
                    "rel_palmor", "second_handshape", "second_thumbpos", "second_mainbend",
                    "second_extfidir", "second_palmor", "ceeopening", "contactpair",
                    "contactkind", "exempteddigits"}
TIERS = {"mouthing_tier": "mouthing", "head_tier": "head", "facialexpr_tier": "face",
         "eyegaze_tier": "gaze", "body_tier": "body", "shoulder_tier": "shoulder",
         "extra_tier": "extra"}
# HNS-SiGML's non-manual tags, named as the gestural elements JASigning turns them into
HNS_NONMANUAL = {"hnm_shoulder": "shoulder_movement", "hnm_body": "body_movement",
                 "hnm_head": "head_movement", "hnm_eyegaze": "eye_gaze",
                 "hnm_eyebrows": "eye_brows", "hnm_eyelids": "eye_lids", "hnm_nose": "nose",
                 "hnm_mouthgesture": "mouth_gesture", "hnm_mouthpicture": "mouth_picture",
                 "hnm_extra": "extra_movement"}
VALUE_ATTRS = ("picture", "movement", "direction", "tag")


def read_sigml(text_or_path: str | Path, source: str = "") -> list[SignDescription]:
    """Every sign of a SiGML document (text, or a path to a `.sigml` file)."""
    text, source = _load(text_or_path, source)
    try:
        root = SafeET.fromstring(text)
    except defusedxml.DefusedXmlException as exc:
        raise BadInputError(f"SiGML refused: {exc} (entities and external references are "
                            "not allowed)", path=source or None) from None
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise BadInputError(f"not well-formed XML ({exc})", path=source or None,
                            line=line) from None
    except (ValueError, RecursionError) as exc:
        raise BadInputError(f"not readable XML ({exc})", path=source or None) from None
    signs = [root] if root.tag in ("hns_sign", "hamgestural_sign") else list(root)
    if root.tag not in ("sigml", "hns_sign", "hamgestural_sign"):
        raise BadInputError(f"<{root.tag}>: expected a <sigml> document", path=source or None)
    out = []
    for number, element in enumerate(signs, start=1):
        where = f"{source}: sign {number}" if source else f"sign {number}"
        if element.tag == "hns_sign":
            out.append(_Hns(where, source).sign(element))
        elif element.tag == "hamgestural_sign":
            out.append(_Gestural(where, source).sign(element))
        else:
            raise BadInputError(f"<{element.tag}>: expected <hns_sign> or <hamgestural_sign>",
                                path=where)
    if not out:
        raise BadInputError("the SiGML document holds no sign", path=source or None)
    return out


def _load(text_or_path, source: str) -> tuple[str, str]:
    if isinstance(text_or_path, str) and text_or_path.lstrip("\ufeff \t\r\n").startswith("<"):
        if len(text_or_path) > MAX_SIGML_BYTES:
            raise BadInputError(f"SiGML larger than {MAX_SIGML_BYTES // 2**20} MiB",
                                path=source or None)
        return text_or_path, source
    if not isinstance(text_or_path, (str, Path)):
        raise BadInputError(f"SiGML must be text or a path, not {type(text_or_path).__name__}")
    path = Path(text_or_path)
    source = source or str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SIGML_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise BadInputError(f"cannot read the SiGML file ({exc})", path=source) from None
    if len(raw) > MAX_SIGML_BYTES:
        raise BadInputError(f"SiGML larger than {MAX_SIGML_BYTES // 2**20} MiB", path=source)
    try:
        return raw.decode("utf-8-sig"), source
    except UnicodeDecodeError as exc:
        raise BadInputError(f"not UTF-8 text (byte {exc.start})", path=source) from None


class _Reader:
    def __init__(self, where: str, source: str):
        self.where, self.source = where, source
        self.unsupported: list[str] = []

    def error(self, element: Element, message: str) -> BadInputError:
        return BadInputError(f"<{element.tag}>: {message}", path=self.where)

    def nonmanual(self, element: Element | None) -> NonManual:
        """Tiers as read, from gestural elements or HNS `hnm_*` tags alike: mouth pictures →
        mouthing, head / brows / gaze codes, the rest as "tier:value" (timing attributes as
        "tier@attribute=value", for the face)."""
        if element is None:
            return NonManual()
        mouthing, head, brows, gaze, other = [], [], [], [], []
        for item in element.iter():
            tier = HNS_NONMANUAL.get(item.tag, item.tag)
            value = next((item.get(k) for k in VALUE_ATTRS if item.get(k)), None)
            other += [f"{tier}@{key}={v}" for key, v in item.attrib.items()
                      if key not in VALUE_ATTRS]
            if not value:
                if item.tag in HNS_NONMANUAL:
                    other.append(item.tag)
                continue
            {"mouth_picture": mouthing, "head_movement": head, "eye_brows": brows,
             "eye_gaze": gaze}.get(tier, other).append(
                value if tier in ("mouth_picture", "head_movement", "eye_brows", "eye_gaze")
                else f"{tier}:{value}")
        return NonManual(" ".join(mouthing) or None, tuple(head), tuple(brows), tuple(gaze),
                         tuple(other))


class _Hns(_Reader):
    def sign(self, element: Element) -> SignDescription:
        gloss = element.get("gloss", "")
        manual = element.find("hamnosys_manual")
        if manual is None:
            raise self.error(element, "lacks <hamnosys_manual>")
        names = []
        for child in manual:
            if child.tag not in S.BY_NAME:
                raise self.error(child, f"not a HamNoSys symbol (in <hamnosys_manual> of "
                                        f"{gloss or 'the sign'}, item {len(names)})")
            names.append(child.tag)
        desc = parse_names(names, gloss, self.where)
        tiers = self.nonmanual(element.find("hamnosys_nonmanual"))
        return _replace(desc, nonmanual=tiers.joined(desc.nonmanual), source=self.source)


class _Gestural(_Reader):
    def sign(self, element: Element) -> SignDescription:
        gloss = element.get("gloss", "")
        manual = element.find("sign_manual")
        if manual is None:
            raise self.error(element, "lacks <sign_manual>")
        desc = self.manual(manual, gloss, depth=0)
        return _replace(desc, nonmanual=self.nonmanual(element.find("sign_nonmanual")),
                        unsupported=tuple(dict.fromkeys(self.unsupported)), source=self.source)

    # ----------------------------------------------------------------- sign_manual

    def manual(self, element: Element, gloss: str, depth: int) -> SignDescription:
        self.check_depth(element, depth)
        parts = [c for c in element if c.tag == "sign_manual"]
        if parts:                             # a compound: one sign_manual per part
            descs = [self.manual(p, gloss, depth + 1) for p in parts]
            desc = _replace(descs[0], **self.symmetry(element, descs[0]))
            for later in descs[1:]:
                desc = compound(desc, later)
            return desc
        dom: dict = {}
        nd: dict = {}
        constellation = None
        motions = []
        for child in element:
            if child.tag in POSTURE_ELEMENTS:
                found = self.posture_element(child, dom, nd)
                constellation = found or constellation
            elif child.tag in MOTIONS:
                motions.append(self.motion(child, depth + 1))
            else:
                self.unsupported.append(child.tag)
        desc = SignDescription(gloss=gloss, dominant=self.posture(dom, element),
                               nondominant=self.posture(nd, element) if nd else None,
                               constellation=constellation, movement=_sequence(motions))
        return _replace(desc, **self.symmetry(element, desc))

    def symmetry(self, element: Element, desc: SignDescription) -> dict:
        attrs = element.attrib
        self.note(element, {"both_hands", "lr_symm", "oi_symm", "ud_symm", "outofphase",
                            "nondominant"})
        symmetry = desc.symmetry
        if attrs.get("lr_symm") == "true":
            symmetry = "lr"
        elif attrs.get("both_hands") == "true":
            symmetry = "par"
        mods = tuple(m for m, key in (("oi", "oi_symm"), ("ud", "ud_symm"),
                                      ("outofphase", "outofphase")) if attrs.get(key) == "true")
        return {"symmetry": symmetry, "symmetry_mods": mods or desc.symmetry_mods,
                "nondominant_only": attrs.get("nondominant") == "true" or desc.nondominant_only}

    def check_depth(self, element: Element, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise self.error(element, f"nested more than {MAX_DEPTH} deep")

    def note(self, element: Element, known: set[str]) -> None:
        """Record attributes that are read but not represented."""
        for key in element.attrib:
            if key not in known:
                self.unsupported.append(f"{element.tag}@{key}")

    # ----------------------------------------------------------------- postures

    def posture(self, values: dict, element: Element) -> Posture:
        hand = values.get("handconfig", {})
        handshape = orientation = None
        if hand.get("handshape"):
            handshape = self.handshape(hand, "", element)
        elif any(k in hand for k in ("thumbpos", "mainbend", "bend1", "bend2", "bend3", "bend4",
                                     "bend5", "specialfingers")):
            self.unsupported.append("handconfig change without a handshape")
        if hand.get("extfidir") or hand.get("palmor"):
            orientation = Orientation(hand.get("extfidir"), hand.get("palmor"),
                                      hand.get("second_extfidir"), hand.get("second_palmor"),
                                      hand.get("rel_palmor") == "true")
        return Posture(handshape, orientation, values.get("location"))

    def handshape(self, hand: dict, prefix: str, element: Element) -> Handshape:
        bends = tuple((i, hand[f"bend{i}"]) for i in range(1, 6) if hand.get(f"bend{i}"))
        between = None
        if not prefix and (hand.get("second_handshape") or hand.get("second_thumbpos")
                           or hand.get("second_mainbend")):
            between = self.handshape({"handshape": hand.get("second_handshape")
                                      or hand["handshape"],
                                      "thumbpos": hand.get("second_thumbpos"),
                                      "mainbend": hand.get("second_mainbend")}, "second_", element)
        thumb = hand.get("thumbpos")
        pair = _digits(hand.get("contactpair"), element, self)
        kind = hand.get("contactkind") or "pad"
        contact = (HAND_PARTS.get(kind, kind), pair) if len(pair) == 2 else ()
        if hand.get("contactpair") and not contact:
            self.unsupported.append("handconfig@contactpair not of two fingers")
        return Handshape(hand["handshape"], THUMBPOS.get(thumb, thumb), hand.get("mainbend"),
                         _digits(hand.get("specialfingers"), element, self),
                         bends, hand.get("thumbcontact"), between, hand.get("ceeopening"),
                         contact, _digits(hand.get("exempteddigits"), element, self))

    def handconfig(self, element: Element, into: dict) -> None:
        self.note(element, HANDCONFIG_ATTRS)
        into.setdefault("handconfig", {}).update(element.attrib)

    def posture_element(self, element: Element, dom: dict, nd: dict) -> Constellation | None:
        tag = element.tag
        if tag == "handconfig":
            self.handconfig(element, dom)
        elif tag in ("split_handconfig", "split_location"):
            children = list(element)
            if len(children) == 1:
                self.unsupported.append(f"{tag} for one hand")
            elif len(children) != 2:
                raise self.error(element, f"expected 2 children (the two hands), found "
                                          f"{len(children)}")
            for child, into in zip(children, (dom, nd)):
                if tag == "split_handconfig" and child.tag == "handconfig":
                    self.handconfig(child, into)
                elif tag == "split_location" and child.tag in ("location_bodyarm", "location_hand"):
                    into["location"] = self.location(child)
                else:
                    raise self.error(child, f"not allowed in <{tag}>")
        elif tag in ("location_bodyarm", "location_hand"):
            dom["location"] = self.location(element)
        elif tag == "handconstellation":
            return self.constellation(element, dom)
        return None

    def location(self, element: Element) -> Location:
        if element.tag == "location_hand":
            self.note(element, {"location", "digits", "side", "contact", "second_location",
                                "second_digits", "second_side"})
            part = element.get("location") or ("finger" if element.get("digits") else None)
            inner = [c for c in element if c.tag == "location_hand"]
            if element.text and element.text.strip():
                self.unsupported.append("location_hand text")
            for child in element:
                if child.tag != "location_hand" or len(inner) > 1:
                    self.unsupported.append(f"{child.tag} in location_hand")
            if not part and inner:           # a wrapper around the real one: take that
                found = self.location(inner[0])
                return _replace(found, contact=element.get("contact") or found.contact)
            if not part:
                raise self.error(element, "lacks the location (or digits) attribute")
            touching = self.location(inner[0]) if inner else None   # the part that touches it
            second = None
            if element.get("second_location"):
                second = Location(site=HAND_PARTS.get(element.get("second_location"),
                                                      element.get("second_location")),
                                  side=element.get("second_side"),
                                  hand_fingers=_digits(element.get("second_digits"), element, self))
            fingers = _digits(element.get("digits"), element, self)
            if touching is not None:         # e.g. finger 2's tip (inner) at the palm (outer)
                return Location(site=HAND_PARTS.get(part, part), side=element.get("side"),
                                contact=element.get("contact"), hand_part=touching.site,
                                hand_fingers=touching.hand_fingers, second=second)
            return Location(site=HAND_PARTS.get(part, part), side=element.get("side"),
                            contact=element.get("contact"), hand_fingers=fingers, second=second)
        self.note(element, {"location", "side", "contact", "second_location", "second_side"})
        site = element.get("location")
        if not site:
            raise self.error(element, "lacks the location attribute")
        part, fingers = None, ()
        for child in element:
            if child.tag != "location_hand":
                raise self.error(child, "not allowed in <location_bodyarm>")
            hand = self.location(child)
            part, fingers = hand.site, hand.hand_fingers
        second = None
        if element.get("second_location"):
            second = Location(site=element.get("second_location"), side=element.get("second_side"))
        return Location(site=site, side=element.get("side"), contact=element.get("contact"),
                        hand_part=part, hand_fingers=fingers, second=second)

    def constellation(self, element: Element, dom: dict) -> Constellation:
        self.note(element, {"contact"})
        hands = []
        for child in element:
            if child.tag == "location_hand":
                hands.append(self.location(child))
            elif child.tag == "location_bodyarm":
                dom["location"] = self.location(child)
            else:
                raise self.error(child, "not allowed in <handconstellation>")
        if len(hands) not in (0, 2):
            raise self.error(element, f"expected 2 <location_hand> (one per hand), found "
                                      f"{len(hands)}")
        if not hands:
            return Constellation(contact=element.get("contact"))
        return Constellation(hands[0].site, hands[1].site, element.get("contact"),
                             hands[0].hand_fingers, hands[1].hand_fingers)

    # ----------------------------------------------------------------- motions

    def manner(self, element: Element) -> Manner:
        attrs = element.attrib
        tempo = 1.0
        if attrs.get("speed"):
            try:
                tempo = float(attrs["speed"])
            except ValueError:
                tempo = float("nan")
            if not 0.1 <= tempo <= 10:
                self.unsupported.append(f"{element.tag}@speed={attrs['speed'][:20]}")
                tempo = 1.0
        speed = "fast" if attrs.get("fast") == "true" else "slow" if attrs.get("slow") == "true" \
            else None
        size = attrs.get("size")
        return Manner(size=SIZES.get(size, size), speed=speed, tense=attrs.get("tense") == "true",
                      halt=attrs.get("halt") == "true", rest=attrs.get("rest") == "true",
                      tempo=tempo)

    def children(self, element: Element, depth: int) -> list:
        out = []
        for child in element:
            if child.tag in MOTIONS:
                out.append(self.motion(child, depth + 1))
            else:
                raise self.error(child, f"not a motion (in <{element.tag}>)")
        if not out:
            raise self.error(element, "holds no motion")
        return out

    def motion(self, element: Element, depth: int):
        self.check_depth(element, depth)
        tag, attrs = element.tag, element.attrib
        if tag == "directedmotion":
            self.note(element, MANNER_ATTRS | {"direction", "second_direction", "curve",
                                               "curve_size", "zigzag_style", "zigzag_size",
                                               "alternating"})
            direction = attrs.get("direction")
            if not direction:
                raise self.error(element, "lacks the direction attribute")
            if attrs.get("second_direction"):
                direction += "+" + attrs["second_direction"]
            curve = attrs.get("curve") or attrs.get("zigzag_style")
            curve_size = attrs.get("curve_size") or attrs.get("zigzag_size")
            motion = Straight(direction, curve, self.manner(element),
                              curve_size=SIZES.get(curve_size, curve_size))
        elif tag == "circularmotion":
            self.note(element, MANNER_ATTRS | {"axis", "start", "end", "alternating"})
            if not attrs.get("axis"):
                raise self.error(element, "lacks the axis attribute")
            motion = Circle(attrs["axis"], attrs.get("start"), attrs.get("end"), None,
                            self.manner(element))
        elif tag in ("wristmotion", "fingerplay"):
            self.note(element, MANNER_ATTRS | {"motion", "digits", "alternating"})
            kind = attrs.get("motion") if tag == "wristmotion" else "fingerplay"
            if not kind:
                raise self.error(element, "lacks the motion attribute")
            motion = Local(kind, _digits(attrs.get("digits"), element, self), self.manner(element))
        elif tag in ("nomotion", "no_motion"):
            self.note(element, MANNER_ATTRS)
            motion = NoMotion(self.manner(element))
        elif tag == "tgt_motion":
            motion = self.target(element, depth)
        elif tag == "rpt_motion":
            self.note(element, {"repetition", "second_repetition", "alternating", "speed",
                                "repetition_baseshift"})
            body = _sequence(self.children(element, depth))
            for key in ("repetition", "second_repetition"):
                value = attrs.get(key)
                if value is None:
                    continue
                if value not in REPETITIONS:
                    self.unsupported.append(f"rpt_motion {key}={value}")
                    value = "fromstart"
                mode, several = REPETITIONS[value]
                body = Repeat(body, mode, several, 2 if several else 1)
            if not isinstance(body, Repeat):
                body = Repeat(body)
            if attrs.get("repetition_baseshift"):
                body = _replace(body, shift=Straight(attrs["repetition_baseshift"]))
            motion = body
        elif tag == "par_motion":
            self.note(element, {"alternating"})
            motion = Parallel(tuple(self.children(element, depth)))
        elif tag == "seq_motion":
            self.note(element, {"fused"})
            items = tuple(self.children(element, depth))
            motion = Parallel(items, fused=True) if attrs.get("fused") == "true" else Sequence(items)
        else:  # split_motion
            self.note(element, set())
            items = self.children(element, depth)
            if len(items) != 2:
                raise self.error(element, f"expected 2 motions (one per hand), found {len(items)}")
            motion = SplitHands(items[0], items[1])
        if attrs.get("alternating") == "true":
            motion = Alternating(motion)
        return motion

    def target(self, element: Element, depth: int):
        """`tgt_motion`: change into (`changeposture`) or move to a posture, maybe while moving."""
        self.note(element, MANNER_ATTRS)
        replace = False
        dom: dict = {}
        nd: dict = {}
        constellation = None
        motions = []
        for child in element:
            if child.tag == "changeposture":
                replace = True
            elif child.tag in POSTURE_ELEMENTS:
                constellation = self.posture_element(child, dom, nd) or constellation
            elif child.tag in MOTIONS:
                motions.append(self.motion(child, depth + 1))
            else:
                raise self.error(child, "not allowed in <tgt_motion>")
        target = Target(self.posture(dom, element), replace, self.manner(element), constellation)
        if nd:                               # `split_handconfig` / `split_location`: per hand
            target = SplitHands(target, Target(self.posture(nd, element), replace,
                                               self.manner(element)))
        if not motions:
            return target
        return Parallel(tuple(motions) + (target,))


def _digits(text: str | None, element: Element, reader: _Reader) -> tuple[int, ...]:
    if not text:
        return ()
    if not text.isdigit() or any(d not in "12345" for d in text):
        raise reader.error(element, f"digits {text!r}: expected finger numbers 1–5")
    return tuple(int(d) for d in text)


def _sequence(items: list):
    if not items:
        return None
    return items[0] if len(items) == 1 else Sequence(tuple(items))
