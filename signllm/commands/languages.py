"""`signllm languages`: the eight sign languages, their data (real / proxy / none) and models."""
from __future__ import annotations

import argparse
import json

HELP = "list the eight sign languages: data (real / proxy / none) and bundled-model coverage"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def lexical_signs() -> dict[str, int]:
    """Signs per language in the built-in notated lexicon; empty on a lean install."""
    from signllm.errors import NoDataError
    from signllm.sign_lexicon import builtin_dsgs

    try:
        lexicon = builtin_dsgs()
    except NoDataError:
        return {}
    return {code: lexicon.entries(code) for code in lexicon.languages}


def run(args) -> int:
    from signllm.coverage import coverage_table
    from signllm.languages import NOTATED_ONLY, get_language

    rows = coverage_table()
    signs = lexical_signs()
    if args.json:
        print(json.dumps([{**r.to_dict(), "lexical_signs": signs.get(r.code, 0)} for r in rows],
                         indent=1, ensure_ascii=False))
        return 0
    header = ("code", "name", "aliases", "spoken", "data", "alphabet", "signs", "bundled models")
    table = [header] + [
        (r.code, r.name, " ".join([r.signllm_name, *get_language(r.code).aliases]),
         get_language(r.code).spoken, r.data.upper() if r.data == "proxy" else r.data,
         r.alphabet or "-", f"{signs[r.code]:,} + fingerspelling" if r.code in signs else "-",
         ", ".join(r.models) or "-")
        for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
    print()
    for r in rows:
        if r.data != "real":
            print(f"{r.code}: {r.note}")
    print("\nreal = the language's own fingerspelling clips; PROXY = a related language's alphabet "
          "(labelled wherever it is used); none = requests fail and say how to add data. signs = "
          "lexical signs synthesised from HamNoSys (DSGS: the lexicon of Ebling & Boyes Braem in "
          "the 'signwriting' package); other words are fingerspelled. The bundled SignLLM models "
          "know fingerspelling only (MODEL_CARD.md).")
    others = ", ".join(f"{lang.code} ({lang.signllm_name})" for lang in NOTATED_ONLY)
    print(f"\nWith a notated lexicon of your own (--generator lexicon --lexicon signs.csv or a folder "
          f"of .sigml files; docs/signs.md) also: {others}. These have no model, clips or alphabet: "
          "words the lexicon lacks are reported as skipped.")
    return 0
