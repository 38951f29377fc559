"""Golden outputs: a fixed set of `signllm generate` runs, written to a folder, and a comparison
of two such folders, so a refactoring shows it changed no output (or exactly which).

    python benchmarks/golden_outputs.py write DIR        # run every case into DIR
    python benchmarks/golden_outputs.py compare A B      # list files that differ; exit 1 if any

Each case runs the CLI as a fresh process (as a user would) and keeps its output file plus a
`.log` with the exit code, stdout and stderr (what was understood, every word's report, errors).
The cases cover both generators, quoted and unquoted prompts, German/Turkish/Korean letters and
three languages' texts, into .pose, .glb and .bvh.
"""
from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# name -> (CLI arguments after `generate`, output suffix or None)
CASES: dict[str, tuple[list[str], str | None]] = {
    "lex-ase-text": (["Hello world", "--lang", "ase"], ".pose"),
    "lex-ase-quoted": (["How do you sign 'good morning' in ASL?"], ".pose"),
    "lex-ase-unquoted": (["How do you sign good morning in ASL?"], ".glb"),
    "lex-gsg-unquoted": (["Wie geht es dir?", "--lang", "gsg"], ".pose"),
    "lex-gsg-strasse": (["Straße, Gruß Gott", "--lang", "gsg"], ".bvh"),
    "lex-sgg-strasse": (["Straße, Gruß Gott", "--lang", "sgg"], ".pose"),
    "lex-tsm-istanbul": (["İstanbul ılık", "--lang", "tsm"], ".pose"),
    "lex-tsm-quoted": (["'Merhaba' Türk İşaret Dili'nde nasıl gösterilir?"], ".pose"),
    "lex-kvk-korean": (["안녕하세요", "--lang", "kvk"], ".pose"),
    "sig-ase-text": (["Hello world", "--lang", "ase", "--generator", "signllm"], ".pose"),
    "sig-ase-quoted": (["How do you sign 'hello' in ASL?", "--generator", "signllm"], ".glb"),
    "sig-ase-unquoted": (["How do you sign good morning?", "--generator", "signllm"], ".pose"),
    "sig-gsg-unquoted": (["Wie geht es dir?", "--lang", "gsg", "--generator", "signllm"], ".bvh"),
    "sig-gsg-prompt-mode": (["Gruß Gott Straße", "--lang", "gsg", "--generator", "signllm",
                             "--mode", "prompt"], ".pose"),
    "sig-tsm-quoted": (["'İstanbul' Türk İşaret Dili'nde nasıl gösterilir?", "--generator",
                        "signllm"], ".pose"),
    "sig-kvk-korean": (["안녕하세요", "--lang", "kvk", "--generator", "signllm"], ".pose"),
}


def run_case(name: str, folder: Path) -> None:
    args, suffix = CASES[name]
    command = [sys.executable, "-m", "signllm", "generate", *args]
    if suffix:
        command += ["-o", str(folder / f"{name}{suffix}")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    # the output path differs between folders: keep only its file name in the log
    out = done.stdout.replace(str(folder) + os.sep, "")
    (folder / f"{name}.log").write_text(f"rc {done.returncode}\n--- stdout\n{out}--- stderr\n"
                                        f"{done.stderr.replace(str(folder) + os.sep, '')}",
                                        encoding="utf-8")


def write(folder: Path, jobs: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(lambda name: run_case(name, folder), CASES))
    print(f"wrote {len(list(folder.iterdir()))} files for {len(CASES)} cases into {folder}")
    return 0


def compare(a: Path, b: Path) -> int:
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    differ = [n for n in names if not ((a / n).is_file() and (b / n).is_file()
                                        and filecmp.cmp(a / n, b / n, shallow=False))]
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(names) - len(differ)} of {len(names)} files identical")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    w = sub.add_parser("write")
    w.add_argument("folder", type=Path)
    w.add_argument("--jobs", type=int, default=2)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = parser.parse_args(argv)
    return write(args.folder, args.jobs) if args.action == "write" else compare(args.a, args.b)


if __name__ == "__main__":
    raise SystemExit(main())
