"""How long a client waits for the first frame, and what each later frame costs, for the bundled
durations-decoder checkpoints (the lexical DSGS group), beside the counter decoder.

    python benchmarks/first_frame_latency.py [--clauses 1 2 4 8] [--repeats 3]

The durations decoder makes a whole sentence in one pass, so its per-frame streaming cost is
flat by construction and what it costs instead is the wait for the first frame. This times the
shipped path (`SignLLMGenerator.stream` with the face channel, as the server calls it) on DSGS
sentences of growing length. Baseline, measured in the same run: a counter (autoregressive,
key/value-cached) decoder of the same configuration, randomly initialised and told to decode
exactly as many frames (its weights do not change its cost), whose first frame is one step and
whose whole sentence is one step per frame.

Reported per sentence: first-frame latency; that latency as a fraction of the signed duration
(below 1: the first frame arrives before a player would have shown the sentence at that
speed); the durations stream's mean cost per frame after the first, frames 2-51 beside the last
50 (flat: late/early near 1); the baseline's first frame and whole sentence.
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
from signllm.languages import get_language  # noqa: E402
from signllm.model.config import ModelConfig  # noqa: E402
from signllm.model.decoding import decode_steps  # noqa: E402
from signllm.model.generator import load_signllm_generator  # noqa: E402
from signllm.model.network import SignLLMNet  # noqa: E402

CLAUSES = ["Heute geht das Kind mit dem Vater nach Hause.", "Die Mutter isst Brot.",
           "Wo wohnt der Lehrer?", "Morgen arbeite ich nicht.", "Das Haus ist gross.",
           "Der Hund schläft.", "Wir trinken Wasser.", "Meine Schwester lernt Deutsch."]


def shipped_stream(generator, sentence, lang):
    """(first-frame latency s, frame count, per-frame seconds after the first)."""
    start = time.perf_counter()
    frames = iter(generator.stream(sentence, lang).frames)
    next(frames)
    first = time.perf_counter() - start
    later, last = [], time.perf_counter()
    for _ in frames:
        now = time.perf_counter()
        later.append(now - last)
        last = now
    return first, len(later) + 1, later


def counter_stream(net, ids, frames):
    """(first-frame latency s, whole-sentence s) of the counter decoder for `frames` frames."""
    start = time.perf_counter()
    first = None
    for _ in decode_steps(net, [ids], max_frames=frames, stop_eps=-1.0):
        first = first or time.perf_counter() - start
    return first, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clauses", type=int, nargs="+", default=[1, 2, 4, 8],
                        help="sentence lengths to time, in clauses (default: 1 2 4 8)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per sentence (median)")
    args = parser.parse_args()
    logging.getLogger("signllm.model.decoding").setLevel(logging.ERROR)  # the guard is the point
    torch.manual_seed(0)
    torch.set_num_threads(1)
    generator = load_signllm_generator("mlsf")
    lang = get_language("sgg")
    model, source = generator.model_for(lang)
    cfg = model.config
    counter_cfg = ModelConfig.from_dict({**cfg.to_dict(), "decoder": "counter", "future_frames": 1,
                                         "length_guard": 0.0})
    counter = SignLLMNet(counter_cfg, ["sgg"]).eval().group("sgg")
    print(f"{source}: {cfg.decoder} decoder, d_model {cfg.d_model}, {cfg.encoder_layers}+"
          f"{cfg.decoder_layers} layers, {model.fps:g} fps; 1 CPU thread, median of "
          f"{args.repeats} runs")
    print(f"{'clauses':>7} {'tokens':>6} {'frames':>6} {'signed s':>8} | {'first ms':>8} "
          f"{'first/signed':>12} {'per frame 2-51 us':>17} {'last 50 us':>10} {'late/early':>10} | "
          f"baseline counter: {'first ms':>8} {'sentence ms':>11}")
    for n in args.clauses:
        sentence = " ".join(CLAUSES[i % len(CLAUSES)] for i in range(n))
        ids = generator.prepare(sentence, lang)[1]
        runs = [shipped_stream(generator, sentence, lang) for _ in range(args.repeats)]
        frames = runs[0][1]
        first = statistics.median(r[0] for r in runs)
        early = statistics.median(statistics.mean(r[2][:50]) for r in runs)
        late = statistics.median(statistics.mean(r[2][-50:]) for r in runs)
        base = [counter_stream(counter, ids, frames) for _ in range(args.repeats)]
        base_first = statistics.median(b[0] for b in base)
        base_total = statistics.median(b[1] for b in base)
        signed = frames / model.fps
        print(f"{n:7d} {len(ids):6d} {frames:6d} {signed:8.2f} | {first * 1e3:8.1f} "
              f"{first / signed:12.3f} {early * 1e6:17.1f} {late * 1e6:10.1f} "
              f"{late / early:10.2f} | {'':17} {base_first * 1e3:8.1f} {base_total * 1e3:11.1f}")


if __name__ == "__main__":
    main()
