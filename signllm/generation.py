"""The generator interface every text -> pose producer implements.

`stream(sentence, language)` is the primitive, with one meaning for every generator: `sentence`
is the text to sign (never a prompt: `signllm.request.resolve` has already taken it out of one)
and `language` a resolved `Language`. Each generator turns the sentence into its own input (the
SignLLM model: gloss or LangGloss by its checkpoint's front-end; the lexicon: words and letters)
and returns the information known before the first frame (the gloss it understood, how each word
will be produced) plus an iterator that yields frames as they are decoded. `generate()` collects
a stream into a `PoseSequence`.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from .face.track import FaceFrame, FaceTrack
from .languages import Language, get_language
from .pose import PoseSequence
from .prompt_frames import PromptFrames
from .skeleton import PROMPT2SIGN_50, Skeleton


@dataclass
class WordReport:
    """How one input word was produced, so nothing is dropped silently."""
    word: str
    how: str          # "model", "lexicon", "fingerspelled" or "skipped"
    detail: str = ""  # e.g. the lexicon clip, or why the word was skipped
    mouthing: str = ""  # how the face mouths it ("no mouthing: …" says why not); "" = no face
    frames: tuple[int, int] | None = None  # [start, end) of its sign's own motion, if known


@dataclass
class StreamInfo:
    language: Language
    text: str                      # the sentence that is signed (extracted from a prompt if any)
    gloss: str                     # gloss / LangGloss actually used
    generator: str                 # "signllm" or "lexicon"
    model: str = ""                # checkpoint name or lexicon description
    mode: str = ""                 # "mlsf" or "prompt" for the SignLLM model
    fps: float = 25.0
    skeleton: Skeleton = PROMPT2SIGN_50
    words: list[WordReport] = field(default_factory=list)
    depth_known: bool = True       # False when the frames' z is not measured (2D-trained output)
    face_names: tuple[str, ...] | None = None  # ARKit names of every frame's face weights; None: no face


@dataclass
class Frame:
    joints: np.ndarray       # (J, 3) float32, canonical frame
    confidence: np.ndarray   # (J,) float32
    counter: float | None = None  # the model's progress estimate in [0, 1], if it has one
    face: FaceFrame | None = None  # blendshape weights (in `StreamInfo.face_names` order), jaw, head, eyes


@dataclass
class GenerationStream:
    info: StreamInfo
    frames: Iterator[Frame]

    def collect(self) -> PoseSequence:
        frames = list(self.frames)
        joints = np.stack([f.joints for f in frames]) if frames else \
            np.zeros((0, self.info.skeleton.num_joints, 3), np.float32)
        conf = np.stack([f.confidence for f in frames]) if frames else \
            np.zeros((0, self.info.skeleton.num_joints), np.float32)
        face = None
        if self.info.face_names is not None and all(f.face is not None for f in frames):
            face = FaceTrack.from_frames(self.info.face_names, [f.face for f in frames],
                                         self.info.fps)
        return PoseSequence(joints, conf, fps=self.info.fps, skeleton=self.info.skeleton,
                            text=self.info.text, gloss=self.info.gloss,
                            language=self.info.language.code, name=self.info.text[:60],
                            depth_known=self.info.depth_known, face=face)


class Generator:
    """Base class: subclasses implement `stream`."""

    name = "generator"
    prompt_frames: PromptFrames | None = None  # its own learned prompt frames, if it has any

    def stream(self, sentence: str, language: Language, *,
               seed: int | None = None, fps: float | None = None) -> GenerationStream:
        raise NotImplementedError

    def without_face(self) -> "Generator":
        """This generator with its face channel off (a server request's `no_face`); itself when
        it makes no face."""
        return self

    def generate(self, sentence: str, language: str | Language, **options) -> PoseSequence:
        """`stream` collected; `language` may also be a name here (a convenience for scripts)."""
        return self.stream(sentence, get_language(language), **options).collect()


# name -> "module:factory"; each factory takes keyword options and returns a Generator.
GENERATORS = {
    "signllm": "signllm.model.generator:load_signllm_generator",
    "lexicon": "signllm.lexicon:load_lexicon_generator",
}
MODES = ("mlsf", "prompt")   # the SignLLM model's: one decoder per language, or Prompt2LangGloss
DEFAULT_GENERATOR = "lexicon"   # chosen by measurement: see MODEL_CARD.md, "Which generator"
DEFAULT_MODE = "mlsf"


def load_generator(name: str = "signllm", **options) -> Generator:
    """Build a generator by name ("signllm" or "lexicon") with its options."""
    from .errors import BadInputError

    try:
        module_name, factory = GENERATORS[name].split(":")
    except KeyError:
        raise BadInputError(f"unknown generator {name!r}; choose from {', '.join(GENERATORS)}") from None
    return getattr(importlib.import_module(module_name), factory)(**options)
