"""Train the fingerspelling recogniser on the real clips, with augmentation.

    python -m training.recognizer.train --out training/recognizer/recognizer.pt

Training sequences are the real letter clips joined by the lexicon generator (random timing)
for (a) TRAINING-split words only — dev/test words stay unseen, exactly as in the corpus —
and (b) random letter strings, so every letter appears and the recogniser cannot lean on a
word prior. Augmentation: time stretch, temporal blur, rotation, scale, joint noise.
"""
from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import numpy as np
import torch
from scipy.ndimage import gaussian_filter1d
from tqdm import tqdm

from signllm.atomic import atomic_path
from signllm.fingerspelling import covered_languages, get_alphabet
from signllm.languages import get_language
from signllm.lexicon import LexiconGenerator, resample
from training.corpus.build import SHARED_DATA, BuildOptions, make_items
from training.entry import entry_point

from .model import SPACE, Recognizer, RecognizerConfig, features, letter_error_rate

log = logging.getLogger(__name__)
DEFAULT_OUT = Path(__file__).resolve().parent / "recognizer.pt"


def letters_of(gloss: str) -> list[list[str]]:
    """'H-E-L-L-O , W-O-R-L-D' -> [['H','E','L','L','O'], ['W','O','R','L','D']]."""
    return [token.split("-") for token in gloss.split() if token not in ",;:.!?"]


def random_strings(language: str, count: int, rng: np.random.Generator) -> list[str]:
    units = list(get_alphabet(language).letters)
    texts = []
    for _ in range(count):
        words = ["".join(rng.choice(units, int(rng.integers(2, 7))))
                 for _ in range(int(rng.integers(1, 3)))]
        texts.append(" ".join(words))
    return texts


def render_pool(languages: list[str], per_language: int, seed: int, shared_data: Path,
                progress: bool = True) -> list[tuple[str, np.ndarray, list[list[str]]]]:
    """(language, joints, letters per word) for training-split words and random strings."""
    rng = np.random.default_rng(seed)
    generator = LexiconGenerator(builtin_signs=False)   # letters only: a fingerspelling recogniser
    pool = []
    for language in languages:
        opts = BuildOptions(Path("."), (language,), {"train": per_language // 2, "dev": 0, "test": 0},
                            seed=seed, shared_data=shared_data)
        texts = make_items(language, opts, rng)["train"] + random_strings(language, per_language // 2, rng)
        for text in tqdm(texts, desc=f"render {language}", disable=not progress, leave=False):
            stream = generator.stream(text, get_language(language), seed=int(rng.integers(2**31)))
            letters = letters_of(stream.info.gloss)
            if letters:
                pool.append((language, stream.collect().joints, letters))
    return pool


def augment(joints: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    stretch = rng.uniform(0.75, 1.35)
    joints = resample(joints, max(8, int(round(len(joints) * stretch))))
    if rng.random() < 0.5:
        joints = gaussian_filter1d(joints, rng.uniform(0.5, 2.0), axis=0, mode="nearest")
    a, b = np.radians(rng.uniform(-10, 10)), np.radians(rng.uniform(-20, 20))
    rz = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    joints = joints @ (rz @ ry).T.astype(np.float32) * rng.uniform(0.85, 1.15)
    return (joints + rng.normal(0, 0.004, joints.shape)).astype(np.float32)


def targets(language: str, letters: list[list[str]], index: dict[str, int]) -> list[int]:
    out = []
    for i, word in enumerate(letters):
        if i:
            out.append(index[SPACE])
        out += [index[f"{language}:{u}"] for u in word]
    return out


def batch(items, index, rng, stride: int):
    feats = [features(augment(j, rng)[::stride]) for _, j, _ in items]
    lengths = torch.tensor([len(f) for f in feats])
    x = torch.zeros(len(feats), int(lengths.max()), feats[0].shape[1])
    for i, f in enumerate(feats):
        x[i, :len(f)] = torch.from_numpy(f)
    ys = [targets(lang, letters, index) for lang, _, letters in items]
    return x, lengths, torch.tensor([t for y in ys for t in y]), torch.tensor([len(y) for y in ys])


def evaluate(model: Recognizer, items) -> float:
    refs, hyps = [], []
    for language, joints, letters in items:
        refs.append([u for w in letters for u in w])
        hyps.append(model.recognise(joints, language))
    return letter_error_rate(refs, hyps)


def train(languages: list[str], out: Path, steps: int, per_language: int, batch_size: int,
          seed: int, shared_data: Path, threads: int | None = None) -> dict:
    torch.manual_seed(seed)
    if threads:
        torch.set_num_threads(threads)
    rng = np.random.default_rng(seed)
    pool = render_pool(languages, per_language, seed, shared_data)
    held = [pool[i] for i in rng.choice(len(pool), min(200, len(pool) // 10), replace=False)]
    classes = ["<blank>", SPACE] + [f"{lang}:{u}" for lang in languages for u in get_alphabet(lang).letters]
    index = {c: i for i, c in enumerate(classes)}
    model = Recognizer(RecognizerConfig(classes))
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=2e-3, total_steps=steps,
                                                    pct_start=0.1)
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    start = time.time()
    bar = tqdm(range(steps), desc="recogniser")
    for step in bar:
        model.train()
        items = [pool[i] for i in rng.integers(0, len(pool), batch_size)]
        x, lengths, y, y_lengths = batch(items, index, rng, model.config.stride)
        logp = model(x, lengths)
        loss = ctc(logp.transpose(0, 1), y, lengths, y_lengths)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        scheduler.step()
        if step % 50 == 0:
            bar.set_postfix(loss=f"{loss.item():.3f}")
    ler = evaluate(model, held)
    with atomic_path(out) as tmp:
        torch.save({**model.checkpoint(), "train_ler_sample": ler, "steps": steps, "seed": seed,
                    "languages": languages}, tmp)
    return {"seconds": time.time() - start, "ler_on_training_renders": ler, "classes": len(classes)}


@entry_point
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.recognizer.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--languages", default=",".join(covered_languages()))
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--per-language", type=int, default=1600,
                        help="rendered training sequences per language (half words, half random)")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--shared-data", type=Path, default=SHARED_DATA)
    args = parser.parse_args(argv)
    result = train(args.languages.split(","), args.out, args.steps, args.per_language, args.batch,
                   args.seed, args.shared_data, args.threads)
    print(f"wrote {args.out}: {result}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
