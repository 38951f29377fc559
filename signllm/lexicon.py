"""The `lexicon` generator: recorded or notated signs, joined, with fingerspelling fallback.

Why: it is both the baseline the SignLLM model is measured against and the way users with their
own recordings or notated lexicons get real signs for their words. A word is produced, in this
order, by
1. a user's recorded lexicon (`--lexicon DIR`, spoken-to-signed's `index.csv` + `.pose` layout),
2. a notated sign, synthesised from its HamNoSys / SiGML (`signllm.synthesis`): the user's
   notated lexicon (`--lexicon FILE.csv` or a folder of `.sigml` files), then the built-in one
   (DSGS from the `signwriting` package; `signllm.sign_lexicon`),
3. fingerspelling with the language's manual alphabet (real or labelled proxy clips),
4. otherwise it is reported as skipped, with the reason. If nothing at all can be produced the
   request fails with NoDataError saying how to add data: motion is never invented.

Clips are read through the core's `.pose` reader (`signllm.formats.read`) into the 50-joint
layout; holds are joined with eased transitions and pauses from `signllm.fingerspelling.Timing`.
Synthesised signs know their depth; the fingerspelling clips do not (they are 2D), so in a
sentence with notated signs a letter's arm is placed at `FINGERSPELLING_DEPTH_M` in front of the
body, where signers fingerspell, and the result says its depth is known.

The face (`signllm.face`, on unless `face=False`): every produced sign and fingerspelled word
keeps its own frame span, and `signllm.face.timeline.compose` times mouthing, grammar marks and
blinks on those spans; each word's report says how it was mouthed.
"""
from __future__ import annotations

import copy
import csv
import importlib.util
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator, NamedTuple

import numpy as np

from .errors import BadInputError, NoDataError, SignLLMError
from .face.timeline import Composition, FaceOptions, WordSpan, compose
from .fingerspelling import (HOW_TO_ADD_DATA, PHRASE_PUNCTUATION, SENTENCE_PUNCTUATION, Alphabet,
                             SpelledToken, Step, Timing, alphabet_status, get_alphabet, schedule,
                             spell_word)
from .generation import Frame, GenerationStream, Generator, StreamInfo, WordReport
from .languages import LANGUAGES, Language, get_language
from .notation.description import NonManual
from .skeleton import L_HAND, L_WRIST, PROMPT2SIGN_50, R_ELBOW, R_HAND, R_WRIST
from .text import gloss_upper, phrase_key, tokens as tokenize

log = logging.getLogger(__name__)

INDEX_COLUMNS = ("path", "spoken_language", "signed_language", "start", "end", "words",
                 "glosses", "priority")
MAX_PHRASE_WORDS = 4
FINGERSPELLING_DEPTH_M = 0.3   # wrist in front of the neck plane while spelling among signs
SIGN_TRANSITION_S = 0.2        # between two signs (SignON's co-articulation overlap)
PUNCTUATION = PHRASE_PUNCTUATION + SENTENCE_PUNCTUATION


def package_alphabet_dir() -> Path:
    """The fingerspelling clips of the installed `spoken-to-signed` package (never copied)."""
    spec = importlib.util.find_spec("spoken_to_signed")
    if spec is None or not spec.submodule_search_locations:
        raise NoDataError("the fingerspelling clips come from the 'spoken-to-signed' package, which "
                          "is not installed; run: pip install 'signllm[corpus]'")
    return Path(next(iter(spec.submodule_search_locations))) / "assets" / "fingerspelling_lexicon"


# --------------------------------------------------------------------------- user lexicons

@dataclass(frozen=True)
class LexiconEntry:
    path: Path
    spoken_language: str
    signed_language: str
    start_ms: int
    end_ms: int          # 0 = to the end of the clip
    words: str
    glosses: str
    priority: int        # lower is better (spoken-to-signed's convention)
    line: int


class UserLexicon:
    """A folder with `index.csv` (spoken-to-signed's columns) and the `.pose` files it names."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        index = self.folder / "index.csv"
        if not index.is_file():
            raise BadInputError("a lexicon folder needs an index.csv with columns "
                                + ",".join(INDEX_COLUMNS), path=self.folder)
        self.entries = self._read(index)
        self._by_phrase: dict[tuple[str, str], list[LexiconEntry]] = {}
        for entry in self.entries:
            for phrase in {entry.words, entry.glosses}:
                key = phrase_key(phrase)
                if key:
                    self._by_phrase.setdefault((entry.signed_language, key), []).append(entry)
        for candidates in self._by_phrase.values():
            candidates.sort(key=lambda e: e.priority)

    def _read(self, index: Path) -> list[LexiconEntry]:
        with open(index, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in INDEX_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise BadInputError(f"index.csv lacks column(s) {', '.join(missing)}; expected "
                                    + ",".join(INDEX_COLUMNS), path=index, line=1)
            entries = []
            for line, row in enumerate(reader, start=2):
                try:
                    start, end, priority = int(row["start"] or 0), int(row["end"] or 0), \
                        int(row["priority"] or 0)
                except ValueError:
                    raise BadInputError(f"start/end/priority must be integers (milliseconds), got "
                                        f"{row['start']!r}/{row['end']!r}/{row['priority']!r}",
                                        path=index, line=line) from None
                if start < 0 or (end and end <= start):
                    raise BadInputError(f"bad time span start={start} end={end} ms", path=index,
                                        line=line)
                path = (self.folder / row["path"]).resolve()
                if not path.is_relative_to(self.folder.resolve()):
                    raise BadInputError(f"path {row['path']!r} leaves the lexicon folder",
                                        path=index, line=line)
                entries.append(LexiconEntry(path, row["spoken_language"].strip(),
                                            row["signed_language"].strip().casefold(), start, end,
                                            row["words"].strip(), row["glosses"].strip(), priority,
                                            line))
        return entries

    def lookup(self, words: list[str], language: Language) -> LexiconEntry | None:
        keys = {language.code, language.signllm_name.casefold(), *(a.casefold() for a in language.aliases)}
        phrase = phrase_key(" ".join(words))
        for key in keys:
            found = self._by_phrase.get((key, phrase))
            if found:
                return found[0]
        return None


# --------------------------------------------------------------------------- clips

@dataclass
class Clip:
    joints: np.ndarray      # (T, 50, 3), gaps filled
    confidence: np.ndarray  # (T, 50)
    fps: float


def fill_gaps(joints: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """Give missing joints a position (nearest frame where present; else their wrist).

    Interpolating towards a missing joint's stored zeros would fling the hand to the neck; the
    filled joints keep confidence 0, so consumers still know they were not observed.
    """
    joints = joints.copy()
    frames = np.arange(len(joints))
    for j in range(joints.shape[1]):
        present = confidence[:, j] > 0
        if present.all() or not present.any():
            continue
        nearest = np.searchsorted(frames[present], frames).clip(0, present.sum() - 1)
        before = (nearest - 1).clip(0)
        pick = np.where(np.abs(frames[present][before] - frames) < np.abs(frames[present][nearest] - frames),
                        before, nearest)
        joints[~present, j] = joints[present][pick[~present], j]
    for hand, wrist in ((L_HAND, L_WRIST), (R_HAND, R_WRIST)):
        absent = ~(confidence[:, hand] > 0).any(axis=0)
        joints[:, hand[absent]] = joints[:, [wrist]]
    return joints


@lru_cache(maxsize=512)
def load_clip(path: Path, start_ms: int = 0, end_ms: int = 0) -> Clip:
    from .formats import read

    seq = read(path)[0]
    if seq.skeleton.num_joints != PROMPT2SIGN_50.num_joints:
        raise BadInputError(f"expected the 50-joint layout, got {seq.skeleton.name}", path=path)
    first = int(np.floor(start_ms / 1000 * seq.fps))
    last = int(np.ceil(end_ms / 1000 * seq.fps)) if end_ms else seq.num_frames
    joints, conf = seq.joints[first:last], seq.confidence[first:last]
    if len(joints) == 0:
        raise BadInputError(f"time span {start_ms}-{end_ms} ms holds no frames "
                            f"({seq.num_frames} frames at {seq.fps} fps)", path=path)
    return Clip(fill_gaps(joints, conf), conf, seq.fps)


def resample(joints: np.ndarray, frames: int) -> np.ndarray:
    """Linear time-resampling of (T, J, 3) to `frames` frames."""
    if len(joints) == 1 or frames == 1:
        return np.repeat(joints[len(joints) // 2][None], frames, axis=0)
    src = np.linspace(0, len(joints) - 1, frames)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, len(joints) - 1)
    w = (src - lo)[:, None, None]
    return (1 - w) * joints[lo] + w * joints[hi]


def ease(a: np.ndarray, b: np.ndarray, frames: int) -> np.ndarray:
    """`frames` in-between poses from a to b (exclusive), smoothstep-eased like a real hand."""
    t = np.arange(1, frames + 1) / (frames + 1)
    t = (t * t * (3 - 2 * t))[:, None, None]
    return (1 - t) * a[None] + t * b[None]


# --------------------------------------------------------------------------- planning

@dataclass
class Segment:
    """Poses to show for one step, with how many eased frames lead into it."""
    poses: np.ndarray        # (n, 50, 3)
    confidence: np.ndarray   # (50,)
    transition: int


def letter_segment(step: Step, alphabet: Alphabet, root: Path, timing: Timing) -> Segment:
    info = alphabet.letters[step.unit]
    clip = load_clip(root / info.path)
    hold = clip.joints[info.start:info.end]
    poses = resample(hold, step.frames).astype(np.float32)
    if step.glide and info.hands != "both":
        side = R_HAND if info.hands == "right" else L_HAND
        wrist = R_WRIST if info.hands == "right" else L_WRIST
        # The signer's outward direction: -X for the right hand (+X is the signer's left).
        offset = np.array([-timing.double_glide_m if info.hands == "right" else timing.double_glide_m,
                           0, 0], np.float32)
        poses[:, [*side, wrist]] += offset * np.linspace(0, 1, len(poses))[:, None, None]
    confidence = (clip.confidence[info.start:info.end] > 0).mean(axis=0) > 0.5
    return Segment(poses, confidence.astype(np.float32), step.transition)


def sign_segment(entry: LexiconEntry, fps: float, transition: int) -> Segment:
    clip = load_clip(entry.path, entry.start_ms, entry.end_ms)
    frames = max(1, int(round(len(clip.joints) / clip.fps * fps)))
    confidence = (clip.confidence > 0).mean(axis=0) > 0.5
    return Segment(resample(clip.joints, frames).astype(np.float32), confidence.astype(np.float32),
                   transition)


def notated_segment(sign, fps: float, transition: int, body=None) -> Segment:
    """A notated sign, synthesised (`signllm.synthesis`) at the sentence's frame rate, on
    `body` (a `signllm.synthesis.Body`; default proportions when None)."""
    from .sign_lexicon import describe
    from .synthesis import synthesise

    seq = synthesise(describe(sign), fps=fps, body=body)
    return Segment(seq.joints, (seq.confidence > 0).mean(axis=0).astype(np.float32), transition)


def at_spelling_depth(seg: Segment) -> Segment:
    """A 2D letter among 3D signs: the dominant arm forward, where signers fingerspell."""
    poses = seg.poses.copy()
    poses[:, [*R_HAND, R_WRIST], 2] += FINGERSPELLING_DEPTH_M
    poses[:, R_ELBOW, 2] += FINGERSPELLING_DEPTH_M / 2
    return Segment(poses, seg.confidence, seg.transition)


def render(segments: list[Segment], rest_start: np.ndarray, rest_end: np.ndarray,
           lead_in: int, lead_out: int, rest_confidence: tuple[np.ndarray, np.ndarray] | None = None,
           starts: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Join segments: rest -> eased transitions and holds -> rest. Returns joints, confidence.
    `rest_confidence`: (start, end) confidence of the rest frames (default all seen); a joint the
    clips never saw stays missing there too, not present at its filled-in place. `starts`, if
    given, receives the first frame of each segment's poses (after its transition)."""
    conf_start, conf_end = rest_confidence or (np.ones(rest_start.shape[0], np.float32),) * 2
    parts, conf = [rest_start[None]], [np.asarray(conf_start, np.float32)[None]]
    previous = rest_start
    frame = 1
    for i, seg in enumerate(segments):
        lead = lead_in if i == 0 else seg.transition
        between = ease(previous, seg.poses[0], lead)
        if starts is not None:
            starts.append(frame + len(between))
        frame += len(between) + len(seg.poses)
        parts += [between, seg.poses]
        conf += [np.repeat(seg.confidence[None], len(between) + len(seg.poses), axis=0)]
        previous = seg.poses[-1]
    parts += [ease(previous, rest_end, lead_out), rest_end[None]]
    conf += [np.repeat(np.asarray(conf_end, np.float32)[None], lead_out + 1, axis=0)]
    return np.concatenate(parts).astype(np.float32), np.concatenate(conf).astype(np.float32)


@dataclass(frozen=True)
class Source:
    """Which input word an item of a plan produces (for the face)."""
    report: int            # index in `Plan.words`
    token: int             # index of its first token in `signllm.text.tokens(text)`
    phrase: str            # the spoken word(s)
    gloss: str = ""
    fingerspelled: bool = False


@dataclass
class Plan:
    words: list[WordReport]
    gloss: str
    items: list            # Step (letters, pauses), ("sign", LexiconEntry) or ("notated", NotatedSign)
    sources: list = field(default_factory=list)   # per item: its `Source`, or None (pauses)


def uses_notated_signs(plan: Plan) -> bool:
    return any(not isinstance(item, Step) and item[0] == "notated" for item in plan.items)


class LexiconGenerator(Generator):
    """Retrieval + concatenation of real clips; see the module docstring for the order."""

    name = "lexicon"

    def __init__(self, lexicon: str | Path | None = None, timing: Timing = Timing(),
                 fps: float = 25.0, builtin_signs: bool = True,
                 face: bool | FaceOptions = True):
        recorded = lexicon is not None and (Path(lexicon) / "index.csv").is_file()
        self.user = UserLexicon(lexicon) if recorded else None
        self.notated_path = Path(lexicon) if lexicon is not None and not recorded else None
        self.builtin_signs = builtin_signs
        self.timing = timing
        self.fps = fps
        self.face = (face if isinstance(face, FaceOptions) else FaceOptions()) if face else None
        self._faceless: LexiconGenerator | None = None

    def without_face(self) -> "LexiconGenerator":
        """The same generator (sharing its lexicons) with the face off, made once."""
        if self.face is None:
            return self
        if self._faceless is None:
            faceless = copy.copy(self)
            faceless.face, faceless._faceless = None, faceless
            self._faceless = faceless
        return self._faceless

    def describe(self) -> str:
        sources = [f"lexicon {self.user.folder}"] if self.user else []
        sources += [f"notated signs {self.notated_path}"] if self.notated_path else []
        sources += ["built-in notated signs"] if self.builtin_signs else []
        return " + ".join(sources + ["fingerspelling"])

    def notated(self, language: Language) -> list:
        """The notated lexicons that hold signs of `language`: the user's, then the built-in."""
        from .sign_lexicon import builtin_dsgs, open_lexicon

        found = [open_lexicon(self.notated_path, language.code)] if self.notated_path else []
        if self.builtin_signs:
            try:
                found.append(builtin_dsgs())
            except NoDataError:   # a lean install without the 'signs' extra
                pass
        return [lex for lex in found if language.code in lex.languages]

    def plan(self, text: str, language: Language, fps: float,
             rng: np.random.Generator | None) -> Plan:
        try:
            alphabet = get_alphabet(language)
        except NoDataError:
            alphabet = None
        tokens = tokenize(text)
        words: list[WordReport] = []
        gloss: list[str] = []
        items: list = []
        sources: list = []
        pending: list[SpelledToken] = []
        pending_sources: list[Source | None] = []

        def flush():
            if pending:
                steps = schedule(pending, alphabet, fps, self.timing, rng)
                # one letter step per unit of each spelled token, in order (`schedule`)
                owners = iter([src for tok, src in zip(pending, pending_sources)
                               if not tok.punctuation for _ in tok.units])
                items.extend(steps)
                sources.extend(next(owners) if step.kind == "letter" else None for step in steps)
                pending.clear()
                pending_sources.clear()

        notated = self.notated(language)
        i = 0
        while i < len(tokens):
            sign, size = self._lookup_notated(tokens, i, language, notated)
            if sign is not None:
                flush()
                phrase = " ".join(tokens[i:i + size])
                items.append(("notated", sign))
                sources.append(Source(len(words), i, phrase, sign.gloss))
                words.append(WordReport(phrase, "sign", f"{sign.gloss} ({sign.source}; "
                                        f"{sign.kind})"))
                gloss.append(sign.gloss)
                i += size
                continue
            entry, size = self._lookup(tokens, i, language)
            if entry is not None:
                flush()
                phrase = " ".join(tokens[i:i + size])
                items.append(("sign", entry))
                sources.append(Source(len(words), i, phrase, entry.glosses))
                words.append(WordReport(phrase, "lexicon", f"{entry.path.name} "
                                        f"[{entry.start_ms}-{entry.end_ms or 'end'} ms]"))
                gloss.append(entry.glosses or gloss_upper(phrase, language.spoken).replace(" ", "-"))
                i += size
                continue
            token = tokens[i]
            i += 1
            if alphabet is None:
                if token[0].isalnum():
                    words.append(WordReport(token, "skipped", f"no lexicon sign, and "
                                            f"{language.signllm_name} has no alphabet "
                                            f"({alphabet_status(language)[1]})"))
                continue
            if token in PUNCTUATION:
                pending.append(SpelledToken(token, [], [], punctuation=True))
                pending_sources.append(None)
                gloss.append(token)
                continue
            spelled = spell_word(token, alphabet)
            note = "" if alphabet.status == "real" else f" with the {alphabet.source} alphabet (proxy)"
            if spelled.units:
                pending.append(spelled)
                pending_sources.append(Source(len(words), i - 1, token, spelled.gloss,
                                              fingerspelled=True))
                gloss.append(spelled.gloss)
                detail = spelled.gloss + note
                if spelled.missing:
                    detail += f"; left out {''.join(spelled.missing)!r}: no clip in the alphabet"
                words.append(WordReport(token, "fingerspelled", detail))
            else:
                words.append(WordReport(token, "skipped", f"{''.join(spelled.missing)!r} has no "
                                        f"clip in the {alphabet.source} alphabet"))
        flush()
        return Plan(words, " ".join(gloss), items, sources)

    def _lookup_notated(self, tokens: list[str], i: int, language: Language, notated: list):
        """A notated sign, unless the user's recordings have one for the same words."""
        from .sign_lexicon import match_at

        if not notated or not tokens[i][0].isalnum() or self._lookup(tokens, i, language)[0]:
            return None, 0
        for lexicon in notated:
            sign, size = match_at(tokens, i, language.code, language.spoken, lexicon)
            if sign is not None:
                return sign, size
        return None, 0

    def _lookup(self, tokens: list[str], i: int, language: Language):
        if self.user is None or not tokens[i][0].isalnum():
            return None, 0
        for size in range(min(MAX_PHRASE_WORDS, len(tokens) - i), 0, -1):
            entry = self.user.lookup(tokens[i:i + size], language)
            if entry is not None:
                return entry, size
        return None, 0

    def stream(self, sentence: str, language: Language, *,
               seed: int | None = None, fps: float | None = None) -> GenerationStream:
        text, lang = sentence, language
        fps = float(fps or self.fps)
        rng = np.random.default_rng(seed) if seed is not None else None
        if lang not in LANGUAGES and not self.notated(lang):
            raise NoDataError(f"{lang.signllm_name} ({lang.code}) signs only from a notated lexicon "
                              f"that names it, and none does: pass --lexicon signs.csv (gloss,words,"
                              f"signed_language,hamnosys) or a folder of .sigml files")
        plan = self.plan(text, lang, fps, rng)
        if not any(not isinstance(item, Step) or item.kind == "letter" for item in plan.items):
            skipped = "; ".join(f"{w.word}: {w.detail}" for w in plan.words) or "no words in the text"
            raise NoDataError(f"nothing to sign in {lang.signllm_name} ({lang.code}) for {text!r} "
                              f"({skipped}); {HOW_TO_ADD_DATA}")
        joints, confidence, spans = self._render(plan, lang, fps)
        # the alphabet clips are read without their z; synthesised signs know theirs (and place
        # the letters among them at spelling depth)
        signed = uses_notated_signs(plan)
        word_spans = _word_spans(plan, spans)
        for report, span in word_spans.items():
            plan.words[report].frames = (span.start, span.end)
        face = self._face(text, plan, word_spans, lang, fps, (joints, confidence, signed), seed) \
            if self.face else None
        info = StreamInfo(language=lang, text=text, gloss=plan.gloss, generator=self.name,
                          model=self.describe(), fps=fps, words=plan.words, depth_known=signed,
                          face_names=face.track.names if face else None)
        return GenerationStream(info, _frames(joints, confidence, face))

    def _face(self, text: str, plan: Plan, word_spans: dict[int, WordSpan], language: Language,
              fps: float, keypoints: tuple[np.ndarray, np.ndarray, bool],
              seed: int | None) -> Composition:
        """The sentence's face on the frame spans of its signs and spelled words, the eyes on
        the spelling hand of `keypoints` (joints, confidence, depth known); each word's report
        gets how it is mouthed."""
        joints, confidence, depth_known = keypoints
        face = compose(text, list(word_spans.values()), len(joints), fps, language.spoken,
                       self.face, seed, joints=joints, confidence=confidence,
                       depth_known=depth_known)
        for report, span in word_spans.items():
            if (mouthing := face.describe(span)) is not None:
                plan.words[report].mouthing = mouthing
        return face

    def _render(self, plan: Plan, language: Language, fps: float
                ) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int] | None]]:
        """Joints, confidence and, per plan item, the frames [start, end) of its own poses."""
        rendering = render_plan(plan, language, fps, timing=self.timing)
        return rendering.joints, rendering.confidence, rendering.spans

    def _leads(self, fps: float) -> tuple[int, int]:
        """Frames of the rest -> first letter and last letter -> rest movements."""
        return _leads(self.timing, fps)

    def unit_frames(self, text: str, language: str | Language, *, seed: int | None = None,
                    fps: float | None = None) -> tuple[str, list[int]]:
        """(gloss, frames of each gloss unit) of the sequence `generate` makes with this seed.

        Units are the gloss's letters and punctuation marks in order; a letter owns its
        transition and hold (the first also the rest frame and lead-in, the last the lead-out
        and rest frame), a pause belongs to the punctuation mark it marks or else to the
        letter before it. The counts sum to the sequence's frames: the per-token alignment a
        duration-based decoder trains on (training/corpus/build.py writes it as .durations).
        """
        lang = get_language(language)
        fps = float(fps or self.fps)
        plan = self.plan(text, lang, fps, np.random.default_rng(seed) if seed is not None else None)
        if any(not isinstance(item, Step) for item in plan.items):
            raise BadInputError("unit frames are defined for fingerspelled text only "
                                "(this plan uses lexicon signs)")
        units = plan.gloss.replace("-", " ").split()
        frames = [0] * len(units)
        lead_in, lead_out = self._leads(fps)
        k = -1
        for step in plan.items:
            if step.kind == "pause":
                marks = k + 1 < len(units) and units[k + 1] in PUNCTUATION
                frames[k + 1 if marks else k] += step.frames
                continue
            following = next((j for j in range(k + 1, len(units)) if units[j] not in PUNCTUATION),
                             len(units))
            if following == len(units) or units[following] != step.unit:
                raise ValueError(f"gloss {plan.gloss!r} and schedule disagree at {step.unit!r}")
            frames[following] += step.frames + (1 + lead_in if k < 0 else step.transition)
            k = following
        if k >= 0:
            frames[k] += lead_out + 1
        return plan.gloss, frames


def _word_spans(plan: Plan, spans: list) -> dict[int, WordSpan]:
    """Per word report: the frames of its sign (a spelled word: first to last letter), its
    spoken phrase and the notation's non-manual tiers."""
    grouped: dict[int, tuple[Source, int, int, NonManual]] = {}
    for item, source, span in zip(plan.items, plan.sources, spans):
        if source is None or span is None:
            continue
        if source.report in grouped:
            _, start, _, nonmanual = grouped[source.report]
            grouped[source.report] = (source, start, span[1], nonmanual)
        else:
            notated = not isinstance(item, Step) and item[0] == "notated"
            grouped[source.report] = (source, span[0], span[1],
                                      _nonmanual(item[1]) if notated else NonManual())
    return {report: WordSpan(src.phrase, start, end, src.token, src.gloss, src.fingerspelled,
                             nonmanual)
            for report, (src, start, end, nonmanual) in grouped.items()}


def _leads(timing: Timing, fps: float) -> tuple[int, int]:
    return (max(1, int(round(timing.lead_in * fps))), max(1, int(round(timing.lead_out * fps))))


@dataclass(frozen=True)
class Variation:
    """How one rendering of a plan differs from the default signer (corpus variation).

    speed       > 1 signs faster: every segment's poses and the transitions into them are
                time-resampled to 1/speed of their frames (done here, on the segments; the
                synthesiser has no speed knob)
    transition  scale of the frames of each sign-to-sign / letter-to-letter transition
    body        `signllm.synthesis.Body` whose proportions the notated signs and the rest pose
                take (None: the default body); the fingerspelling clips keep their signer's
    left_handed the whole sentence mirrored (x negated, left and right joints swapped), so the
                dominant hand is the left one, letters included
    """
    speed: float = 1.0
    transition: float = 1.0
    body: object = None
    left_handed: bool = False


_MIRROR = np.r_[0, 1, 5, 6, 7, 2, 3, 4, R_HAND, L_HAND]


def mirror(joints: np.ndarray) -> np.ndarray:
    """(T, 50, 3) or (T, 50) mirrored left <-> right: the same signing by a left-handed signer."""
    out = np.asarray(joints)[:, _MIRROR].copy()
    if out.ndim == 3:
        out[..., 0] *= -1
    return out


def gloss_units(gloss: str) -> list[str]:
    """The units of a gloss that `.durations` counts frames of: tokens split on hyphens
    (a sign, a fingerspelled letter, a punctuation mark), as the trainer's tokenizer reads them."""
    return gloss.replace("-", " ").split()


class Rendering(NamedTuple):
    joints: np.ndarray                       # (T, 50, 3)
    confidence: np.ndarray                   # (T, 50)
    unit_frames: list[int]                   # frames of each gloss unit, summing to T
    spans: list[tuple[int, int] | None]      # per plan item: frames [start, end) of its own poses


def render_plan(plan: Plan, language: Language, fps: float, *, timing: Timing = Timing(),
                variation: Variation | None = None) -> Rendering:
    """A plan's poses, with the frames of each gloss unit and of each plan item's own poses.

    The frames per unit (`gloss_units(plan.gloss)`) sum to T, the alignment a duration-based
    decoder trains on and a corpus cuts signs by: a unit owns the transition into it and its
    poses (the first also the rest frame and the lead-in, the last the lead-out and the final
    rest frame); a pause belongs to the punctuation mark that follows, else to the unit before
    it; a sign whose gloss has several units (`CD-ROM`) gives its frames to the first.
    """
    v = variation or Variation()
    alphabet = None
    root = None
    segments: list[Segment] = []
    owners: list[int] = []        # the gloss unit each segment belongs to
    items: list[tuple[int, int]] = []   # per segment: its plan item, frames of its own poses
    transition = max(1, int(round(timing.transition * fps)))
    signed = uses_notated_signs(plan)
    units = gloss_units(plan.gloss)
    frames = [0] * len(units)
    k = -1                        # the unit of the last segment
    pause_after = 0
    clips = []

    def next_unit(count: int) -> int:
        nonlocal k
        j = next((j for j in range(k + 1, len(units)) if units[j] not in PUNCTUATION), len(units))
        if j + count > len(units):
            raise ValueError(f"gloss {plan.gloss!r} and plan disagree after unit {k}")
        k = j + count - 1
        return j

    for index, item in enumerate(plan.items):
        if isinstance(item, Step) and item.kind == "pause":
            pause_after += item.frames
            continue
        if isinstance(item, Step):
            alphabet = alphabet or get_alphabet(language)
            root = root or package_alphabet_dir()
            seg = letter_segment(item, alphabet, root, timing)
            seg = at_spelling_depth(seg) if signed else seg
            clips.append(load_clip(root / alphabet.letters[item.unit].path))
            count = 1
        elif item[0] == "notated":
            seg = notated_segment(item[1], fps, max(transition, int(round(SIGN_TRANSITION_S * fps))),
                                  body=v.body)
            count = max(1, len(gloss_units(item[1].gloss)))
        else:
            seg = sign_segment(item[1], fps, transition)
            clips.append(load_clip(item[1].path, item[1].start_ms, item[1].end_ms))
            count = max(1, len(gloss_units(item[1].glosses or "x")))
        if v.speed != 1.0 or v.transition != 1.0:
            n = max(1, int(round(len(seg.poses) / v.speed)))
            seg = Segment(resample(seg.poses, n).astype(np.float32) if n != len(seg.poses)
                          else seg.poses, seg.confidence,
                          max(1, int(round(seg.transition * v.transition / v.speed))))
        if pause_after and segments:
            last = segments[-1]
            last.poses = np.concatenate([last.poses, np.repeat(last.poses[-1:], pause_after, 0)])
            if k + 1 < len(units) and units[k + 1] in PUNCTUATION:   # counted below in k's poses
                frames[k + 1] += pause_after
                frames[k] -= pause_after
        pause_after = 0
        segments.append(seg)
        owners.append(next_unit(count))
        items.append((index, len(seg.poses)))
    if not segments:
        raise BadInputError(f"nothing to render in {plan.gloss!r}")
    lead_in, lead_out = _leads(timing, fps)
    starts: list[int] = []
    for i, (seg, owner) in enumerate(zip(segments, owners)):
        frames[owner] += len(seg.poses) + (1 + lead_in if i == 0 else seg.transition)
    frames[owners[-1]] += lead_out + 1
    if signed:  # the synthesiser's rest: both hands known, low in front of the body
        from .synthesis import rest_pose

        rest = rest_pose(v.body)
        joints, confidence = render(segments, rest, rest, lead_in, lead_out, starts=starts)
    else:
        rest_confidence = ((clips[0].confidence[0] > 0).astype(np.float32),
                           (clips[-1].confidence[-1] > 0).astype(np.float32))
        joints, confidence = render(segments, clips[0].joints[0], clips[-1].joints[-1], lead_in,
                                    lead_out, rest_confidence=rest_confidence, starts=starts)
    if v.left_handed:
        joints, confidence = mirror(joints), mirror(confidence)
    if sum(frames) != len(joints):
        raise ValueError(f"unit frames sum to {sum(frames)}, the rendering has {len(joints)}")
    spans: list[tuple[int, int] | None] = [None] * len(plan.items)
    for (index, own), start in zip(items, starts):
        spans[index] = (start, start + own)
    return Rendering(joints, confidence, frames, spans)


def _nonmanual(sign) -> NonManual:
    """The notation's own non-manual tiers (SiGML mouth picture in SAMPA, head, brow, lid and
    gaze codes), if it has them."""
    from .sign_lexicon import describe

    try:
        return describe(sign).nonmanual
    except SignLLMError:
        return NonManual()


def _frames(joints: np.ndarray, confidence: np.ndarray,
            face: Composition | None = None) -> Iterator[Frame]:
    for i, (j, c) in enumerate(zip(joints, confidence)):
        yield Frame(j, c, face=face.track.frame(i) if face is not None else None)


def load_lexicon_generator(lexicon: str | Path | None = None, face: bool | FaceOptions = True,
                           **_) -> LexiconGenerator:
    """Factory registered in `signllm.generation.GENERATORS`."""
    return LexiconGenerator(lexicon=lexicon, face=face)
