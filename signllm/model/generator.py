"""The SignLLM model as a `signllm.generation.Generator` (used by the CLI and the gRPC server).

Text path: the sentence (taken out of any prompt by signllm.request.resolve, with this
checkpoint's learned prompt frames when it has its own) -> the checkpoint's gloss front-end
-> plain gloss (MLSF: the language's group) or LangGloss (Prompt2LangGloss: the shared group)
-> token ids -> frames decoded one at a time until the model's own counter reaches 1 (or, for a
durations-decoder checkpoint, all at once from the model's predicted token durations).
`StreamInfo.gloss` is the exact model input, so users see what the model understood.

Decoding is deterministic (no sampling), so `seed` changes nothing; it is accepted for the
interface. Frames come at the checkpoint's fps; another `fps` is produced by linear
interpolation in time while streaming.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Iterator

import numpy as np
import torch

from ..errors import BadInputError, ModelError, NoDataError
from ..generation import Frame, GenerationStream, Generator, StreamInfo, WordReport
from ..langgloss import gloss_tokens, to_langgloss
from ..languages import Language, get_language
from ..pose import PoseSequence
from ..skeleton import NECK
from ..prompt_frames import PromptFrames
from . import checkpoint as ckpt
from .checkpoint import SignLLMModel
from .decoding import decode_steps, generate_batch
from .tokenizer import encode

log = logging.getLogger(__name__)

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


class SignLLMGenerator(Generator):
    name = "signllm"

    def __init__(self, model: SignLLMModel, device: str = "cpu", source: str = ""):
        self.model = model
        self.device = torch.device(device)
        self.model.net.to(self.device).eval()
        self.source = source

    @property
    def mode(self) -> str:
        return self.model.mode

    @property
    def prompt_frames(self) -> PromptFrames | None:
        return self.model.prompt_frames

    def prepare(self, sentence: str, lang: Language) -> tuple[StreamInfo, list[int]]:
        """What the model will sign (StreamInfo) and its token ids."""
        if lang.code not in self.model.languages:
            raise NoDataError(f"this {self.mode} model was trained for "
                              f"{', '.join(self.model.languages)}, not {lang.code} "
                              f"({lang.signllm_name}); {TRAIN_HINT}")
        tokens = gloss_tokens(sentence, lang, self.model.frontend)
        if not tokens:
            raise BadInputError(f"nothing to sign: the {self.model.frontend!r} gloss front-end "
                                f"found no sign in {sentence!r}")
        source = to_langgloss(tokens, lang) if self.mode == "prompt" else " ".join(tokens)
        info = StreamInfo(language=lang, text=sentence, gloss=source, generator="signllm",
                          model=self.source, mode=self.mode, fps=self.model.fps,
                          words=[WordReport(t, "model") for t in tokens], depth_known=False)
        return info, encode(self.model.tokenizer, source, self.model.config.max_tokens)

    def _frames(self, group: str, ids: list[int]) -> Iterator[Frame]:
        for frames, _running in decode_steps(self.model.net.group(group), [ids]):
            row = frames[0].cpu().numpy()[None]
            joints = self.model.denormalise(row)[0]
            yield Frame(joints, observed(joints[None])[0], float(row[0, -1]))

    def stream(self, sentence: str, language: Language, *,
               seed: int | None = None, fps: float | None = None) -> GenerationStream:
        info, ids = self.prepare(sentence, language)
        frames = self._frames(self.model.group_name(info.language.code), ids)
        if fps is not None and fps != self.model.fps:
            if not (np.isfinite(fps) and fps > 0):
                raise BadInputError(f"fps must be a positive number, got {fps}")
            frames = resample_stream(frames, self.model.fps, fps)
            info.fps = float(fps)
        return GenerationStream(info, frames)

    def generate_many(self, texts: list[str], language: str | Language,
                      batch_size: int = 32) -> list[PoseSequence]:
        """Batched generation: sentences of one group decode together, each stops on its own."""
        lang = get_language(language)
        prepared = [self.prepare(t, lang) for t in texts]
        out: list[PoseSequence | None] = [None] * len(texts)
        groups: dict[str, list[int]] = {}
        for i, (info, _) in enumerate(prepared):
            groups.setdefault(self.model.group_name(info.language.code), []).append(i)
        for group, rows in groups.items():
            for start in range(0, len(rows), batch_size):
                chunk = rows[start:start + batch_size]
                frames = generate_batch(self.model.net.group(group), [prepared[i][1] for i in chunk])
                for i, f in zip(chunk, frames):
                    info = prepared[i][0]
                    joints = self.model.denormalise(f)
                    out[i] = PoseSequence(
                        joints, observed(joints), fps=self.model.fps, text=info.text,
                        gloss=info.gloss, language=info.language.code, name=info.text[:60],
                        depth_known=False, meta={"counter": f[:, -1].tolist()})
        return out


def load_signllm_generator(mode: str = "mlsf", checkpoint: str | os.PathLike | None = None,
                           device: str = "cpu", model: str | os.PathLike | None = None,
                           **_options) -> SignLLMGenerator:
    """Load a checkpoint (default: the bundled signllm/assets/models/{mode}.pt)."""
    path = checkpoint or model
    if path is None:
        if mode not in ckpt.MODES:
            raise BadInputError(f"mode must be one of {', '.join(ckpt.MODES)}, got {mode!r}")
        path = default_checkpoint(mode)
        if not path.is_file():
            raise ModelError(f"no bundled {mode} model at {path}; {TRAIN_HINT}")
    loaded = ckpt.load(path)
    if mode and loaded.mode != mode:
        log.info("%s is a %s checkpoint; using it in that mode (asked: %s)", path, loaded.mode, mode)
    return SignLLMGenerator(loaded, device, Path(path).name)
