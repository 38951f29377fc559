"""Generation that stops on the model's own counter: streaming (one frame at a time) and batched.

(A durations-decoder group computes all its frames in one pass; they are yielded the same way.)

No ground-truth length or counter is used: the decoder's first frame reads a BOS step (mean
pose, counter 0), every later step reads the previous prediction (its joints and its counter),
and a sequence ends at the first frame whose predicted counter reaches 1 - stop_eps, or at a
length guard: `length_guard` frames per source token (learned from the training data: the
longest frames-per-token ratio seen, with a margin) and the absolute `max_frames`, both logged.
`max_frames` is at most FRAME_CAP (signllm.model.config: 3000 frames, 2 minutes at 25 fps) for
every checkpoint, and batches are cut to MEMORY_BUDGET, so a model whose counter never reaches
1 still ends, in bounded time and memory.
"""
from __future__ import annotations

import logging
from typing import Iterator

import numpy as np
import torch

from .config import STEP_DIM
from .network import DurationText2Pose, Text2Pose

log = logging.getLogger(__name__)

MEMORY_BUDGET = 512 << 20   # bytes of decoder cache / attention scores one batch may hold


def pad_ids(ids: list[list[int]], device=None) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, S) token ids padded with 0, and the (B, S) padding mask (True = pad)."""
    width = max(len(x) for x in ids)
    src = torch.zeros(len(ids), width, dtype=torch.long, device=device)
    for i, x in enumerate(ids):
        src[i, : len(x)] = torch.tensor(x, dtype=torch.long)
    return src, src == 0


@torch.no_grad()
def decode_steps(net: Text2Pose, ids: list[list[int]], max_frames: int | None = None,
                 stop_eps: float | None = None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield (frames (B, STEP), still_running (B,) bool) per step, frame by frame.

    A row's frame belongs to its sequence while still_running is True for it; the step where
    its counter crosses the threshold is its last frame (still_running is True there).
    """
    cfg = net.cfg
    max_frames = min(max_frames or cfg.max_frames, cfg.max_frames)
    stop_eps = cfg.stop_eps if stop_eps is None else stop_eps
    device = next(net.parameters()).device
    src, pad = pad_ids(ids, device)
    if isinstance(net, DurationText2Pose):  # all frames at once; yielded in the same shape
        frames, lengths = net.generate(src, pad, max_frames)
        for t in range(frames.shape[1]):
            yield frames[:, t], t < lengths
        return
    limits = torch.full((len(ids),), max_frames, device=device)
    if cfg.length_guard > 0:
        tokens = (~pad).sum(1)
        limits = torch.clamp(torch.ceil(cfg.length_guard * tokens).long(), 1, max_frames)
    memory_kv, memory_mask = net.encode(src, pad)
    caches = net.new_caches(len(ids), max_frames, device)
    prev = torch.zeros(len(ids), 1, STEP_DIM, device=device)
    running = torch.ones(len(ids), dtype=torch.bool, device=device)
    for t in range(max_frames):
        frame = net.decode(prev, memory_kv, memory_mask, start=t, caches=caches)[:, 0, 0]
        frame[:, -1].clamp_(0.0, 1.0)
        yield frame, running.clone()
        finished = frame[:, -1] >= 1.0 - stop_eps
        guarded = running & ~finished & (limits <= t + 1)
        if guarded.any() and t + 1 < max_frames:
            log.info("length guard (%.2f frames per token) ended %d sequence(s) at frame %d",
                     cfg.length_guard, int(guarded.sum()), t + 1)
        running &= ~finished & (limits > t + 1)
        if not running.any():
            return
        prev = frame[:, None]
    log.warning("generation hit the max-length guard (%d frames) for %d of %d sequence(s)",
                max_frames, int(running.sum()), len(ids))


def batch_rows(net: Text2Pose, max_frames: int | None = None) -> int:
    """How many sequences decode together within MEMORY_BUDGET.

    The counter decoder preallocates a key/value cache of max_frames per layer and row; the
    durations decoder holds heads x frames x frames attention scores per row. Both are bounded
    by the config's max_frames (at most FRAME_CAP), so a row never exceeds a few hundred MB and
    a batch is cut into chunks that fit.
    """
    cfg = net.cfg
    frames = min(max_frames or cfg.max_frames, cfg.max_frames)
    if isinstance(net, DurationText2Pose):
        per_row = 4 * cfg.heads * frames * frames
    else:
        per_row = 4 * 2 * cfg.decoder_layers * frames * cfg.d_model
    return max(1, MEMORY_BUDGET // per_row)


def generate_batch(net: Text2Pose, ids: list[list[int]], max_frames: int | None = None,
                   stop_eps: float | None = None) -> list[np.ndarray]:
    """Each sequence's (T_i, STEP) normalised frames; every sequence stops on its own."""
    out: list[list[np.ndarray]] = [[] for _ in ids]
    rows_at_once = batch_rows(net, max_frames)
    for start in range(0, len(ids), rows_at_once):
        chunk = ids[start:start + rows_at_once]
        for frames, running in decode_steps(net, chunk, max_frames, stop_eps):
            rows = frames.cpu().numpy()
            for i in np.flatnonzero(running.cpu().numpy()):
                out[start + i].append(rows[i])
    return [np.stack(x) for x in out]
