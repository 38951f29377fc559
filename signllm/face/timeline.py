"""Words with frame spans -> one `FaceTrack`: mouthing, grammar marks and blinks on the manual
signs' timeline.

Why here, after the hands: the generator knows when each sign is made (its own frames, without
the transitions into it); the face is timed on those spans.

- Mouthing: the spoken word a sign stands for (a fingerspelled word too: signers mouth it) is
  phonemised (`phonemes`), or the notation's SAMPA mouth picture is read where the lexicon gives
  one; its visemes share the sign's span in proportion to their sounds' durations (vowels 1,
  consonants 0.6, long sounds x1.5), are blended from frame to frame by a Gaussian
  (coarticulation, `COARTICULATION_S`) and eased from and back to the relaxed mouth in the
  transitions. Signers' mouthing is reduced speech: the templates are scaled by
  `FaceOptions.mouthing_strength`. A word that cannot be mouthed is reported with the reason.
- Grammar (`rules`): a clause ending in "?" raises the brows (browInnerUp, browOuterUp_L/R) over
  its signs, or lowers them (browDown_L/R, a slight squint) when it holds a wh-word; brows ease
  in and out over `BROW_RAMP_S` outside the signs. A negating sign gets a headshake (yaw
  oscillation, `HEADSHAKE_HZ`, ±`HEADSHAKE_DEG`), at least three swings inside the sign (faster
  or, for very short signs, longer than the sign); an affirming one a nod.
- Blinks (eyeBlink_L/R) at a natural rate (`FaceOptions.blink_rate_per_min`, 15-20 a minute),
  placed at the nearest sign boundary, each 150-250 ms (closing faster than opening).
- Gaze (`gaze`): over a fingerspelled word the eyes turn to the spelling hand (eye rotations
  and eyeLook*), given the sentence's keypoints; elsewhere they look ahead.
Everything is deterministic for a seed. Each part turns off with `FaceOptions`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from ..errors import BadInputError, SignLLMError
from ..text import WORD, tokens as tokenize
from ..notation.description import NonManual
from . import gaze, notated, rules
from .arkit import ARKIT_NAMES
from .curves import gaussian_smooth, plateau, smoothstep
from .phonemes import ENGINE, phonemize, prefetch
from .track import FaceTrack
from .visemes import MOUTH_NAMES, TEMPLATES, VisemeString, ipa_visemes, merge_repeats, sampa_visemes

log = logging.getLogger(__name__)

BROWS_UP = {"browInnerUp": 0.7, "browOuterUp_L": 0.55, "browOuterUp_R": 0.55}
BROWS_DOWN = {"browDown_L": 0.65, "browDown_R": 0.65, "eyeSquint_L": 0.2, "eyeSquint_R": 0.2}
BLINK = ("eyeBlink_L", "eyeBlink_R")
FACE_NAMES: tuple[str, ...] = tuple(n for n in ARKIT_NAMES if n in {
    *MOUTH_NAMES, *BROWS_UP, *BROWS_DOWN, *BLINK, *gaze.LOOK_NAMES, *notated.SHAPE_NAMES})

COARTICULATION_S = 0.04      # sigma of the blend between neighbouring visemes
VOWEL_UNITS, CONSONANT_UNITS, LONG_FACTOR = 1.0, 0.6, 1.5
JAW_MAX_RAD = 0.3            # SMPL-X jaw opening at jawOpen = 1 (about 17 degrees)
BROW_RAMP_S = 0.2
HEADSHAKE_HZ, HEADSHAKE_MAX_HZ, HEADSHAKE_DEG = 2.0, 3.0, 15.0
HEADSHAKE_MIN_SWINGS = 3     # half-cycles inside the sign: the yaw changes sign at least twice
NOD_HZ, NOD_DEG = 2.0, 10.0
HEAD_RAMP_S = 0.08
BLINK_S = (0.15, 0.25)
BLINK_CLOSING = 0.4          # share of a blink spent closing
BLINK_MIN_GAP_S = 1.2


@dataclass(frozen=True)
class WordSpan:
    """One produced sign (or fingerspelled word) and the spoken word(s) it stands for."""
    word: str                         # the spoken word or phrase ("Kinder", "guten Morgen")
    start: int                        # first frame of the sign's own motion
    end: int                          # one past its last frame
    token: int = -1                   # index of its first token in `signllm.text.tokens(sentence)`
    gloss: str = ""
    fingerspelled: bool = False
    nonmanual: NonManual = NonManual()  # the notation's own tiers, if the lexicon gives them

    @property
    def mouth_picture(self) -> str | None:
        """SAMPA from the notation, if the lexicon has one."""
        return self.nonmanual.mouthing


@dataclass(frozen=True)
class FaceOptions:
    mouthing: bool = True
    grammar: bool = True              # question brows, headshake, nod
    notation: bool = True             # the lexicon's own head, brow, lid and gaze codes
    blinks: bool = True
    gaze: bool = True                 # the eyes follow the spelling hand (needs the keypoints)
    blink_rate_per_min: float = 17.0
    mouthing_strength: float = 0.85


@dataclass(frozen=True)
class VisemeEvent:
    viseme: str
    start: float                      # frames (fractional) on the track
    end: float


@dataclass(frozen=True)
class WordMouthing:
    """How one word is mouthed: its source and visemes, or why it is not."""
    word: str
    start: int
    end: int
    source: str = ""                  # "espeak-ng" or "notation (SAMPA)"; "" = not mouthed
    events: tuple[VisemeEvent, ...] = ()
    reason: str = ""

    @property
    def mouthed(self) -> bool:
        return bool(self.events)

    def describe(self) -> str:
        if not self.mouthed:
            return f"no mouthing: {self.reason}"
        return f"mouthed ({self.source}): " + "-".join(e.viseme for e in self.events)


@dataclass(frozen=True)
class GrammarMark:
    kind: str                         # "yes/no question", "wh-question", "negation", "affirmation"
    start: int
    end: int
    words: str


@dataclass
class Composition:
    track: FaceTrack
    words: list[WordMouthing] = field(default_factory=list)
    grammar: list[GrammarMark] = field(default_factory=list)
    blinks: list[int] = field(default_factory=list)     # frame of each blink's closure
    notation: dict[WordSpan, notated.NotatedFace] = field(default_factory=dict)

    def describe(self, span: WordSpan) -> str | None:
        """How the word of `span` was mouthed (or why not) and what of its notation's face was
        animated; None if it was not composed."""
        key = (span.word, span.start, span.end)
        parts = [m.describe() for m in self.words if (m.word, m.start, m.end) == key]
        if span in self.notation:
            parts.append(self.notation[span].describe())
        return "; ".join(parts) if parts else None


# --------------------------------------------------------------------------- mouthing

def word_visemes(span: WordSpan, spoken: str) -> tuple[VisemeString | None, str, str]:
    """(visemes, source, reason why none): the notation's mouth picture first, else the words'
    phonemes. Never raises for a bad or unknown word: the reason says what went wrong."""
    if span.mouth_picture:
        string = sampa_visemes(span.mouth_picture)
        if string.visemes:
            return merge_repeats(string), "notation (SAMPA)", ""
    words = WORD.findall(span.word)
    if not words:
        return None, "", f"{span.word[:40]!r} has no letters to mouth"
    segments: list[str] = []
    for word in words:
        try:
            segments += phonemize(word, spoken)
        except SignLLMError as exc:
            return None, "", str(exc)
    string = ipa_visemes(segments)
    if not string.visemes:
        return None, "", f"no mouth shape for the phonemes {' '.join(segments)}"
    return merge_repeats(string), ENGINE, ""


def layout(string: VisemeString, start: int, end: int) -> tuple[VisemeEvent, ...]:
    """Visemes spread over frames [start, end) in proportion to their sounds' durations."""
    units = np.array([(VOWEL_UNITS if v else CONSONANT_UNITS) * (LONG_FACTOR if l else 1.0)
                      for v, l in zip(string.vowel, string.long)])
    edges = start + (end - start) * np.concatenate([[0.0], np.cumsum(units) / units.sum()])
    return tuple(VisemeEvent(v, float(a), float(b))
                 for v, a, b in zip(string.visemes, edges[:-1], edges[1:]))


def mouth_weights(events: list[VisemeEvent], frames: int, fps: float,
                  strength: float) -> np.ndarray:
    """(frames, len(MOUTH_NAMES)) weights: each frame shows the viseme its centre falls in,
    neutral between words, then blended by the coarticulation Gaussian."""
    target = np.zeros((frames, len(MOUTH_NAMES)), np.float64)
    column = {n: i for i, n in enumerate(MOUTH_NAMES)}
    centres = np.arange(frames) + 0.5
    for event in events:
        inside = (centres >= event.start) & (centres < event.end)
        if not inside.any():   # shorter than a frame: shown on the frame it falls in
            f = min(frames - 1, max(0, int((event.start + event.end) / 2)))
            inside = np.zeros(frames, bool)
            inside[f] = True
        for name, weight in TEMPLATES[event.viseme].items():
            target[inside, column[name]] = weight
    return np.clip(gaussian_smooth(target, COARTICULATION_S * fps) * strength, 0, 1)


# --------------------------------------------------------------------------- grammar

def clauses(sentence: str) -> list[tuple[int, int, str]]:
    """(first token, one past the last token, closing mark or "") of each clause."""
    toks = tokenize(sentence)
    out, begin = [], 0
    for i, tok in enumerate(toks):
        if tok in rules.CLAUSE_END:
            out.append((begin, i, tok))
            begin = i + 1
    if begin < len(toks):
        out.append((begin, len(toks), ""))
    return out


def question_marks(sentence: str, spans: list[WordSpan], spoken: str) -> list[GrammarMark]:
    if not rules.covered(spoken):
        return []
    marks = []
    for first, last, closing in clauses(sentence):
        if closing != rules.QUESTION:
            continue
        inside = [s for s in spans if first <= s.token < last]
        if not inside:
            continue
        wh = any(rules.is_wh_word(s.word, spoken, s.gloss) for s in inside)
        marks.append(GrammarMark("wh-question" if wh else "yes/no question",
                                 min(s.start for s in inside), max(s.end for s in inside),
                                 " ".join(s.word for s in inside)))
    return marks


def head_marks(spans: list[WordSpan], spoken: str, skip: set = frozenset()) -> list[GrammarMark]:
    """Negation and affirmation by the sentence's rules, but not on the spans in `skip` (whose
    own notation moves the head)."""
    marks = []
    for s in spans:
        if s in skip:
            continue
        if rules.is_negation(s.word, spoken, s.gloss):
            marks.append(GrammarMark("negation", s.start, s.end, s.word))
        elif rules.is_affirmation(s.word, spoken, s.gloss):
            marks.append(GrammarMark("affirmation", s.start, s.end, s.word))
    return marks


def headshake(mark: GrammarMark, frames: int, fps: float) -> np.ndarray:
    """(frames,) head yaw (radians): a shake of at least `HEADSHAKE_MIN_SWINGS` half-cycles
    inside the sign when it is long enough, else over a window around it."""
    start, end = mark.start, max(mark.end, mark.start + 1)
    seconds = (end - start) / fps
    hz = max(HEADSHAKE_HZ, HEADSHAKE_MIN_SWINGS / (2 * seconds))
    if hz > HEADSHAKE_MAX_HZ:        # too short a sign: shake longer than it, centred on it
        hz = HEADSHAKE_MAX_HZ
        need = HEADSHAKE_MIN_SWINGS / (2 * hz) * fps + 2
        centre = (start + end) / 2
        start, end = max(0.0, centre - need / 2), min(float(frames), centre + need / 2)
    t = np.arange(frames, dtype=np.float64)
    # half a frame in, so the zero crossings fall between frames, not on them
    phase = 2 * np.pi * hz * (t - start + 0.5) / fps
    ramp = HEAD_RAMP_S * fps
    envelope = np.minimum(smoothstep((t - start + 1) / ramp), smoothstep((end - t) / ramp))
    return np.radians(HEADSHAKE_DEG) * envelope * np.sin(phase)


def nod(mark: GrammarMark, frames: int, fps: float) -> np.ndarray:
    """(frames,) head pitch (radians, positive tips the head down): nods over the sign."""
    t = np.arange(frames, dtype=np.float64)
    inside = (t >= mark.start) & (t < mark.end)
    phase = 2 * np.pi * NOD_HZ * (t - mark.start) / fps
    return np.where(inside, np.radians(NOD_DEG) * (1 - np.cos(phase)) / 2, 0.0)


# --------------------------------------------------------------------------- blinks

def blink_frames(spans: list[WordSpan], frames: int, fps: float, rate_per_min: float,
                 rng: np.random.Generator) -> list[int]:
    """Frames where a blink closes: about `rate_per_min` a minute, each moved to the nearest
    sign boundary within reach."""
    if rate_per_min <= 0 or frames < 2:
        return []
    ordered = sorted(spans, key=lambda s: s.start)
    boundaries = [ordered[0].start / 2] if ordered else []
    boundaries += [(a.end + b.start) / 2 for a, b in zip(ordered, ordered[1:])]
    boundaries += [(ordered[-1].end + frames) / 2] if ordered else []
    boundaries = np.array(sorted(boundaries), np.float64)
    mean = 60.0 / rate_per_min * fps
    reach, gap = 0.4 * mean, BLINK_MIN_GAP_S * fps
    out: list[int] = []
    t = rng.uniform(0.3, 1.0) * mean
    while t < frames - 1:
        near = boundaries[np.abs(boundaries - t) <= reach] if len(boundaries) else boundaries
        chosen = float(near[np.argmin(np.abs(near - t))]) if len(near) else t
        frame = int(round(chosen))
        if out and frame - out[-1] < gap:
            frame = int(round(out[-1] + gap))
        if frame >= frames - 1:
            break
        out.append(frame)
        t = frame + mean * rng.uniform(0.7, 1.3)
    return out


def blink_curve(closures: list[int], frames: int, fps: float,
                rng: np.random.Generator) -> np.ndarray:
    curve = np.zeros(frames, np.float64)
    t = np.arange(frames, dtype=np.float64)
    for centre in closures:
        length = rng.uniform(*BLINK_S) * fps
        closing, opening = BLINK_CLOSING * length, (1 - BLINK_CLOSING) * length
        rise = smoothstep((t - (centre - closing)) / closing)
        fall = smoothstep(((centre + opening) - t) / opening)
        curve = np.maximum(curve, np.where(t <= centre, rise, fall))
    return curve


# --------------------------------------------------------------------------- composition

def compose(sentence: str, spans: list[WordSpan], frames: int, fps: float, spoken: str,
            options: FaceOptions = FaceOptions(), seed: int | None = None, *,
            joints: np.ndarray | None = None, confidence: np.ndarray | None = None,
            depth_known: bool = True) -> Composition:
    """The face of a sentence of `frames` frames whose signs occupy `spans`. `joints` and
    `confidence`, the sentence's (frames, 50, 3) keypoints and (frames, 50) confidences
    (`depth_known`: with measured depth), let the eyes follow the spelling hand (without them
    the eyes look ahead)."""
    rng = np.random.default_rng(0 if seed is None else seed)
    spans = [s for s in spans if s.end > s.start]
    face = _Face(frames, fps)
    words = _mouthing(face, spans, spoken, options.mouthing_strength) if options.mouthing else []
    faces = {s: f for s in spans if not (f := notated.read(s.nonmanual)).empty} \
        if options.notation else {}
    moved = {s for s, f in faces.items() if f.head != (0.0, 0.0, 0.0) or f.moving}
    grammar = _grammar(face, sentence, spans, spoken, moved) if options.grammar else []
    for span, f in faces.items():
        _notated(face, span, f)
    blinks: list[int] = []
    if options.blinks:
        blinks = sorted(blink_frames(spans, frames, fps, options.blink_rate_per_min, rng)
                        + [(s.start + s.end) // 2 for s, f in faces.items() if f.blink])
        curve = blink_curve(blinks, frames, fps, rng)
        for name in BLINK:
            face.hold(name, curve)
    if options.gaze:
        _gaze(face, spans, faces, joints, confidence, depth_known)
    face.jaw[:, 0] = face.weights[:, face.column["jawOpen"]] * JAW_MAX_RAD
    track = FaceTrack(FACE_NAMES, np.clip(face.weights, 0, 1), face.jaw, face.head, face.eyes, fps)
    return Composition(track, words, grammar, blinks, faces)


class _Face:
    """The arrays a composition fills, frame by frame."""

    def __init__(self, frames: int, fps: float):
        self.frames, self.fps = frames, fps
        self.column = {n: i for i, n in enumerate(FACE_NAMES)}
        self.weights = np.zeros((frames, len(FACE_NAMES)), np.float64)
        self.head = np.zeros((frames, 3), np.float64)
        self.jaw = np.zeros((frames, 3), np.float64)
        self.eyes = np.zeros((frames, 2, 3), np.float64)

    def hold(self, name: str, curve: np.ndarray) -> None:
        """Raise blendshape `name` to `curve` where it is lower."""
        k = self.column[name]
        self.weights[:, k] = np.maximum(self.weights[:, k], curve)


def _mouthing(face: _Face, spans: list[WordSpan], spoken: str,
              strength: float) -> list[WordMouthing]:
    prefetch([w for s in spans if not s.mouth_picture for w in WORD.findall(s.word)], spoken)
    words: list[WordMouthing] = []
    events: list[VisemeEvent] = []
    for span in spans:
        string, source, reason = word_visemes(span, spoken)
        if string is None:
            log.info("no mouthing for %r: %s", span.word, reason)
            words.append(WordMouthing(span.word, span.start, span.end, reason=reason))
            continue
        placed = layout(string, span.start, span.end)
        events += placed
        words.append(WordMouthing(span.word, span.start, span.end, source, placed))
    if events and face.frames:
        mouth = mouth_weights(events, face.frames, face.fps, strength)
        for i, name in enumerate(MOUTH_NAMES):
            face.weights[:, face.column[name]] = mouth[:, i]
    return words


def _grammar(face: _Face, sentence: str, spans: list[WordSpan], spoken: str,
             moved: set) -> list[GrammarMark]:
    marks: list[GrammarMark] = []
    for mark in question_marks(sentence, spans, spoken):
        marks.append(mark)
        shape = BROWS_DOWN if mark.kind == "wh-question" else BROWS_UP
        curve = plateau(face.frames, mark.start, mark.end, BROW_RAMP_S * face.fps)
        for name, weight in shape.items():
            face.hold(name, weight * curve)
    for mark in head_marks(spans, spoken, moved):
        marks.append(mark)
        if mark.kind == "negation":
            face.head[:, 1] += headshake(mark, face.frames, face.fps)
        else:
            face.head[:, 0] += nod(mark, face.frames, face.fps)
    return marks


def _notated(face: _Face, span: WordSpan, f: notated.NotatedFace) -> None:
    """One sign's own non-manual codes over its frames."""
    curve = notated.held(face.frames, span.start, span.end, face.fps)
    for name, weight in f.shapes.items():
        face.hold(name, weight * curve)
    face.head += curve[:, None] * np.asarray(f.head)
    mark = GrammarMark("notation", span.start, span.end, span.word)
    for code in f.moving:
        if code == "SH":
            face.head[:, 1] += headshake(mark, face.frames, face.fps)
        elif code == "NO":
            face.head[:, 0] += nod(mark, face.frames, face.fps)
        else:
            face.head[:, 0] += notated.nod_once(span.start, span.end, face.frames, face.fps,
                                                up=code == "NU")


def _gaze(face: _Face, spans: list[WordSpan], faces: dict, joints: np.ndarray | None,
          confidence: np.ndarray | None, depth_known: bool) -> None:
    """Eyes on the hand over spelled words (and signs whose notation says so), in the
    notation's direction over signs that give one, ahead elsewhere."""
    gazes = {s: f.gaze for s, f in faces.items() if f.gaze is not None}
    followed = [(s.start, s.end) for s in spans if s.fingerspelled or gazes.get(s) == "hand"]
    angles = np.zeros((face.frames, 2, 2))
    if joints is not None and followed:
        if len(joints) != face.frames:
            raise BadInputError(f"{len(joints)} frames of keypoints for a face of {face.frames}")
        seen = np.ones(joints.shape[:2]) if confidence is None else confidence
        angles = gaze.follow(np.asarray(joints, np.float64), seen, followed, face.fps,
                             None if depth_known else gaze.DEPTH_2D_M)
    directed = [(s, g) for s, g in gazes.items() if isinstance(g, tuple)]
    for span, (yaw, pitch) in directed:
        weight = notated.held(face.frames, span.start, span.end, face.fps)[:, None, None]
        angles += weight * (np.array([yaw, pitch]) - angles)
    if not (followed or directed):
        return
    face.eyes = gaze.rotations(angles)
    for name, curve in gaze.look_weights(angles).items():
        face.weights[:, face.column[name]] = curve


__all__ = ["WordSpan", "FaceOptions", "VisemeEvent", "WordMouthing", "GrammarMark", "Composition",
           "FACE_NAMES", "compose", "word_visemes", "layout"]
