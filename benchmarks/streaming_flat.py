"""Streaming decoding cost per frame stays flat as the sequence grows (key/value cache).

    python benchmarks/streaming_flat.py [--size small] [--frames 300] [--repeats 3]

Times each decoded frame of a 300-frame stream (a randomly initialised model that is told never
to stop; the weights do not change the cost) and compares the mean time per frame over frames
1-50 with frames 251-300. As a baseline measured in the same run, the same model decodes
without the cache (re-running the decoder over the whole prefix for every frame), which is what
an uncached Progressive-Transformers decoder does.
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from signllm.model.config import STEP_DIM, make_config  # noqa: E402
from signllm.model.decoding import decode_steps, pad_ids  # noqa: E402
from signllm.model.network import SignLLMNet  # noqa: E402


def cached_times(net, ids, frames):
    times, last = [], time.perf_counter()
    for _ in decode_steps(net, ids, max_frames=frames, stop_eps=-1.0):
        now = time.perf_counter()
        times.append(now - last)
        last = now
    return times


@torch.no_grad()
def uncached_times(net, ids, frames):
    src, pad = pad_ids(ids)
    memory_kv, mask = net.encode(src, pad)
    steps = torch.zeros(1, 1, STEP_DIM)
    times = []
    for _ in range(frames):
        start = time.perf_counter()
        out = net.decode(steps, memory_kv, mask)[:, -1:, 0]
        steps = torch.cat([steps, out], 1)
        times.append(time.perf_counter() - start)
    return times


def window(times, a, b):
    return statistics.mean(times[a - 1:b]) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="small")
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("signllm.model.decoding").setLevel(logging.ERROR)  # the guard is the point
    torch.manual_seed(0)
    torch.set_num_threads(1)
    cfg = make_config(args.size, vocab_size=100, max_frames=args.frames)
    net = SignLLMNet(cfg, ["ase"]).eval().group("ase")
    ids = [list(range(3, 15))]
    n = args.frames
    rows = []
    for name, fn in (("cached (streaming)", cached_times), ("uncached baseline", uncached_times)):
        early, late = [], []
        for _ in range(args.repeats):
            times = fn(net, ids, n)
            early.append(window(times, 1, 50))
            late.append(window(times, n - 49, n))
        e, l = statistics.median(early), statistics.median(late)
        rows.append((name, e, l))
        print(f"{name:20s} frames 1-50: {e:6.3f} ms/frame   frames {n - 49}-{n}: {l:6.3f} ms/frame"
              f"   late/early = {l / e:5.2f}  (difference {100 * (l - e) / e:+.1f} %)")
    params = sum(p.numel() for p in net.parameters())
    print(f"model size {args.size!r}: {params / 1e6:.2f} M parameters, 1 CPU thread, "
          f"median of {args.repeats} runs; target: cached difference < 30 %")


if __name__ == "__main__":
    main()
