"""Prompt2Sign-format corpora for training: read with signllm.formats, normalise, batch.

Layout: CORPUS/<iso>/{train,dev,test}.{skels,text,gloss,files} (one folder per sign language),
or a single folder holding {split}.skels directly with `data.language` naming its language
(e.g. the Phoenix sample). Each clip becomes an `Example` whose model input string is built
from its gloss (or from its text through the checkpoint's gloss front-end), as plain gloss for
MLSF or as LangGloss for the Prompt2LangGloss model.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from signllm import formats
from signllm.errors import BadInputError, NoDataError
from signllm.langgloss import gloss_tokens, to_langgloss
from signllm.languages import get_language
from signllm.lexicon import mirror
from signllm.model.config import FRAME_DIM, STEP_DIM
from signllm.model.tokenizer import encode, token_durations

log = logging.getLogger(__name__)

STD_FLOOR_M = 0.01


@dataclass
class Example:
    language: str          # ISO code
    source: str            # model input string (gloss or LangGloss)
    frames: np.ndarray     # (T, FRAME_DIM) metres
    present: np.ndarray    # (T, FRAME_DIM) 1 where the joint was observed
    name: str = ""
    ids: list[int] | None = None
    unit_frames: list[int] | None = None   # frames per gloss unit ({split}.durations), if known
    durations: list[int] | None = None     # frames per token, from unit_frames at tokenisation


def language_folders(path: Path, data_cfg: dict) -> dict[str, Path]:
    split = data_cfg.get("train_split", "train")
    if (path / f"{split}.skels").exists():
        lang = data_cfg.get("language")
        if not lang:
            raise BadInputError("this corpus folder holds the splits directly: set data.language "
                                "to its sign language", path=path)
        return {get_language(lang).code: path}
    wanted = data_cfg.get("languages")
    found = {}
    for sub in sorted(p for p in path.iterdir() if p.is_dir()) if path.is_dir() else []:
        if (sub / f"{split}.skels").exists():
            found[get_language(sub.name).code] = sub
    if wanted:
        wanted = [get_language(w).code for w in wanted]
        missing = [w for w in wanted if w not in found]
        if missing:
            raise NoDataError(f"{path}: no {split}.skels for language(s) {', '.join(missing)}")
        found = {w: found[w] for w in wanted}
    if not found:
        raise NoDataError(f"{path}: no <iso>/{split}.skels corpus folders found")
    return found


def source_string(tokens: list[str], language: str, mode: str) -> str:
    return to_langgloss(tokens, language) if mode == "prompt" else " ".join(tokens)


def read_split(folders: dict[str, Path], split: str, mode: str, frontend: str, data_cfg: dict
               ) -> list[Example]:
    use = data_cfg.get("input", "gloss")
    max_frames = int(data_cfg.get("max_frames", 600))
    out = []
    for lang, folder in folders.items():
        path = folder / f"{split}.skels"
        if not path.exists():
            continue
        sequences = formats.read(path)
        alignment = read_durations(folder / f"{split}.durations", len(sequences))
        left = left_handed(folder / f"{split}.variation", len(sequences), data_cfg)
        for k, seq in enumerate(sequences):
            if use == "gloss" and seq.gloss:
                tokens = seq.gloss.split()
            elif seq.text:
                tokens = gloss_tokens(seq.text, lang, frontend)
            else:
                raise BadInputError(f"clip {k} has no {'gloss' if use == 'gloss' else 'text'}",
                                    path=path)
            if seq.num_frames < 2 or seq.num_frames > max_frames or not tokens:
                log.warning("%s clip %d skipped (%d frames, %d tokens; limit %d frames)",
                            path, k, seq.num_frames, len(tokens), max_frames)
                continue
            joints, confidence = seq.joints, seq.confidence
            if left[k]:
                joints, confidence = mirror(joints), mirror(confidence)
            present = np.repeat((confidence > 0)[:, :, None], 3, axis=2)
            out.append(Example(lang, source_string(tokens, lang, mode),
                               joints.reshape(seq.num_frames, FRAME_DIM),
                               present.reshape(seq.num_frames, FRAME_DIM).astype(np.float32),
                               seq.name or f"{lang}/{split}/{k}",
                               unit_frames=alignment[k] if alignment else None))
    return out


def left_handed(path: Path, count: int, data_cfg: dict) -> list[bool]:
    """Which clips to mirror to a right-handed signer: those whose {split}.variation line says
    `left_handed` when `data.dominant_hand` is "right". A text does not say who signs it, so a
    generator trained on both hands would learn their blend; none without the file."""
    hand = data_cfg.get("dominant_hand", "right")
    if hand not in ("right", "as-recorded"):
        raise BadInputError(f"data.dominant_hand must be 'right' or 'as-recorded', not {hand!r}")
    if hand == "as-recorded" or not path.is_file():
        return [False] * count
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) != count:
        raise BadInputError(f"{len(lines)} lines of variation for {count} clips", path=path)
    try:
        return [bool(json.loads(line).get("left_handed", False)) for line in lines]
    except (ValueError, AttributeError) as exc:
        raise BadInputError(f"a variation line is not a JSON object: {exc}", path=path) from None


def read_durations(path: Path, count: int) -> list[list[int]] | None:
    """Frames of each gloss unit per clip (one line of integers per clip), or None if absent."""
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) != count:
        raise BadInputError(f"{len(lines)} lines of durations for {count} clips", path=path)
    try:
        return [[int(x) for x in line.split()] for line in lines]
    except ValueError as exc:
        raise BadInputError(f"durations must be whole frame counts: {exc}", path=path) from None


def prompt_frames(folders: dict[str, Path], split: str):
    """Frames of the corpus's question prompts ({split}.prompt beside {split}.text), or None."""
    from signllm.prompt_frames import PromptFrames

    prompts, texts = [], []
    for folder in folders.values():
        p, t = folder / f"{split}.prompt", folder / f"{split}.text"
        if p.is_file() and t.is_file():
            lines_p = p.read_text(encoding="utf-8").splitlines()
            lines_t = t.read_text(encoding="utf-8").splitlines()
            if len(lines_p) != len(lines_t):
                raise BadInputError(f"{len(lines_p)} prompts but {len(lines_t)} texts", path=p)
            prompts += lines_p
            texts += lines_t
    frames = PromptFrames.from_filled(prompts, texts)
    return frames if frames else None


def aligned(examples: list[Example], where) -> list[Example]:
    """The examples whose token durations are known (the durations decoder trains on these)."""
    kept = [e for e in examples if e.durations is not None]
    if not kept:
        raise BadInputError("the durations decoder needs frames per gloss unit: a "
                            "{split}.durations file beside each {split}.skels, one line of "
                            "integers per clip (the fingerspelling corpus builder writes them); "
                            "or set model.decoder: counter", path=where)
    if len(kept) < len(examples):
        dropped = sorted({e.language for e in examples if e.durations is None})
        log.warning("%d of %d training clips (languages: %s) have no usable durations (missing, "
                    "not one per gloss unit, or longer than max_tokens) and are left out",
                    len(examples) - len(kept), len(examples), ", ".join(dropped))
    return kept


GUARD_MARGIN = 1.25


def length_guard(examples: list[Example], margin: float = GUARD_MARGIN) -> float:
    """Frames per source token a generation may take at most: the longest ratio in the
    training data, with a margin (a model whose counter never reaches 1 stops there)."""
    return round(margin * max(len(e.frames) / max(1, len(e.ids)) for e in examples), 3)


def normaliser(examples: list[Example], std_floor: float = STD_FLOOR_M) -> tuple[np.ndarray, np.ndarray]:
    """Per-coordinate mean and std over observed training frames (std floored at STD_FLOOR_M: near-constant coordinates such as the neck origin would otherwise dominate the loss and the noise)."""
    frames = np.concatenate([e.frames for e in examples])
    present = np.concatenate([e.present for e in examples])
    count = np.maximum(present.sum(0), 1)
    mean = (frames * present).sum(0) / count
    std = np.sqrt((((frames - mean) * present) ** 2).sum(0) / count)
    return mean.astype(np.float32), np.maximum(std, std_floor).astype(np.float32)


def tokenize(examples: list[Example], tokenizer, max_tokens: int) -> None:
    for e in examples:
        e.ids = encode(tokenizer, e.source, max_tokens)
        if e.unit_frames is not None:
            e.durations = token_durations(tokenizer, e.source, e.unit_frames, max_tokens)
            if e.durations is not None and sum(e.durations) != len(e.frames):
                e.durations = None


@dataclass
class Batch:
    src_ids: list[list[int]]
    steps_in: torch.Tensor    # (B, T, STEP) previous frame + counter, BOS first
    target: torch.Tensor      # (B, T, K, STEP) next K frames + counters
    mask: torch.Tensor        # (B, T, K, STEP) 1 where the target exists and was observed


def collate(examples: list[Example], mean: np.ndarray, std: np.ndarray, future: int) -> Batch:
    """Teacher-forcing batch; counters are (i+1)/T of the target frame (the model's own scale)."""
    width = max(len(e.frames) for e in examples)
    b = len(examples)
    steps = np.zeros((b, width + future, STEP_DIM), np.float32)
    seen = np.zeros((b, width + future, STEP_DIM), np.float32)
    for i, e in enumerate(examples):
        t = len(e.frames)
        steps[i, :t, :FRAME_DIM] = np.where(e.present > 0, (e.frames - mean) / std, 0.0)
        steps[i, :t, FRAME_DIM] = np.arange(1, t + 1) / t
        seen[i, :t, :FRAME_DIM] = e.present
        seen[i, :t, FRAME_DIM] = 1.0
    steps_in = np.concatenate([np.zeros((b, 1, STEP_DIM), np.float32), steps[:, : width - 1]], 1)
    target = np.stack([steps[:, k: k + width] for k in range(future)], 2)
    mask = np.stack([seen[:, k: k + width] for k in range(future)], 2)
    return Batch([e.ids for e in examples], torch.from_numpy(steps_in), torch.from_numpy(target),
                 torch.from_numpy(mask))


def write_toy_corpus(out: Path, languages: tuple[str, ...] = ("gsg", "sgg"), clips: int = 12,
                     seed: int = 0, frames_per_word: int = 8) -> Path:
    """A small synthetic Prompt2Sign-format corpus (OUT/<iso>/{train,dev}.skels + siblings,
    .durations included: every word lasts `frames_per_word` frames).

    Each word of a 6-word vocabulary per language moves the hands along its own trajectory for
    `frames_per_word` frames, so a model must read the gloss to get motion and length right.
    For fast tests and benchmarks of the training machinery, not for real signing.
    """
    from signllm.pose import PoseSequence

    rng = np.random.default_rng(seed)
    base = rng.normal(0.0, 0.12, (50, 3)).astype(np.float32)
    base[1] = 0.0  # neck origin
    for li, lang in enumerate(languages):
        vocab = [f"W{li}{k}" for k in range(6)]
        phases = rng.uniform(0, 2 * np.pi, (6, 42, 3))
        for split, count in (("train", clips), ("dev", max(2, clips // 4))):
            seqs = []
            for c in range(count):
                words = list(rng.choice(vocab, size=int(rng.integers(1, 4))))
                parts = []
                for w in words:
                    k = vocab.index(w)
                    t = np.linspace(0, 1, frames_per_word, endpoint=False)[:, None, None]
                    frames = np.repeat(base[None], frames_per_word, 0)
                    frames[:, 8:] += 0.05 * np.sin(2 * np.pi * (k + 1) * t + phases[k])
                    parts.append(frames)
                seqs.append(PoseSequence.from_joints(
                    np.concatenate(parts), gloss=" ".join(words), text=" ".join(words).lower(),
                    name=f"{lang}_{split}_{c}", language=lang))
            folder = Path(out) / lang
            folder.mkdir(parents=True, exist_ok=True)
            formats.write(folder / f"{split}.skels", seqs)
            (folder / f"{split}.durations").write_text(
                "".join(" ".join([str(frames_per_word)] * len(s.gloss.split())) + "\n" for s in seqs))
    return Path(out)
