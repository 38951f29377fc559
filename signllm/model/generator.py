"""The SignLLM model as a `signllm.generation.Generator` (used by the CLI and the gRPC server).

Text path: the sentence (taken out of any prompt by signllm.request.resolve, with this
checkpoint's learned prompt frames when it has its own) -> the checkpoint's gloss front-end
-> plain gloss (MLSF: the language's group) or LangGloss (Prompt2LangGloss: the shared group)
-> token ids -> frames decoded one at a time until the model's own counter reaches 1 (or, for a
durations-decoder checkpoint, all at once from the model's predicted token durations).
`StreamInfo.gloss` is the exact model input, so users see what the model understood.

Decoding is deterministic (no sampling), so `seed` changes nothing but the face's blinks.
Frames come at the checkpoint's fps; another `fps` is produced by linear interpolation in time
while streaming.

The face (on unless `face=False`) needs each word's frames, and only a durations decoder knows
them: it gives every token its frame count before decoding, so the gloss words' spans are the
model's own timing. A fingerspelled gloss word (`H-E-I-S-S-E`) is mouthed as its letters read
as a word ("heisse") with the eyes on the spelling hand, a sign gloss (`KIND`) as its lemma, and
the gloss's "?" and negations give brows and headshakes (`signllm.face.timeline`). A counter
decoder learns where to stop, not where its words lie: it streams without a face.
"""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Iterator

import numpy as np
import torch

from ..coverage import language_checkpoints
from ..errors import BadInputError, ModelError, NoDataError
from ..face.timeline import Composition, FaceOptions, WordSpan, compose
from ..generation import Frame, GenerationStream, Generator, StreamInfo, WordReport
from ..fingerspelling import PHRASE_PUNCTUATION, SENTENCE_PUNCTUATION, spell_gloss
from ..langgloss import gloss_tokens, is_spelled, to_langgloss
from ..languages import Language, get_language
from ..pose import PoseSequence
from ..sign_lexicon import VARIANT
from ..skeleton import NECK
from ..prompt_frames import PromptFrames
from ..text import tokens as tokenize
from . import checkpoint as ckpt
from .checkpoint import SignLLMModel
from .decoding import decode_steps, generate_batch, pad_ids
from .network import DurationText2Pose
from .tokenizer import UNK, encode, word_frames

log = logging.getLogger(__name__)
PUNCTUATION = PHRASE_PUNCTUATION + SENTENCE_PUNCTUATION

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "models"
TRAIN_HINT = ("train one with `python -m training.train --config training/configs/NAME.yaml` "
              "(see docs/model.md) and pass its model.pt")


UNSEEN_RADIUS = 0.02  # metres: the training clips store a joint never detected at the neck


def observed(joints: np.ndarray) -> np.ndarray:
    """Confidence (T, J) of generated joints: 0 for a joint the model puts at the neck, which is
    how its training data wrote an unseen hand (a joint never seen is missing, not at the origin)."""
    far = np.linalg.norm(joints - joints[:, NECK:NECK + 1], axis=-1) >= UNSEEN_RADIUS
    far[:, NECK] = True
    return far.astype(np.float32)


def default_checkpoint(mode: str) -> Path:
    return ASSETS / f"{mode}.pt"


def resample_stream(frames: Iterator[Frame], fps_in: float, fps_out: float) -> Iterator[Frame]:
    """Linear interpolation in time of a frame stream (fps_in -> fps_out), without buffering."""
    prev: Frame | None = None
    index_in, next_out = -1, 0.0    # next output time, in input-frame units
    step = fps_in / fps_out
    for frame in frames:
        index_in += 1
        if prev is None:
            prev = frame
        while next_out <= index_in:
            w = next_out - (index_in - 1) if index_in else 0.0
            a = prev if index_in else frame
            yield Frame(((1 - w) * a.joints + w * frame.joints).astype(np.float32),
                        np.minimum(a.confidence, frame.confidence), frame.counter)
            next_out += step
        prev = frame


def learned(tok, gloss: str) -> bool:
    """Whether the model learned this sign: its tokenizer, trained on the corpus glosses, holds
    it whole. A sign it never saw, or saw too rarely to keep whole (the 15 of the shipped DSGS
    corpus's 189 that only its 10 real sentences use), is cut into pieces, for which the model
    would make up motion."""
    ids = tok.encode(gloss).ids
    return len(ids) == 1 and ids[0] != tok.token_to_id(UNK)


def spell_unlearned(tok, tokens: list[str], lang: Language) -> tuple[list[str], list[WordReport]]:
    """Lexicon gloss tokens with the signs the model never learned fingerspelled instead, as
    the corpus spells words outside its vocabulary, and each token's word report."""
    out, reports = [], []
    for token in tokens:
        if is_spelled(token) or token in PUNCTUATION or learned(tok, token):
            out.append(token)
            reports.append(WordReport(token, "model"))
            continue
        spelled = spell_gloss(VARIANT.sub("", token).replace("_", " "), lang).split()
        out.extend(spelled)
        reports.append(WordReport(token, "fingerspelled", f"this model never learned the sign "
                                  f"{token}; spelled {' '.join(spelled) or '(nothing)'}"))
    return out, reports


def spoken_form(gloss: str) -> tuple[str, bool]:
    """(the word a gloss token is mouthed as, whether it is fingerspelled): H-E-I-S-S-E ->
    ("heisse", True), KIND -> ("kind", False); a lexicon sign's variant mark and attached
    punctuation are not spoken (GEHEN_A -> "gehen", WO? -> "wo", NICHTS_ZU_TUN -> "nichts zu
    tun"), so the question is the sentence's, not the sign's; punctuation stays itself."""
    letters = gloss.split("-")
    spelled = len(letters) > 1 and all(u.isalpha() for u in letters)
    if spelled:
        return "".join(letters).lower(), True
    word = re.sub(r"_(?:[A-Za-z]|\d+)$", "", gloss.rstrip("?!.,")) if any(
        c.isalnum() for c in gloss) else gloss
    return word.replace("_", " ").lower(), False


def gloss_face(info: StreamInfo, spans: list[tuple[int, int]], keypoints: tuple, fps: float,
               options: FaceOptions, seed: int | None) -> Composition:
    """The face of the model's gloss words on their frame `spans` (one per `info.words`);
    `keypoints` = (joints, confidence) of the decoded frames. Each word report gets its frames
    and how it was mouthed."""
    forms = [spoken_form(w.word) for w in info.words]
    sentence = " ".join(form for form, _ in forms)
    reports, token = {}, 0
    for (form, spelled), report, (start, end) in zip(forms, info.words, spans):
        report.frames = (start, end)
        if any(c.isalnum() for c in form):
            reports[WordSpan(form, start, end, token, report.word, spelled)] = report
        token += len(tokenize(form))
    joints, confidence = keypoints
    face = compose(sentence, list(reports), len(joints), fps, info.language.spoken, options,
                   seed, joints=joints, confidence=confidence, depth_known=False)
    for span, report in reports.items():
        if (mouthing := face.describe(span)) is not None:
            report.mouthing = mouthing
    return face


class SignLLMGenerator(Generator):
    name = "signllm"

    def __init__(self, model: SignLLMModel, device: str = "cpu", source: str = "",
                 face: bool | FaceOptions = True,
                 by_language: dict[str, tuple[SignLLMModel, str]] | None = None):
        """`by_language`: {ISO code: (model, source name)} for languages whose group was trained
        on its own vocabulary and front-end (the lexical DSGS group); they sign instead of `model`."""
        self.model = model
        self.device = torch.device(device)
        self.source = source
        self.by_language = dict(by_language or {})
        for m in [model] + [m for m, _ in self.by_language.values()]:
            m.net.to(self.device).eval()
        self.face = (face if isinstance(face, FaceOptions) else FaceOptions()) if face else None

    def without_face(self) -> "SignLLMGenerator":
        """The same model without the face channel."""
        if self.face is None:
            return self
        return SignLLMGenerator(self.model, str(self.device), self.source, face=False,
                                by_language=self.by_language)

    def model_for(self, lang: Language) -> tuple[SignLLMModel, str]:
        """The checkpoint that signs `lang` and its source name."""
        return self.by_language.get(lang.code, (self.model, self.source))

    @property
    def mode(self) -> str:
        return self.model.mode

    @property
    def prompt_frames(self) -> PromptFrames | None:
        return self.model.prompt_frames

    def prepare(self, sentence: str, lang: Language) -> tuple[StreamInfo, list[int]]:
        """What the model will sign (StreamInfo) and its token ids."""
        model, source_name = self.model_for(lang)
        if lang.code not in model.languages:
            raise NoDataError(f"this {self.mode} model was trained for "
                              f"{', '.join(model.languages)}, not {lang.code} "
                              f"({lang.signllm_name}); {TRAIN_HINT}")
        tokens = gloss_tokens(sentence, lang, model.frontend)
        reports = [WordReport(t, "model") for t in tokens]
        if model.frontend == "lexicon":
            tokens, reports = spell_unlearned(model.tokenizer, tokens, lang)
        if not tokens:
            raise BadInputError(f"nothing to sign: the {model.frontend!r} gloss front-end "
                                f"found no sign in {sentence!r}")
        source = to_langgloss(tokens, lang) if self.mode == "prompt" else " ".join(tokens)
        info = StreamInfo(language=lang, text=sentence, gloss=source, generator="signllm",
                          model=source_name, mode=self.mode, fps=model.fps,
                          words=reports, depth_known=False)
        return info, encode(model.tokenizer, source, model.config.max_tokens)

    def _frames(self, model: SignLLMModel, group: str, ids: list[int]) -> Iterator[Frame]:
        for frames, _running in decode_steps(model.net.group(group), [ids]):
            row = frames[0].cpu().numpy()[None]
            joints = model.denormalise(row)[0]
            yield Frame(joints, observed(joints[None])[0], float(row[0, -1]))

    def stream(self, sentence: str, language: Language, *,
               seed: int | None = None, fps: float | None = None) -> GenerationStream:
        info, ids = self.prepare(sentence, language)
        model, _ = self.model_for(info.language)
        group = model.group_name(info.language.code)
        if fps is not None and fps != model.fps:
            if not (np.isfinite(fps) and fps > 0):
                raise BadInputError(f"fps must be a positive number, got {fps}")
            info.fps = float(fps)
        if self.face is not None and isinstance(model.net.group(group), DurationText2Pose):
            return self._with_face(model, info, group, ids, seed)
        frames = self._frames(model, group, ids)
        if info.fps != model.fps:
            frames = resample_stream(frames, model.fps, info.fps)
        return GenerationStream(info, frames)

    def _with_face(self, model: SignLLMModel, info: StreamInfo, group: str, ids: list[int],
                   seed: int | None) -> GenerationStream:
        """All frames at once (as a durations decoder makes them), with the face timed on the
        model's own token durations."""
        net = model.net.group(group)
        src, pad = pad_ids([ids], self.device)
        rows, lengths, durations = net.generate_with_durations(src, pad, net.cfg.max_frames)
        rows = rows[0, :int(lengths[0])].cpu().numpy()
        joints = model.denormalise(rows)
        frames = [Frame(j, c, float(r[-1])) for j, c, r in zip(joints, observed(joints), rows)]
        scale = info.fps / model.fps
        if scale != 1:
            frames = list(resample_stream(iter(frames), model.fps, info.fps))
        spans = [(min(len(frames), round(a * scale)), min(len(frames), round(b * scale)))
                 for a, b in word_frames(model.tokenizer, info.gloss, durations[0].tolist(),
                                         len(ids))]
        keypoints = (np.stack([f.joints for f in frames]), np.stack([f.confidence for f in frames]))
        face = gloss_face(info, spans, keypoints, info.fps, self.face, seed)
        info.face_names = face.track.names
        return GenerationStream(info, (Frame(f.joints, f.confidence, f.counter,
                                             face=face.track.frame(i))
                                       for i, f in enumerate(frames)))

    def generate_many(self, texts: list[str], language: str | Language,
                      batch_size: int = 32) -> list[PoseSequence]:
        """Batched generation: sentences of one group decode together, each stops on its own."""
        lang = get_language(language)
        model, _ = self.model_for(lang)
        group = model.group_name(lang.code)
        prepared = [self.prepare(t, lang) for t in texts]
        out: list[PoseSequence] = []
        for start in range(0, len(texts), batch_size):
            chunk = prepared[start:start + batch_size]
            frames = generate_batch(model.net.group(group), [ids for _, ids in chunk])
            for (info, _), f in zip(chunk, frames):
                joints = model.denormalise(f)
                out.append(PoseSequence(
                    joints, observed(joints), fps=model.fps, text=info.text,
                    gloss=info.gloss, language=info.language.code, name=info.text[:60],
                    depth_known=False, meta={"counter": f[:, -1].tolist()}))
        return out


def load_signllm_generator(mode: str = "mlsf", checkpoint: str | os.PathLike | None = None,
                           device: str = "cpu", model: str | os.PathLike | None = None,
                           face: bool | FaceOptions = True, **_options) -> SignLLMGenerator:
    """Load a checkpoint (default: the bundled signllm/assets/models/{mode}.pt, with the bundled
    per-language checkpoints of that mode, e.g. mlsf.sgg.pt, signing their languages)."""
    path = checkpoint or model
    by_language = {}
    if path is None:
        if mode not in ckpt.MODES:
            raise BadInputError(f"mode must be one of {', '.join(ckpt.MODES)}, got {mode!r}")
        path = default_checkpoint(mode)
        if not path.is_file():
            raise ModelError(f"no bundled {mode} model at {path}; {TRAIN_HINT}")
        by_language = {code: (ckpt.load(file), Path(file).name)
                       for code, file in language_checkpoints(mode).items()}
    loaded = ckpt.load(path)
    if mode and loaded.mode != mode:
        log.info("%s is a %s checkpoint; using it in that mode (asked: %s)", path, loaded.mode, mode)
    return SignLLMGenerator(loaded, device, Path(path).name, face=face, by_language=by_language)
