"""`signllm sign`: synthesise one notated sign (HamNoSys, a SiGML file, or a lexicon gloss)."""
from __future__ import annotations

import argparse
from pathlib import Path

from .output import OUTPUT_HELP

HELP = "synthesise one sign from HamNoSys, a .sigml file or a lexicon gloss to any output format"

EPILOG = """\
examples:
  signllm sign --gloss KINDER -o kinder.glb             (the built-in DSGS lexicon)
  signllm sign --hamnosys "hamflathand,hamthumboutmod,hamextfingero,hampalmd,hamchest,hammoved" -o s.pose
  signllm sign --sigml HUIS.sigml -o huis.bvh --left-handed
  signllm sign --gloss HUIS --lexicon my_signs.csv --lang dse -o huis.gif

HamNoSys may be given in Unicode or as comma-separated symbol names. What the synthesiser
cannot animate yet is reported by name.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--hamnosys", metavar="STRING", help="a HamNoSys string (Unicode or names)")
    what.add_argument("--sigml", type=Path, metavar="FILE", help="a .sigml file (HNS or gestural; "
                      "its first sign, or the one named by --gloss)")
    what.add_argument("--gloss", help="a gloss of the lexicon (see 'signllm search')")
    parser.add_argument("--lexicon", type=Path, metavar="PATH", help="with --gloss: your notated "
                        "lexicon (.csv or a folder of .sigml files; default: built-in DSGS)")
    parser.add_argument("--lang", "-l", help="with --gloss: the lexicon's sign language (default sgg)")
    parser.add_argument("-o", "--output", type=Path, help=OUTPUT_HELP
                        + " (omit to only print the sign's description)")
    parser.add_argument("--fps", type=float, default=25.0, help="frame rate (default 25)")
    parser.add_argument("--left-handed", action="store_true", help="sign with the left hand dominant")
    parser.add_argument("--body", help="SMPL-X model file for motion outputs (default: the "
                        "built-in mannequin)")


def _description(args):
    from signllm.errors import BadInputError
    from signllm.notation import parse_hamnosys, read_sigml
    from signllm.sign_lexicon import builtin_dsgs, describe, open_lexicon

    if args.hamnosys is not None:
        return parse_hamnosys(args.hamnosys, source="--hamnosys")
    if args.sigml is not None:
        return read_sigml(args.sigml)[0]
    language = args.lang or "sgg"
    lexicon = open_lexicon(args.lexicon, language) if args.lexicon else builtin_dsgs()
    found = [s for s in lexicon.signs if s.gloss.casefold() == args.gloss.casefold()
             and s.signed_language == language]
    if not found:
        hits = ", ".join(s.gloss for s in lexicon.search(args.gloss, language, limit=5))
        raise BadInputError(f"no gloss {args.gloss!r} in {lexicon.name} for {language}"
                            + (f"; similar: {hits}" if hits else ""))
    return describe(found[0])


def run(args) -> int:
    from signllm.synthesis import synthesise

    sign = _description(args)
    seq = synthesise(sign, fps=args.fps, left_handed=args.left_handed)
    print(f"sign:     {sign.gloss or '(no gloss)'}" + (f"  from {sign.source}" if sign.source else ""))
    print(f"hands:    {'two' if sign.two_handed else 'one'}"
          + (f", symmetry {sign.symmetry}" if sign.symmetry else ""))
    if sign.unsupported:
        print(f"not animated: {', '.join(sign.unsupported)}")
    print(f"frames:   {seq.num_frames} at {seq.fps:g} fps ({seq.duration:.2f} s)")
    if args.output:
        from .output import write_output

        write_output(seq, args.output, args.body)
        print(f"wrote {args.output}")
    return 0
