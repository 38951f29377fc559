"""Wall time of `signllm generate "Hello world" --lang ase -o out.pose`, start-up included.

    python benchmarks/generate_wall_time.py [--runs 5] [--generator lexicon]

Runs the command as a fresh process each time (as a user would), with networking made
unusable (proxy variables pointing nowhere) to show nothing is fetched, checks the .pose it
wrote, and prints the median beside a bare `python -c pass` baseline measured in the same run.
The issue's target: under 5 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--generator", default=None, help="lexicon or signllm (default: the CLI's)")
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HTTP_PROXY": "http://127.0.0.1:9",
           "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "", "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.pose"
        command = [sys.executable, "-m", "signllm", "generate", "Hello world", "--lang", "ase",
                   "-o", str(out)] + (["--generator", args.generator] if args.generator else [])
        baseline = [timed([sys.executable, "-c", "pass"], env) for _ in range(args.runs)]
        runs = [timed(command, env) for _ in range(args.runs)]
        sys.path.insert(0, str(ROOT))
        from signllm.formats import read

        seq = read(out)[0]
    median, base = statistics.median(runs), statistics.median(baseline)
    print(f"signllm generate 'Hello world' --lang ase -o out.pose: median {median:.2f} s over "
          f"{args.runs} runs (min {min(runs):.2f}, max {max(runs):.2f}); bare python start-up "
          f"{base:.2f} s; ratio {median / base:.1f}x; wrote {seq.num_frames} frames "
          f"({seq.duration:.2f} s of signing); target < 5 s: {'met' if median < 5 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
