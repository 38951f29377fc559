"""Ablation: baseline MSE vs RL loss vs RL loss + Priority Learning Channel (SignLLM, Fang et al.; docs/model.md).

    python benchmarks/ablation_rl_plc.py [--corpus DIR] [--config YAML] [--seeds 0,1,2]
        [--steps 300] [--eval-every 25] [--recognizer training/recognizer/gloss_recognizer.pt
        --target-ger 0.5] [--target 0.5] [--json FILE]

Same corpus, model size, step budget and machine for every variant, each trained once per seed.
For each run: training wall time (steps only, validation excluded) and steps until the dev score
first reaches the target, and the final / best dev score; per variant the mean and standard
deviation over seeds, and ratios of the means against the baseline.

The dev score is the gloss error rate of free-running generation on the dev split read back by
the continuous sign recogniser when --recognizer is given (the lexical corpus, issue 19;
target --target-ger), else the Progressive-Transformers DTW (target --target x the mean-pose
floor's DTW). Without --corpus a synthetic corpus (training.data.write_toy_corpus, 2 languages)
is built in a temporary folder. The paper claims RL + PLC trains faster (a secondary source
says 27.1 % less time); this measures it here.
"""
from __future__ import annotations

import argparse
import json
import logging
import statistics
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


def ger_scorer(path: Path):
    """A validation scorer: the dev gloss error rate of the generated poses."""
    from training.recognizer.gloss import GlossRecognizer, gloss_error_rate, gloss_tokens
    recogniser = GlossRecognizer.from_checkpoint(path)

    def score(hyps, examples) -> dict:
        refs = [gloss_tokens(e.source) for e in examples]
        return {"val_ger": gloss_error_rate(refs, [recogniser.recognise(h) for h in hyps])}
    return score


def run(cfg: dict, out: Path, key: str, target: float, scorers: tuple) -> dict:
    result = train(cfg, out, progress=False, scorers=scorers)
    hist = result["history"]
    evals = [r for r in hist if key in r]
    hit = next((r for r in evals if r[key] <= target), None)
    return {"steps_to_target": hit["step"] if hit else None,
            "train_time_to_target_s": hit["train_time_s"] if hit else None,
            "train_time_total_s": hist[-1]["train_time_s"],
            "final": evals[-1][key], "best": min(r[key] for r in evals),
            "skipped_batches": sum(r["skipped"] for r in hist),
            "curve": [(r["step"], r[key]) for r in evals]}


def mean_sd(values: list) -> str:
    got = [v for v in values if v is not None]
    if not got:
        return "never"
    text = f"{statistics.mean(got):.3f}" if len(got) == 1 else \
        f"{statistics.mean(got):.3f} ± {statistics.stdev(got):.3f}"
    return text + (f" ({len(values) - len(got)} never)" if len(got) < len(values) else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", help="Prompt2Sign-format corpus (default: synthetic)")
    parser.add_argument("--config", help="base training config (default: built-in tiny)")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--eval-every", type=int, default=25)
    parser.add_argument("--seeds", default="0", help="comma-separated training seeds")
    parser.add_argument("--recognizer", type=Path,
                        help="gloss recogniser: score dev runs by gloss error rate")
    parser.add_argument("--target-ger", type=float, default=0.5,
                        help="with --recognizer: the dev gloss error rate to reach")
    parser.add_argument("--target", type=float, default=0.5,
                        help="without: target validation DTW as a fraction of the mean-pose floor's")
    parser.add_argument("--json", help="also write the results as JSON")
    parser.add_argument("--set", action="append", default=[], help="extra config override")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    seeds = [int(s) for s in args.seeds.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(args.corpus) if args.corpus else write_toy_corpus(
            Path(tmp) / "corpus", ("gsg", "sgg"), clips=40, seed=seeds[0])
        common = [f"data.path={corpus}", f"train.max_steps={args.steps}",
                  f"train.eval_every={args.eval_every}", f"train.save_every={args.steps}",
                  *([] if args.config else ["train.batch_size=8", "train.lr=0.003",
                                            "train.warmup_steps=20"]),
                  *([] if args.corpus else ["model.max_frames=120"]), *args.set]
        base = load_config(args.config, common)
        if args.recognizer:
            key, target, scorers = "val_ger", args.target_ger, (ger_scorer(args.recognizer),)
            what = f"dev gloss error rate {target:.3f} ({args.recognizer.name})"
        else:
            key, target, scorers = "val_dtw", args.target * floor_dtw(corpus, base), ()
            what = f"validation DTW {target:.3f} (= {args.target} x mean-pose floor)"
        print(f"corpus: {corpus if args.corpus else 'synthetic (2 languages x 40 clips)'}; "
              f"{args.steps} steps, eval every {args.eval_every}; seeds {seeds}; target {what}")
        results: dict[str, list[dict]] = {}
        for name, sets in VARIANTS.items():
            for seed in seeds:
                cfg = load_config(args.config, common + sets + [f"train.seed={seed}"])
                out = Path(tmp) / f"{name.replace(' ', '_').replace('+', 'plus')}_{seed}"
                r = run(cfg, out, key, target, scorers)
                results.setdefault(name, []).append({"seed": seed, **r})
                print(f"  {name} seed {seed}: steps to target {r['steps_to_target']}, final "
                      f"{key} {r['final']:.3f}, {r['train_time_total_s']:.0f} s", flush=True)
        print(f"{'variant':16s} {'steps to target':>22s} {'train s to target':>22s} "
              f"{'final ' + key:>22s} {'best ' + key:>22s} {'skipped':>8s}")
        means = {}
        for name, runs in results.items():
            col = {k: [r[k] for r in runs] for k in runs[0]}
            means[name] = {k: statistics.mean([v for v in col[k] if v is not None])
                           if any(v is not None for v in col[k]) else None
                           for k in ("train_time_to_target_s", "train_time_total_s", "final")}
            print(f"{name:16s} {mean_sd(col['steps_to_target']):>22s} "
                  f"{mean_sd(col['train_time_to_target_s']):>22s} {mean_sd(col['final']):>22s} "
                  f"{mean_sd(col['best']):>22s} {sum(col['skipped_batches']):8d}")
        base_m = means["baseline MSE"]
        for name, m in means.items():
            ratios = [f"{m[k] / base_m[k]:.2f}" if m[k] is not None and base_m[k] else "n/a"
                      for k in ("train_time_to_target_s", "train_time_total_s", "final")]
            print(f"{name:16s} vs baseline: time to target x{ratios[0]}, total time x{ratios[1]},"
                  f" final {key} x{ratios[2]}")
        if args.json:
            Path(args.json).write_text(json.dumps({"target": target, "key": key,
                                                   "results": results}, indent=2))


if __name__ == "__main__":
    main()
