"""`signllm search`: find signs in a notated lexicon by gloss or spoken word."""
from __future__ import annotations

import argparse
from pathlib import Path

HELP = "search a notated lexicon (the built-in DSGS signs or your own) by gloss or word"

EPILOG = """\
examples:
  signllm search kind                 (the built-in DSGS lexicon: KIND, KINDER, ...)
  signllm search "guten morgen"
  signllm search huis --lexicon my_signs.csv --lang dse

Each hit shows the gloss, the words it stands for, its HamNoSys (or SiGML file) and where it
comes from; synthesise one with 'signllm sign --gloss GLOSS -o out.glb'.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("query", help="a gloss or a spoken word or phrase (case-insensitive)")
    parser.add_argument("--lang", "-l", help="sign language code (default: every language of "
                        "the lexicon; the built-in lexicon is DSGS, sgg)")
    parser.add_argument("--lexicon", type=Path, metavar="PATH",
                        help="your notated lexicon: a .csv (gloss,words,signed_language,hamnosys) "
                        "or a folder of .sigml files (default: the built-in DSGS lexicon)")
    parser.add_argument("--limit", type=int, default=20, help="most hits to show (default 20)")


def _readable(sign) -> str:
    """HamNoSys as symbol names too: its private-use characters show only with a HamNoSys font."""
    if sign.kind != "hamnosys":
        return sign.notation
    from signllm.errors import BadInputError
    from signllm.notation.symbols import to_names, to_unicode

    try:
        names = to_names(sign.notation, sign.source)
    except BadInputError as exc:
        return f"{sign.notation!r} (unreadable: {exc})"
    return f"{to_unicode(names)}  ({','.join(names)})"


def run(args) -> int:
    from signllm.sign_lexicon import builtin_dsgs, open_lexicon

    lexicon = open_lexicon(args.lexicon, args.lang) if args.lexicon else builtin_dsgs()
    hits = lexicon.search(args.query, args.lang, limit=max(1, args.limit))
    if not hits:
        print(f"no sign for {args.query!r} in {lexicon.name}")
        return 1
    for sign in hits:
        print(f"{sign.gloss}  [{sign.signed_language}]  words: {', '.join(sign.words)}")
        print(f"    {sign.kind}: {_readable(sign)}")
        print(f"    from {sign.source}")
    print(f"{len(hits)} hit(s) in {lexicon.name}")
    return 0
