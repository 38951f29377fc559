"""Train a SignLLM model (MLSF or Prompt2LangGloss) on a Prompt2Sign-format corpus.

    python -m training.train --config training/configs/NAME.yaml [--out DIR] [--resume]
                             [--set train.max_steps=500 --set data.path=corpus/ ...]
                             [--train-languages sgg]
    torchrun --nproc_per_node 2 -m training.train --config ...     (data parallel, same command)

Writes into the output folder: model.pt (best validation DTW; what `signllm generate --model`
loads), last.pt (full training state for --resume, every `train.save_every` steps, atomically),
metrics.csv and curves.png (training curves).

Resume: last.pt holds step, optimiser, scheduler, RNG states (python, numpy, torch, the
sampler's generator), sampler position, PLC priorities, noise scales and history, so a run
killed with `kill -9` and resumed ends with the same parameters as an uninterrupted one.

Data parallel: under torchrun every rank draws the same batch indices and takes its share
(indices[rank::world]); gradients, rewards and error statistics are all-reduced (gloo on CPU,
NCCL on GPU), so every rank holds identical weights and makes the same skip/stop decisions.
Only rank 0 writes files.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import logging
import math
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

from signllm.errors import BadInputError, SignLLMError
from signllm.model import checkpoint as ckpt
from signllm.model.config import FRAME_DIM
from signllm.model.decoding import generate_batch, pad_ids
from training.entry import entry_point

from . import data as corpus
from .calibration import calibrate_durations
from .config import load_config
from .losses import (PriorityChannel, duration_loss, masked_losses,
                     repeat_frame_weights, reward, rl_loss)
from .setup import prepare

log = logging.getLogger("training.train")

# --------------------------------------------------------------------------- distributed

class Dist:
    """torchrun world (or a world of one)."""

    def __init__(self):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.device = torch.device("cpu")
        if self.world > 1:
            import torch.distributed as dist
            if torch.cuda.is_available():
                local = int(os.environ.get("LOCAL_RANK", "0"))
                torch.cuda.set_device(local)
                self.device = torch.device("cuda", local)
                dist.init_process_group("nccl")
            else:
                dist.init_process_group("gloo")
        elif torch.cuda.is_available() and os.environ.get("SIGNLLM_DEVICE", "") == "cuda":
            self.device = torch.device("cuda")

    @property
    def main(self) -> bool:
        return self.rank == 0

    def sum_(self, tensor: torch.Tensor) -> torch.Tensor:
        if self.world > 1:
            import torch.distributed as dist
            dist.all_reduce(tensor)
        return tensor

    def close(self):
        if self.world > 1:
            import torch.distributed as dist
            dist.destroy_process_group()


# --------------------------------------------------------------------------- state helpers

def rng_state() -> dict:
    name, keys, pos, has_gauss, cached = np.random.get_state()
    return {"python": random.getstate(), "torch": torch.get_rng_state(),
            "numpy": {"keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                      "has_gauss": int(has_gauss), "cached": float(cached)}}


def set_rng_state(state: dict) -> None:
    random.setstate(state["python"])
    torch.set_rng_state(state["torch"])
    n = state["numpy"]
    np.random.set_state(("MT19937", n["keys"].numpy().astype(np.uint32), n["pos"],
                         n["has_gauss"], n["cached"]))


def _tuplify(obj):
    """torch.load returns lists where random.getstate() had tuples."""
    return tuple(_tuplify(x) for x in obj) if isinstance(obj, (list, tuple)) else obj


class Sampler:
    """Batch indices: an epoch-seeded permutation, or PLC priority sampling."""

    def __init__(self, size: int, batch: int, seed: int, plc: PriorityChannel | None):
        self.size, self.batch, self.seed, self.plc = size, min(batch, size), seed, plc
        self.epoch, self.pos = 0, 0
        self.generator = torch.Generator().manual_seed(seed)

    def next(self) -> tuple[list[int], bool]:
        """(indices, True when this batch completes an epoch's worth of samples)."""
        if self.plc is not None:
            idx = self.plc.sample(self.batch, self.generator)
        else:
            perm = np.random.default_rng(self.seed + self.epoch).permutation(self.size)
            idx = perm[self.pos:self.pos + self.batch].tolist()
        self.pos += len(idx)
        ended = self.pos >= self.size
        if ended:
            self.epoch, self.pos = self.epoch + 1, 0
        return idx, ended

    def state_dict(self) -> dict:
        return {"epoch": self.epoch, "pos": self.pos, "generator": self.generator.get_state()}

    def load_state_dict(self, state: dict) -> None:
        self.epoch, self.pos = state["epoch"], state["pos"]
        self.generator.set_state(state["generator"])


def lr_lambda(cfg: dict):
    warm, total, floor = cfg["warmup_steps"], max(cfg["max_steps"], 1), cfg["min_lr_ratio"]

    def fn(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        progress = min(1.0, (step - warm) / max(1, total - warm))
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))
    return fn


# --------------------------------------------------------------------------- the run

class Trainer:
    def __init__(self, cfg: dict, out: Path, dist: Dist | None = None, progress: bool = True,
                 scorers: tuple = ()):
        """`scorers`: extra validation scores, each called with the generated dev poses (metres)
        and their examples in the same order, returning {name: value} for the history."""
        self.cfg, self.out, self.dist = cfg, Path(out), dist or Dist()
        self.scorers = tuple(scorers)
        self.progress = progress and self.dist.main
        t = cfg["train"]
        torch.set_num_threads(int(t["threads"]))
        random.seed(t["seed"]), np.random.seed(t["seed"]), torch.manual_seed(t["seed"])
        setup = prepare(cfg, self.dist.device)
        self.model, self.train_set, self.dev_set = setup.model, setup.train_set, setup.dev_set
        self.calibration_set = setup.calibration_set
        self.aux_name, self.aux_weight, self.repeat_weight = \
            setup.aux_name, setup.aux_weight, setup.repeat_weight
        self.plc = (PriorityChannel(len(self.train_set), cfg["plc"]["eta"],
                                    cfg["plc"]["skip_threshold"], cfg["plc"]["warmup_steps"])
                    if cfg["plc"]["enabled"] else None)
        self.sampler = Sampler(len(self.train_set), t["batch_size"], t["seed"], self.plc)
        params = [p for p in self.model.net.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(params, lr=t["lr"], weight_decay=t["weight_decay"])
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, lr_lambda(t))
        self.step = 0
        self.noise = torch.zeros(FRAME_DIM)          # per-coordinate noise std (normalised units)
        self.err_sum = torch.zeros(FRAME_DIM, dtype=torch.float64)
        self.err_count = torch.zeros(FRAME_DIM, dtype=torch.float64)
        self.best = math.inf
        self.bad_evals = 0
        self.history: list[dict] = []
        self.elapsed = 0.0      # wall time of steps + validation
        self.train_time = 0.0   # wall time of the training steps alone

    # ----- one step
    def _forward(self, examples):
        """Per-sample joint MSE, counter MSE (durations decoder: log-duration MSE), squared
        error of the first predicted frame."""
        net, k = self.model.net, self.model.config.future_frames
        joint_mse, counter_mse, sq_err, sq_cnt = [], [], torch.zeros(FRAME_DIM, dtype=torch.float64), \
            torch.zeros(FRAME_DIM, dtype=torch.float64)
        order = []
        by_group: dict[str, list[int]] = {}
        for i, e in enumerate(examples):
            by_group.setdefault(self.model.group_name(e.language), []).append(i)
        dev = self.dist.device
        for group, rows in by_group.items():
            batch = corpus.collate([examples[i] for i in rows], self.model.norm_mean,
                                   self.model.norm_std, k)
            src, pad = pad_ids(batch.src_ids, dev)
            target, mask = batch.target.to(dev), batch.mask.to(dev)
            if self.model.config.decoder == "durations":
                durations = pad_ids([examples[i].durations for i in rows], dev)[0]
                pred, log_durations = net.group(group)(src, pad, durations, target.shape[1])
                loss_mask = mask
                if self.repeat_weight != 1.0:
                    weights = repeat_frame_weights(src, durations, target.shape[1],
                                                   self.repeat_weight)
                    loss_mask = mask * weights[:, :, None, None]
                jm, _ = masked_losses(pred, target, loss_mask)
                cm = duration_loss(log_durations, durations, pad)
            else:
                pred = net.group(group)(src, pad, self._noisy(batch.steps_in).to(dev))
                jm, cm = masked_losses(pred, target, mask)
            joint_mse.append(jm)
            counter_mse.append(cm)
            order += rows
            with torch.no_grad():
                m = mask[:, :, 0, :FRAME_DIM].double().cpu()
                e = ((pred[:, :, 0, :FRAME_DIM] - target[:, :, 0, :FRAME_DIM]) ** 2).double().cpu()
                sq_err += (e * m).sum((0, 1))
                sq_cnt += m.sum((0, 1))
        inverse = torch.argsort(torch.tensor(order))
        return torch.cat(joint_mse)[inverse], torch.cat(counter_mse)[inverse], sq_err, sq_cnt

    def _noisy(self, steps_in: torch.Tensor) -> torch.Tensor:
        """The counter decoder's input frames with this epoch's joint (and counter) noise."""
        steps_in = steps_in.clone()
        if self.noise.any():
            noise = torch.randn(steps_in.shape[:2] + (FRAME_DIM,)) * self.noise
            steps_in[:, 1:, :FRAME_DIM] += noise[:, 1:]
        counter_noise = self.cfg["train"]["counter_noise"]
        if counter_noise:
            steps_in[:, 1:, FRAME_DIM] += torch.randn(steps_in.shape[:2])[:, 1:] * counter_noise
        return steps_in

    def train_step(self) -> dict:
        cfg, t = self.cfg, self.cfg["train"]
        indices, epoch_ended = self.sampler.next()
        mine = indices[self.dist.rank::self.dist.world]
        self.model.net.train()
        jm, cm, sq_err, sq_cnt = self._forward([self.train_set[i] for i in mine]) if mine else \
            (torch.zeros(0), torch.zeros(0), torch.zeros(FRAME_DIM, dtype=torch.float64),
             torch.zeros(FRAME_DIM, dtype=torch.float64))
        tau = cfg["rl"]["tau"]
        # every rank learns every sample's reward and the batch totals
        stats = torch.zeros(len(indices) + 3, dtype=torch.float64)
        r = reward(jm.detach(), tau).double().cpu()
        for pos, value in zip(range(self.dist.rank, len(indices), self.dist.world), r):
            stats[pos] = value
        stats[-3] = float(jm.detach().sum())
        stats[-2] = float(cm.detach().sum())
        stats[-1] = len(mine)
        self.dist.sum_(stats)
        self.err_sum += self.dist.sum_(sq_err)
        self.err_count += self.dist.sum_(sq_cnt)
        rewards = stats[: len(indices)]
        batch_reward = float(rewards.mean())
        skipped = bool(self.plc is not None and self.plc.skip(batch_reward, self.step))
        if self.plc is not None:
            self.plc.update(indices, rewards)
        loss_value = float("nan")
        if not skipped:
            share = len(mine) / max(1.0, float(stats[-1]))
            loss = jm.mean() + self.aux_weight * cm.mean() if mine else torch.zeros(())
            if cfg["rl"]["enabled"] and mine:
                loss = loss + cfg["rl"]["weight"] * rl_loss(jm, tau)
            self.optimizer.zero_grad(set_to_none=False)
            (loss * share * self.dist.world).backward() if mine else None
            for p in self.model.net.parameters():
                if p.requires_grad:
                    if p.grad is None:
                        p.grad = torch.zeros_like(p)
                    self.dist.sum_(p.grad)
                    p.grad /= self.dist.world
            if t["grad_clip"]:
                torch.nn.utils.clip_grad_norm_(
                    [p for p in self.model.net.parameters() if p.requires_grad], t["grad_clip"])
            self.optimizer.step()
            loss_value = float(loss.detach())
        self.scheduler.step()
        if epoch_ended:  # Gaussian noise for the next epoch: scaled per joint by this epoch's error
            rms = torch.sqrt(self.err_sum / self.err_count.clamp_min(1)).float()
            self.noise = t["noise_factor"] * rms
            self.err_sum.zero_(), self.err_count.zero_()
        count = max(1.0, float(stats[-1]))
        return {"step": self.step + 1, "epoch": self.sampler.epoch, "loss": loss_value,
                "joint_mse": float(stats[-3]) / count, self.aux_name: float(stats[-2]) / count,
                "reward": batch_reward, "skipped": int(skipped),
                "lr": self.scheduler.get_last_lr()[0]}

    # ----- validation
    def validate(self) -> dict:
        net = self.model.net
        if self.calibration_set:   # lengths calibrated on training clips before generating
            self.model.meta["duration_scale"] = calibrate_durations(self.model, self.calibration_set)
        net.eval()
        from signllm import metrics
        hyps, refs, order = [], [], []
        by_group: dict[str, list] = {}
        for e in self.dev_set:
            by_group.setdefault(self.model.group_name(e.language), []).append(e)
        for group, examples in by_group.items():
            frames = generate_batch(net.group(group), [e.ids for e in examples])
            hyps += [self.model.denormalise(f) for f in frames]
            refs += [e.frames.reshape(len(e.frames), -1, 3) for e in examples]
            order += examples
        scores = metrics.pose_metrics(hyps, refs)
        row = {"val_dtw": scores["pt_dtw"], "val_dtw_mje": scores["dtw_mje"],
               "val_length_ratio": scores["length_ratio"]}
        for scorer in self.scorers:
            row.update(scorer(hyps, order))
        return row

    # ----- persistence
    def state(self) -> dict:
        return {"format": "signllm-train/1", "model": self.model.to_dict(), "step": self.step,
                "optimizer": self.optimizer.state_dict(), "scheduler": self.scheduler.state_dict(),
                "sampler": self.sampler.state_dict(), "rng": rng_state(),
                "plc": self.plc.state_dict() if self.plc else None, "noise": self.noise,
                "err_sum": self.err_sum, "err_count": self.err_count, "best": self.best,
                "bad_evals": self.bad_evals, "history": self.history, "elapsed": self.elapsed,
                "train_time": self.train_time}

    def restore(self, path: Path) -> None:
        state = ckpt.read(path)
        if not isinstance(state, dict) or state.get("format") != "signllm-train/1":
            raise BadInputError("not a training-state checkpoint (last.pt)", path=path)
        try:
            self._restore(state)
        except (KeyError, TypeError, ValueError, RuntimeError, AttributeError) as exc:
            raise BadInputError(f"training state does not fit this run ({type(exc).__name__}: "
                                f"{(str(exc).strip().splitlines() or ['?'])[0][:200]})",
                                path=path) from None
        log.info("resumed from %s at step %d", path, self.step)

    def _restore(self, state: dict) -> None:
        """Load every field of a training state; a missing or mismatched one raises (restore says which file)."""
        from signllm.model.tokenizer import tokenizer_from_json
        self.model.net.load_state_dict(state["model"]["state_dict"])
        self.model.tokenizer = tokenizer_from_json(state["model"]["tokenizer"])
        for split in (self.train_set, self.dev_set):
            corpus.tokenize(split, self.model.tokenizer, self.model.config.max_tokens)
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.sampler.load_state_dict(state["sampler"])
        if self.plc is not None and state["plc"] is not None:
            self.plc.load_state_dict(state["plc"])
        rng = state["rng"]
        rng["python"] = _tuplify(rng["python"])
        set_rng_state(rng)
        self.step, self.noise = state["step"], state["noise"]
        self.err_sum, self.err_count = state["err_sum"], state["err_count"]
        self.best, self.bad_evals = state["best"], state["bad_evals"]
        self.history, self.elapsed = list(state["history"]), state["elapsed"]
        self.train_time = state["train_time"]

    def save(self, best_model: bool) -> None:
        if not self.dist.main:
            return
        self.model.meta.update(step=self.step, best_val_dtw=self.best,
                               languages=self.model.languages)
        items = [(self.state(), self.out / "last.pt")]
        if best_model or not (self.out / "model.pt").exists():
            items.insert(0, (self.model.to_dict(), self.out / "model.pt"))
        ckpt.save_together(items)   # both or neither; ModelError naming the file on failure
        try:
            write_metrics(self.history, self.out / "metrics.csv")
            from .plots import plot_curves
            plot_curves(self.history, self.out / "curves.png")
        except ImportError as exc:  # matplotlib is optional
            log.warning("no training-curve plot: %s", exc)
        except OSError as exc:
            raise BadInputError(f"cannot write training output ({exc.strerror or exc})",
                                path=exc.filename or self.out) from None

    # ----- loop
    def run(self) -> dict:
        t = self.cfg["train"]
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BadInputError(f"cannot create the output folder ({exc.strerror or exc})",
                                path=self.out) from None
        bar = None
        if self.progress:
            from tqdm import tqdm
            bar = tqdm(total=t["max_steps"], initial=self.step, desc="train", unit="step",
                       dynamic_ncols=True)
        stop = False
        while self.step < t["max_steps"] and not stop:
            started = time.perf_counter()
            row = self.train_step()
            self.train_time += time.perf_counter() - started
            self.step += 1
            eval_now = self.step % t["eval_every"] == 0 or self.step == t["max_steps"]
            improved = False
            if eval_now:
                row.update(self.validate())
                improved = row[t["select"]] < self.best
                if improved:
                    self.best, self.bad_evals = row[t["select"]], 0
                else:
                    self.bad_evals += 1
                stop = bool(t["patience"]) and self.bad_evals >= t["patience"]
            self.elapsed += time.perf_counter() - started
            row["elapsed_s"], row["train_time_s"] = self.elapsed, self.train_time
            self.history.append(row)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{row['joint_mse']:.3f}", r=f"{row['reward']:.2f}",
                                **({"dtw": f"{row['val_dtw']:.2f}"} if eval_now else {}))
            if eval_now and improved:
                self.save(best_model=True)
            elif self.step % t["save_every"] == 0 or self.step == t["max_steps"] or stop:
                self.save(best_model=False)
        if bar is not None:
            bar.close()
        if stop:
            log.info("early stop at step %d: no validation improvement in %d evaluations",
                     self.step, t["patience"])
        return {"step": self.step, "best_val_dtw": self.best, "history": self.history,
                "out": str(self.out)}


def write_metrics(history: list[dict], path: Path) -> None:
    from signllm.atomic import atomic_open
    columns = []
    for row in history:
        columns += [k for k in row if k not in columns]
    with atomic_open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(history)


OUTPUTS = ("model.pt", "last.pt", "metrics.csv", "curves.png")   # what a run writes into out


def train(cfg: dict, out: str | os.PathLike, resume: bool = False, progress: bool = True,
          scorers: tuple = ()) -> dict:
    """Train with a merged config; the library entry point used by benchmarks and tests
    (`scorers`: extra validation scores, see Trainer)."""
    dist = Dist()
    created = not Path(out).exists()
    try:
        trainer = Trainer(cfg, Path(out), dist, progress, scorers)
        if dist.main:
            for stale in ckpt.remove_stale_temps(out, OUTPUTS):
                log.info("removed %s, left by an interrupted write", stale)
        last = Path(out) / "last.pt"
        if resume:
            if last.exists():
                trainer.restore(last)
            else:
                log.warning("--resume: no %s yet, starting fresh", last)
        return trainer.run()
    except SignLLMError:
        if created and dist.main:   # a run that wrote nothing leaves no empty folder
            with contextlib.suppress(OSError):
                Path(out).rmdir()
        raise
    finally:
        dist.close()


@entry_point
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.train", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="YAML config (see training/configs/)")
    parser.add_argument("--out", help="output folder (default: runs/<config name>)")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    parser.add_argument("--set", action="extend", nargs="+", default=[], metavar="KEY=VALUE",
                        help="override config values, e.g. --set train.max_steps=500 train.lr=1e-3")
    parser.add_argument("--train-languages", help="MLSF: train only these groups (comma-"
                        "separated ISO codes); the others stay frozen")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    overrides = list(args.set)
    if args.train_languages:
        overrides.append(f"train.train_languages={args.train_languages}")
    cfg = load_config(args.config, overrides)
    out = args.out or str(Path("runs") / Path(args.config or "run").stem)
    result = train(cfg, out, resume=args.resume, progress=not args.quiet)
    if int(os.environ.get("RANK", "0")) == 0:
        print(f"done: {result['step']} steps, best validation {cfg['train']['select']} "
              f"{result['best_val_dtw']:.4f}; "
              f"model at {Path(result['out']) / 'model.pt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
