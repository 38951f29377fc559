"""Coverage of the notation readers over every reachable real sign.

    python benchmarks/notation_coverage.py [--data ../shared/data] [--json FILE]

Sets: the DSGS lexicon of the installed `signwriting` package (all HamNoSys strings, 1,404),
Ham2Pose's 5,752 strings (`hamnosys/ham2pose-data.json`, Unicode form; the names form too where
the entry has one, checked equal), the 2,203 NGT gestural SiGML files (`sigml-ngt/`). Per set:
read / failed counts, wall time, every failure's message (first 10), and every `unsupported`
construct by name with the number of signs that carry it.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from signllm.errors import BadInputError  # noqa: E402
from signllm.notation import parse_hamnosys, read_sigml  # noqa: E402
from signllm.sign_lexicon import package_dsgs_path  # noqa: E402


def measure(name: str, items, read) -> dict:
    """items: (source, input) pairs; read(input, source) -> list of descriptions."""
    failed, unsupported, count = [], collections.Counter(), 0
    started = time.perf_counter()
    for source, value in items:
        count += 1
        try:
            for desc in read(value, source):
                unsupported.update(desc.unsupported)
        except BadInputError as exc:
            failed.append(str(exc))
    seconds = time.perf_counter() - started
    return {"set": name, "signs": count, "read": count - len(failed), "failed": len(failed),
            "seconds": round(seconds, 3), "failures": failed[:10],
            "unsupported": dict(unsupported.most_common())}


def ham2pose_items(path: Path):
    data = json.loads(path.read_text("utf-8"))
    return [(key, entry) for key, entry in data.items()]


def read_ham2pose(entry: dict, source: str):
    unicode = parse_hamnosys(entry["hamnosys"], source=source)
    names = entry.get("hamnosys_text")
    if names and names != "None" and parse_hamnosys(names, source=source) != unicode:
        raise BadInputError("the Unicode and symbol-name forms differ", path=source)
    return [unicode]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    entries = json.loads(package_dsgs_path().read_text("utf-8"))
    dsgs = [(f"DSGS entry {i}", t) for i, e in enumerate(entries) for t in (e.get("hamnosys") or [])]
    results = [measure("DSGS (signwriting)", dsgs,
                       lambda text, source: [parse_hamnosys(text, source=source)])]
    ham2pose = args.data / "hamnosys" / "ham2pose-data.json"
    if ham2pose.is_file():
        results.append(measure("Ham2Pose", ham2pose_items(ham2pose), read_ham2pose))
    ngt = sorted((args.data / "sigml-ngt").glob("*.sigml"))
    if ngt:
        results.append(measure("NGT gestural SiGML", [(f.name, f) for f in ngt],
                               lambda path, source: read_sigml(path, source=source)))

    for r in results:
        print(f"{r['set']}: {r['read']}/{r['signs']} read, {r['failed']} failed, "
              f"{r['seconds']:.2f} s")
        for message in r["failures"]:
            print(f"  failed: {message}")
        for construct, n in r["unsupported"].items():
            print(f"  unsupported {n:5d}  {construct}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main()
