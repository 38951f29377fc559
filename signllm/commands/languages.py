"""`signllm languages`: the eight sign languages, their data (real / proxy / none) and models."""
from __future__ import annotations

import argparse
import json

HELP = "list the eight sign languages: data (real / proxy / none) and bundled-model coverage"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args) -> int:
    from signllm.coverage import coverage_table
    from signllm.languages import get_language

    rows = coverage_table()
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], indent=1, ensure_ascii=False))
        return 0
    header = ("code", "name", "aliases", "spoken", "data", "alphabet", "bundled models")
    table = [header] + [
        (r.code, r.name, " ".join([r.signllm_name, *get_language(r.code).aliases]),
         get_language(r.code).spoken, r.data.upper() if r.data == "proxy" else r.data,
         r.alphabet or "-", ", ".join(r.models) or "-")
        for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
    print()
    for r in rows:
        if r.data != "real":
            print(f"{r.code}: {r.note}")
    print("\nreal = the language's own fingerspelling clips; PROXY = a related language's alphabet "
          "(labelled wherever it is used); none = requests fail and say how to add data. All "
          "bundled data is fingerspelling, not lexical signing (MODEL_CARD.md).")
    return 0
