"""Train the continuous sign (gloss) recogniser on a lexical corpus's ground-truth poses.

    python -m training.recognizer.train_gloss --corpus runs/corpus_sgg \\
        --out training/recognizer/gloss_recognizer.pt [--steps 4000] [--log runs/gloss_rec]

Only the corpus's train split is trained on (never generated poses), with augmentation (time
stretch, temporal blur, rotation, scale, joint noise: `train.augment`); the dev split chooses
the checkpoint (best dev GER, checked every --eval-every steps). The log folder gets
metrics.csv and last.pt; the --out checkpoint is the best one (written atomically).
"""
from __future__ import annotations

import argparse
import csv
import logging
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from signllm.atomic import atomic_path
from signllm.formats import read
from training.entry import entry_point

from .gloss import (GlossRecognizer, GlossRecognizerConfig, class_names, gloss_error_rate,
                    gloss_tokens, targets)
from .model import features
from .train import augment

log = logging.getLogger(__name__)
DEFAULT_OUT = Path(__file__).resolve().parent / "gloss_recognizer.pt"


def load_split(folder: Path, split: str) -> list[tuple[np.ndarray, str]]:
    """(joints (T, 50, 3), gloss) of one split of a lexical corpus language folder."""
    sequences = read(folder / f"{split}.skels")
    glosses = (folder / f"{split}.gloss").read_text(encoding="utf-8").splitlines()
    if len(glosses) != len(sequences):
        raise ValueError(f"{folder}/{split}: {len(glosses)} glosses for {len(sequences)} clips")
    return [(s.joints, g) for s, g in zip(sequences, glosses)]


def language_folder(corpus: Path) -> Path:
    return corpus / "sgg" if (corpus / "sgg" / "train.skels").is_file() else corpus


def make_batch(items, index, rng: np.random.Generator | None, stride: int):
    """Padded features, lengths, concatenated targets, target lengths (augmented when rng)."""
    feats = [features((augment(j, rng) if rng is not None else j)[::stride]) for j, _ in items]
    ys = [targets(g, index) for _, g in items]
    lengths = torch.tensor([len(f) for f in feats])
    x = torch.zeros(len(feats), int(lengths.max()), feats[0].shape[1])
    for i, f in enumerate(feats):
        x[i, :len(f)] = torch.from_numpy(f)
    return x, lengths, torch.tensor([t for y in ys for t in y]), torch.tensor([len(y) for y in ys])


def evaluate(model: GlossRecognizer, items) -> float:
    refs = [gloss_tokens(g) for _, g in items]
    return gloss_error_rate(refs, [model.recognise(j) for j, _ in items])


def train(corpus: Path, out: Path, steps: int = 4000, batch_size: int = 24, seed: int = 0,
          lr: float = 2e-3, eval_every: int = 250, max_eval: int = 200, hidden: int = 160,
          log_dir: Path | None = None, threads: int | None = None, progress: bool = True,
          items: list | None = None, dev: list | None = None, augment_data: bool = True,
          stop_ger: float | None = None) -> dict:
    """Train; returns {"seconds", "best_dev_ger", "best_step", "classes"}. `items`/`dev` replace
    the corpus splits (tests); training stops early once the dev GER is <= `stop_ger`."""
    torch.manual_seed(seed)
    if threads:
        torch.set_num_threads(threads)
    rng = np.random.default_rng(seed)
    folder = language_folder(corpus) if corpus else None
    items = items if items is not None else load_split(folder, "train")
    dev = dev if dev is not None else load_split(folder, "dev")[:max_eval]
    # the class inventory: the lexicon glosses the corpus uses (every split's glosses name
    # signs of one lexicon; only train poses are learned from)
    every = [g for _, g in items] + [g for _, g in dev]
    if folder is not None:
        for split in ("test", "test_bigram"):
            path = folder / f"{split}.gloss"
            if path.is_file():
                every += path.read_text(encoding="utf-8").splitlines()
    classes = class_names(every)
    index = {c: i for i, c in enumerate(classes)}
    model = GlossRecognizer(GlossRecognizerConfig(classes, hidden=hidden))
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=steps,
                                                    pct_start=0.1)
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    start = time.time()
    best, best_step, rows = float("inf"), -1, []
    if log_dir:
        log_dir.mkdir(parents=True, exist_ok=True)
    bar = tqdm(range(1, steps + 1), desc="gloss recogniser", disable=not progress)
    for step in bar:
        model.train()
        batch = [items[i] for i in rng.integers(0, len(items), min(batch_size, len(items)))]
        x, lengths, y, y_lengths = make_batch(batch, index, rng if augment_data else None,
                                              model.config.stride)
        logp = model(x)
        loss = ctc(logp.transpose(0, 1), y, lengths, y_lengths)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        scheduler.step()
        if step % 25 == 0:
            bar.set_postfix(loss=f"{loss.item():.3f}")
        if step % eval_every == 0 or step == steps:
            ger = evaluate(model, dev)
            rows.append({"step": step, "loss": round(loss.item(), 4), "dev_ger": round(ger, 4),
                         "seconds": round(time.time() - start, 1)})
            log.info("step %d loss %.3f dev GER %.4f", step, loss.item(), ger)
            if progress:
                tqdm.write(f"step {step}: loss {loss.item():.3f}, dev GER {ger:.4f}")
            if ger < best:
                best, best_step = ger, step
                with atomic_path(out) as tmp:
                    torch.save({**model.checkpoint(), "dev_ger": ger, "step": step, "seed": seed,
                                "corpus": str(corpus)}, tmp)
            if log_dir:
                with atomic_path(log_dir / "last.pt") as tmp:
                    torch.save({**model.checkpoint(), "step": step, "seed": seed}, tmp)
                with open(log_dir / "metrics.csv", "w", newline="") as handle:
                    writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                    writer.writeheader()
                    writer.writerows(rows)
            if stop_ger is not None and ger <= stop_ger:
                break
    return {"seconds": round(time.time() - start, 1), "best_dev_ger": best, "best_step": best_step,
            "classes": len(classes), "parameters": sum(p.numel() for p in model.parameters())}


@entry_point
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.recognizer.train_gloss",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="a lexical corpus "
                        "(python -m training.corpus.build --lexical)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="best checkpoint")
    parser.add_argument("--log", type=Path, default=None, help="folder for metrics.csv, last.pt")
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=24)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--hidden", type=int, default=160)
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--max-eval", type=int, default=200, help="dev items scored")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    args = parser.parse_args(argv)
    result = train(args.corpus, args.out, args.steps, args.batch, args.seed, args.lr,
                   args.eval_every, args.max_eval, args.hidden, args.log, args.threads)
    print(f"wrote {args.out}: {result}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
