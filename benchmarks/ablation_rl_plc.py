"""Ablation: baseline MSE vs RL loss vs RL loss + Priority Learning Channel (SignLLM, Fang et al.; docs/model.md).

    python benchmarks/ablation_rl_plc.py [--corpus DIR] [--steps 300] [--eval-every 25]
                                         [--target 0.5] [--json FILE]

Same corpus, seed, model size and machine, in one run. For each variant: training wall time
(steps only, validation excluded) and steps until the validation DTW (Progressive-Transformers
DTW of free-running generation on the dev split) first reaches `target` x the mean-pose floor's
DTW, and the final / best validation DTW. Ratios are against the baseline. Without --corpus a
synthetic corpus (training.data.write_toy_corpus, 2 languages) is built in a temporary folder.
The paper claims RL + PLC trains faster (a secondary source says 27.1 % less time); this
measures it here.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from signllm import metrics  # noqa: E402
from signllm.formats import read  # noqa: E402
from training.data import language_folders, write_toy_corpus  # noqa: E402
from training.train import load_config, train  # noqa: E402

VARIANTS = {
    "baseline MSE": ["rl.enabled=false", "plc.enabled=false"],
    "RL loss": ["rl.enabled=true", "plc.enabled=false"],
    "RL loss + PLC": ["rl.enabled=true", "plc.enabled=true"],
}


def floor_dtw(corpus: Path, cfg: dict) -> float:
    """Mean-pose floor's PT DTW on the dev split (mean pose of the training split)."""
    folders = language_folders(corpus, cfg["data"])
    train_seqs = [s for f in folders.values() for s in read(f / "train.skels")]
    dev = [s for f in folders.values() if (f / "dev.skels").exists() for s in read(f / "dev.skels")]
    dev = dev or train_seqs
    floor = metrics.mean_pose_floor(dev, metrics.mean_pose(train_seqs))
    return metrics.pose_metrics(floor, dev)["pt_dtw"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", help="Prompt2Sign-format corpus (default: synthetic)")
    parser.add_argument("--config", help="base training config (default: built-in tiny)")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--eval-every", type=int, default=25)
    parser.add_argument("--target", type=float, default=0.5,
                        help="target validation DTW as a fraction of the mean-pose floor's")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the results as JSON")
    parser.add_argument("--set", action="append", default=[], help="extra config override")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(args.corpus) if args.corpus else write_toy_corpus(
            Path(tmp) / "corpus", ("gsg", "sgg"), clips=40, seed=args.seed)
        common = [f"data.path={corpus}", f"train.max_steps={args.steps}",
                  f"train.eval_every={args.eval_every}", f"train.save_every={args.steps}",
                  f"train.seed={args.seed}", "train.batch_size=8", "train.lr=0.003",
                  "train.warmup_steps=20", *([] if args.corpus else ["model.max_frames=120"]),
                  *args.set]
        base = load_config(args.config, common)
        target = args.target * floor_dtw(corpus, base)
        print(f"corpus: {corpus if args.corpus else 'synthetic (2 languages x 40 clips)'}; "
              f"{args.steps} steps, eval every {args.eval_every}; target validation DTW "
              f"{target:.3f} (= {args.target} x mean-pose floor)")
        results = {}
        for name, sets in VARIANTS.items():
            cfg = load_config(args.config, common + sets)
            out = train(cfg, Path(tmp) / name.replace(" ", "_").replace("+", "plus"),
                        progress=False)
            hist = out["history"]
            evals = [r for r in hist if "val_dtw" in r]
            hit = next((r for r in evals if r["val_dtw"] <= target), None)
            results[name] = {
                "steps_to_target": hit["step"] if hit else None,
                "train_time_to_target_s": hit["train_time_s"] if hit else None,
                "train_time_total_s": hist[-1]["train_time_s"],
                "final_val_dtw": evals[-1]["val_dtw"], "best_val_dtw": out["best_val_dtw"],
                "skipped_batches": sum(r["skipped"] for r in hist)}
        base_r = results["baseline MSE"]
        print(f"{'variant':16s} {'steps→target':>12s} {'time→target s':>14s} {'total s':>8s} "
              f"{'final DTW':>10s} {'best DTW':>9s} {'skipped':>8s}  ratios vs baseline "
              "(time→target, total time, final DTW)")
        for name, r in results.items():
            def ratio(key):
                a, b = r[key], base_r[key]
                return f"{a / b:.2f}" if a is not None and b else "n/a"
            st = r["steps_to_target"] if r["steps_to_target"] is not None else "never"
            tt = f"{r['train_time_to_target_s']:.1f}" if r["train_time_to_target_s"] else "never"
            print(f"{name:16s} {st!s:>12s} {tt:>14s} {r['train_time_total_s']:8.1f} "
                  f"{r['final_val_dtw']:10.3f} {r['best_val_dtw']:9.3f} {r['skipped_batches']:8d}  "
                  f"{ratio('train_time_to_target_s')}, {ratio('train_time_total_s')}, "
                  f"{ratio('final_val_dtw')}")
        if args.json:
            Path(args.json).write_text(json.dumps({"target": target, "results": results}, indent=2))


if __name__ == "__main__":
    main()
