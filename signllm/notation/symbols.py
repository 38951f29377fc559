"""The HamNoSys 4 symbol table: code point ⇄ name ⇄ grammatical class.

Why our own table: the parser needs, for every symbol, the class it plays in the grammar
(a handshape base, a thumb modifier, a body site …), which no shipped file gives; the names
are HamNoSys's own (`hamflathand`), the same names HNS-SiGML uses as element tags.
Code points are in the private-use area U+E000–U+E0F1, plus seven ASCII marks and the space.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..errors import BadInputError

# grammatical classes
SPACE, PUNCT, ALT = "space", "punctuation", "alternative"
BASE, THUMB, BEND, FINGER, FINGERPART = "handshape", "thumb", "bending", "finger", "finger part"
EXTFINGER, PALM, ORIRELATIVE = "finger direction", "palm", "relative orientation"
SITE, HANDSITE, SIDE, CONTACT, COREF = "body site", "hand site", "side", "contact", "coreference"
STRAIGHT, CIRCLE, LOCAL, WRIST = "straight movement", "circle", "local movement", "wrist bend"
REPLACE, CROSSMOVE, NOMOTION, CLOCK = "replace", "crossing movement", "no motion", "clock"
ARC, WAVE, ELLIPSE, MANNER, REPEAT = "arc", "wave", "ellipse", "manner", "repetition"
ALTERNATING, SYMMETRY, NONDOMINANT, NONIPSI = "alternating", "symmetry", "nondominant", "nonipsi"
SEQBEGIN, SEQEND, PARBEGIN, PAREND = "sequence begin", "sequence end", "parallel begin", "parallel end"
FUSIONBEGIN, FUSIONEND, BETWEEN, PLUS = "fusion begin", "fusion end", "between", "plus"
ETC, MIME, VERSION = "etc", "mime", "version"


@dataclass(frozen=True)
class Symbol:
    code: int      # Unicode code point
    name: str      # HamNoSys name, also the HNS-SiGML tag
    cls: str       # grammatical class (one of the constants above)

    @property
    def char(self) -> str:
        return chr(self.code)


_TABLE = [
    (0x0020, "hamspace", SPACE),
    (0x0021, "hamexclaim", PUNCT),
    (0x002C, "hamcomma", PUNCT),
    (0x002E, "hamfullstop", PUNCT),
    (0x003F, "hamquery", PUNCT),
    (0x007B, "hamaltbegin", ALT),
    (0x007C, "hammetaalt", ALT),
    (0x007D, "hamaltend", ALT),
    (0xE000, "hamfist", BASE),
    (0xE001, "hamflathand", BASE),
    (0xE002, "hamfinger2", BASE),
    (0xE003, "hamfinger23", BASE),
    (0xE004, "hamfinger23spread", BASE),
    (0xE005, "hamfinger2345", BASE),
    (0xE006, "hampinch12", BASE),
    (0xE007, "hampinchall", BASE),
    (0xE008, "hampinch12open", BASE),
    (0xE009, "hamcee12", BASE),
    (0xE00A, "hamceeall", BASE),
    (0xE00B, "hamceeopen", BASE),
    (0xE00C, "hamthumboutmod", THUMB),
    (0xE00D, "hamthumbacrossmod", THUMB),
    (0xE00E, "hamthumbopenmod", THUMB),
    (0xE010, "hamfingerstraightmod", BEND),
    (0xE011, "hamfingerbendmod", BEND),
    (0xE012, "hamfingerhookmod", BEND),
    (0xE013, "hamdoublebent", BEND),
    (0xE014, "hamdoublehooked", BEND),
    (0xE020, "hamextfingeru", EXTFINGER),
    (0xE021, "hamextfingerur", EXTFINGER),
    (0xE022, "hamextfingerr", EXTFINGER),
    (0xE023, "hamextfingerdr", EXTFINGER),
    (0xE024, "hamextfingerd", EXTFINGER),
    (0xE025, "hamextfingerdl", EXTFINGER),
    (0xE026, "hamextfingerl", EXTFINGER),
    (0xE027, "hamextfingerul", EXTFINGER),
    (0xE028, "hamextfingerol", EXTFINGER),
    (0xE029, "hamextfingero", EXTFINGER),
    (0xE02A, "hamextfingeror", EXTFINGER),
    (0xE02B, "hamextfingeril", EXTFINGER),
    (0xE02C, "hamextfingeri", EXTFINGER),
    (0xE02D, "hamextfingerir", EXTFINGER),
    (0xE02E, "hamextfingerui", EXTFINGER),
    (0xE02F, "hamextfingerdi", EXTFINGER),
    (0xE030, "hamextfingerdo", EXTFINGER),
    (0xE031, "hamextfingeruo", EXTFINGER),
    (0xE038, "hampalmu", PALM),
    (0xE039, "hampalmur", PALM),
    (0xE03A, "hampalmr", PALM),
    (0xE03B, "hampalmdr", PALM),
    (0xE03C, "hampalmd", PALM),
    (0xE03D, "hampalmdl", PALM),
    (0xE03E, "hampalml", PALM),
    (0xE03F, "hampalmul", PALM),
    (0xE040, "hamhead", SITE),
    (0xE041, "hamheadtop", SITE),
    (0xE042, "hamforehead", SITE),
    (0xE043, "hameyebrows", SITE),
    (0xE044, "hameyes", SITE),
    (0xE045, "hamnose", SITE),
    (0xE046, "hamnostrils", SITE),
    (0xE047, "hamear", SITE),
    (0xE048, "hamearlobe", SITE),
    (0xE049, "hamcheek", SITE),
    (0xE04A, "hamlips", SITE),
    (0xE04B, "hamtongue", SITE),
    (0xE04C, "hamteeth", SITE),
    (0xE04D, "hamchin", SITE),
    (0xE04E, "hamunderchin", SITE),
    (0xE04F, "hamneck", SITE),
    (0xE050, "hamshouldertop", SITE),
    (0xE051, "hamshoulders", SITE),
    (0xE052, "hamchest", SITE),
    (0xE053, "hamstomach", SITE),
    (0xE054, "hambelowstomach", SITE),
    (0xE058, "hamlrbeside", SIDE),
    (0xE059, "hamlrat", SIDE),
    (0xE05A, "hamcoreftag", COREF),
    (0xE05B, "hamcorefref", COREF),
    (0xE05F, "hamneutralspace", SITE),
    (0xE060, "hamupperarm", HANDSITE),
    (0xE061, "hamelbow", HANDSITE),
    (0xE062, "hamelbowinside", HANDSITE),
    (0xE063, "hamlowerarm", HANDSITE),
    (0xE064, "hamwristback", HANDSITE),
    (0xE065, "hamwristpulse", HANDSITE),
    (0xE066, "hamthumbball", HANDSITE),
    (0xE067, "hampalm", HANDSITE),
    (0xE068, "hamhandback", HANDSITE),
    (0xE069, "hamthumbside", HANDSITE),
    (0xE06A, "hampinkyside", HANDSITE),
    (0xE070, "hamthumb", FINGER),
    (0xE071, "hamindexfinger", FINGER),
    (0xE072, "hammiddlefinger", FINGER),
    (0xE073, "hamringfinger", FINGER),
    (0xE074, "hampinky", FINGER),
    (0xE075, "hamfingertip", FINGERPART),
    (0xE076, "hamfingernail", FINGERPART),
    (0xE077, "hamfingerpad", FINGERPART),
    (0xE078, "hamfingermidjoint", FINGERPART),
    (0xE079, "hamfingerbase", FINGERPART),
    (0xE07A, "hamfingerside", FINGERPART),
    (0xE07C, "hamwristtopulse", WRIST),
    (0xE07D, "hamwristtoback", WRIST),
    (0xE07E, "hamwristtothumb", WRIST),
    (0xE07F, "hamwristtopinky", WRIST),
    (0xE080, "hammoveu", STRAIGHT),
    (0xE081, "hammoveur", STRAIGHT),
    (0xE082, "hammover", STRAIGHT),
    (0xE083, "hammovedr", STRAIGHT),
    (0xE084, "hammoved", STRAIGHT),
    (0xE085, "hammovedl", STRAIGHT),
    (0xE086, "hammovel", STRAIGHT),
    (0xE087, "hammoveul", STRAIGHT),
    (0xE088, "hammoveol", STRAIGHT),
    (0xE089, "hammoveo", STRAIGHT),
    (0xE08A, "hammoveor", STRAIGHT),
    (0xE08B, "hammoveil", STRAIGHT),
    (0xE08C, "hammovei", STRAIGHT),
    (0xE08D, "hammoveir", STRAIGHT),
    (0xE08E, "hammoveui", STRAIGHT),
    (0xE08F, "hammovedi", STRAIGHT),
    (0xE090, "hammovedo", STRAIGHT),
    (0xE091, "hammoveuo", STRAIGHT),
    (0xE092, "hamcircleo", CIRCLE),
    (0xE093, "hamcirclei", CIRCLE),
    (0xE094, "hamcircled", CIRCLE),
    (0xE095, "hamcircleu", CIRCLE),
    (0xE096, "hamcirclel", CIRCLE),
    (0xE097, "hamcircler", CIRCLE),
    (0xE098, "hamcircleul", CIRCLE),
    (0xE099, "hamcircledr", CIRCLE),
    (0xE09A, "hamcircleur", CIRCLE),
    (0xE09B, "hamcircledl", CIRCLE),
    (0xE09C, "hamcircleol", CIRCLE),
    (0xE09D, "hamcircleir", CIRCLE),
    (0xE09E, "hamcircleor", CIRCLE),
    (0xE09F, "hamcircleil", CIRCLE),
    (0xE0A0, "hamcircleui", CIRCLE),
    (0xE0A1, "hamcircledo", CIRCLE),
    (0xE0A2, "hamcircleuo", CIRCLE),
    (0xE0A3, "hamcircledi", CIRCLE),
    (0xE0A4, "hamfingerplay", LOCAL),
    (0xE0A5, "hamnodding", LOCAL),
    (0xE0A6, "hamswinging", LOCAL),
    (0xE0A7, "hamtwisting", LOCAL),
    (0xE0A8, "hamstircw", LOCAL),
    (0xE0A9, "hamstirccw", LOCAL),
    (0xE0AA, "hamreplace", REPLACE),
    (0xE0AD, "hammovecross", CROSSMOVE),
    (0xE0AE, "hammoveX", CROSSMOVE),
    (0xE0AF, "hamnomotion", NOMOTION),
    (0xE0B0, "hamclocku", CLOCK),
    (0xE0B1, "hamclockul", CLOCK),
    (0xE0B2, "hamclockl", CLOCK),
    (0xE0B3, "hamclockdl", CLOCK),
    (0xE0B4, "hamclockd", CLOCK),
    (0xE0B5, "hamclockdr", CLOCK),
    (0xE0B6, "hamclockr", CLOCK),
    (0xE0B7, "hamclockur", CLOCK),
    (0xE0B8, "hamclockfull", CLOCK),
    (0xE0B9, "hamarcl", ARC),
    (0xE0BA, "hamarcu", ARC),
    (0xE0BB, "hamarcr", ARC),
    (0xE0BC, "hamarcd", ARC),
    (0xE0BD, "hamwavy", WAVE),
    (0xE0BE, "hamzigzag", WAVE),
    (0xE0C0, "hamellipseh", ELLIPSE),
    (0xE0C1, "hamellipseur", ELLIPSE),
    (0xE0C2, "hamellipsev", ELLIPSE),
    (0xE0C3, "hamellipseul", ELLIPSE),
    (0xE0C4, "hamincreasing", MANNER),
    (0xE0C5, "hamdecreasing", MANNER),
    (0xE0C6, "hamsmallmod", MANNER),
    (0xE0C7, "hamlargemod", MANNER),
    (0xE0C8, "hamfast", MANNER),
    (0xE0C9, "hamslow", MANNER),
    (0xE0CA, "hamtense", MANNER),
    (0xE0CB, "hamrest", MANNER),
    (0xE0CC, "hamhalt", MANNER),
    (0xE0D0, "hamclose", CONTACT),
    (0xE0D1, "hamtouch", CONTACT),
    (0xE0D2, "haminterlock", CONTACT),
    (0xE0D3, "hamcross", CONTACT),
    (0xE0D4, "hamarmextended", CONTACT),
    (0xE0D5, "hambehind", CONTACT),
    (0xE0D6, "hambrushing", CONTACT),
    (0xE0D8, "hamrepeatfromstart", REPEAT),
    (0xE0D9, "hamrepeatfromstartseveral", REPEAT),
    (0xE0DA, "hamrepeatcontinue", REPEAT),
    (0xE0DB, "hamrepeatcontinueseveral", REPEAT),
    (0xE0DC, "hamrepeatreverse", REPEAT),
    (0xE0DD, "hamalternatingmotion", ALTERNATING),
    (0xE0E0, "hamseqbegin", SEQBEGIN),
    (0xE0E1, "hamseqend", SEQEND),
    (0xE0E2, "hamparbegin", PARBEGIN),
    (0xE0E3, "hamparend", PAREND),
    (0xE0E4, "hamfusionbegin", FUSIONBEGIN),
    (0xE0E5, "hamfusionend", FUSIONEND),
    (0xE0E6, "hambetween", BETWEEN),
    (0xE0E7, "hamplus", PLUS),
    (0xE0E8, "hamsymmpar", SYMMETRY),
    (0xE0E9, "hamsymmlr", SYMMETRY),
    (0xE0EA, "hamnondominant", NONDOMINANT),
    (0xE0EB, "hamnonipsi", NONIPSI),
    (0xE0EC, "hametc", ETC),
    (0xE0ED, "hamorirelative", ORIRELATIVE),
    (0xE0F0, "hammime", MIME),
    (0xE0F1, "hamversion40", VERSION),
]

SYMBOLS: tuple[Symbol, ...] = tuple(Symbol(*row) for row in _TABLE)
BY_CHAR: dict[str, Symbol] = {s.char: s for s in SYMBOLS}
BY_NAME: dict[str, Symbol] = {s.name: s for s in SYMBOLS}
MAX_SYMBOLS = 10_000               # longer than any real sign by two orders of magnitude
_LETTER = re.compile(r"[A-Za-z]")        # the Unicode form has none: then it is the names form


def to_names(text: str, source: str = "") -> list[str]:
    """A HamNoSys string, in Unicode or as comma-separated names, as a list of symbol names."""
    if not isinstance(text, str):
        raise BadInputError(f"HamNoSys must be text, not {type(text).__name__}",
                            path=source or None)
    if len(text) > MAX_SYMBOLS * 32:
        raise BadInputError(f"HamNoSys string longer than {MAX_SYMBOLS} symbols",
                            path=source or None)
    if _LETTER.search(text):
        names = [n.strip() for n in text.split(",")]
        for i, name in enumerate(names):
            if name not in BY_NAME:
                close = difflib.get_close_matches(name, BY_NAME, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise BadInputError(f"symbol {i} ({name!r}): not a HamNoSys symbol name{hint}; "
                                    "expected comma-separated names such as hamflathand",
                                    path=source or None)
    else:
        names = []
        for i, char in enumerate(text):
            symbol = BY_CHAR.get(char)
            if symbol is None:
                raise BadInputError(f"symbol {i} (U+{ord(char):04X} {char!r}): not a HamNoSys "
                                    "symbol (expected U+E000–U+E0F1, space or one of !,.?{|})",
                                    path=source or None)
            names.append(symbol.name)
    if len(names) > MAX_SYMBOLS:
        raise BadInputError(f"HamNoSys string longer than {MAX_SYMBOLS} symbols",
                            path=source or None)
    return names


def to_unicode(names: list[str]) -> str:
    """Symbol names back to the Unicode form."""
    return "".join(BY_NAME[n].char for n in names)
