"""`signllm generate`: text or a question-style prompt -> sign poses in a file."""
from __future__ import annotations

import argparse
from pathlib import Path

from signllm.generation import DEFAULT_GENERATOR, GENERATORS, MODES

from .output import OUTPUT_HELP, write_output

HELP = "generate signing for a sentence or a prompt (.pose/.skels/.npz, or .glb/.bvh/.mp4/.gif)"

EPILOG = """\
examples:
  signllm generate "Hello world" --lang ase -o hello.pose
  signllm generate "How do you sign 'hello' in ASL?" -o hello.skels
  signllm generate "Die Kinder gehen heute nach Hause." --lang sgg -o kinder.glb   (DSGS signs)
  signllm generate "Guten Morgen" --lang gsg --generator lexicon --lexicon my_signs/ -o gm.npz
  signllm generate "Grüezi mitenand" --lang sgg --lexicon my_signs.csv -o gm.pose
  signllm generate "Hello" --lang ase -o hello.glb          (needs the retarget extra)

Every word is reported: produced by the model, by a recorded or a notated (HamNoSys) sign,
fingerspelled, or skipped and why. Swiss-German Sign Language (sgg) signs 1,364 DSGS words out of
the box (see docs/signs.md). Languages without data fail with a message that says how to add data (see
'signllm languages').
"""

def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("text", help="a sentence, or a prompt such as \"How do you sign 'X' in ASL?\"")
    parser.add_argument("--lang", "-l", help="sign language: code or name (ase, DGS, LIS-CH, ...); "
                        "optional when a prompt names it")
    parser.add_argument("-o", "--output", type=Path,
                        help=OUTPUT_HELP + " (omit to only print what would be signed)")
    parser.add_argument("--mode", choices=MODES,
                        help="SignLLM model: 'mlsf' (one decoder per language) or 'prompt' "
                        "(Prompt2LangGloss); default: prompt for prompts, else mlsf")
    parser.add_argument("--generator", choices=tuple(GENERATORS),
                        help=f"'signllm' (the trained model) or 'lexicon' (recorded and notated signs joined, "
                        "the rest fingerspelled); "
                        f"default: {DEFAULT_GENERATOR} (measured better; MODEL_CARD.md), or "
                        "lexicon when --lexicon is given")
    parser.add_argument("--lexicon", type=Path, metavar="PATH",
                        help="your own signs: a folder with index.csv (recorded .pose clips, "
                        "spoken-to-signed layout: path,spoken_language,signed_language,start,end,"
                        "words,glosses,priority), a notated lexicon .csv (gloss,words,"
                        "signed_language,hamnosys) or a folder of .sigml files; they come before "
                        "the built-in signs, and unknown words are fingerspelled")
    parser.add_argument("--model", type=Path, metavar="CKPT",
                        help="a SignLLM checkpoint (default: the bundled one for --mode)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (timing variation)")
    parser.add_argument("--fps", type=float, help="output frame rate (default 25)")
    parser.add_argument("--body", help="SMPL-X model file for .glb/.bvh/.mp4 (default: the "
                        "built-in mannequin)")


def _resolve(args):
    """(Request, Generator): a user's checkpoint loads once, first, as its prompt frames and
    mode decide how the text is read; a bundled model loads once the request says which."""
    from signllm.errors import BadInputError
    from signllm.generation import load_generator
    from signllm.request import resolve

    name = args.generator or ("lexicon" if args.lexicon else DEFAULT_GENERATOR)
    if name == "signllm" and args.lexicon:
        raise BadInputError("--lexicon works with --generator lexicon, not signllm")
    custom = load_generator("signllm", model=args.model, mode=args.mode) \
        if name == "signllm" and args.model else None
    request = resolve(args.text, args.lang, generator=name, mode=custom.mode if custom else args.mode,
                      frames=custom.prompt_frames if custom else None, custom_model=bool(custom))
    if custom:
        return request, custom
    if name == "signllm":
        return request, load_generator("signllm", mode=request.mode)
    return request, load_generator("lexicon", lexicon=args.lexicon)


def run(args) -> int:
    request, generator = _resolve(args)
    language = request.language
    stream = generator.stream(request.sentence, language, seed=args.seed, fps=args.fps)
    info = stream.info
    print(f"language:  {language.signllm_name} ({language.code}), data: {request.coverage.label}")
    print(f"generator: {info.generator}" + (f" [{info.mode}]" if info.mode else "")
          + (f", {info.model}" if info.model else ""))
    print(f"sentence:  {info.text}")
    print(f"gloss:     {info.gloss}")
    for word in info.words:
        print(f"  {word.word!r}: {word.how}" + (f" ({word.detail})" if word.detail else "")
              + (f"; {word.mouthing}" if word.mouthing else ""))
    seq = stream.collect()
    print(f"frames:    {seq.num_frames} at {seq.fps:g} fps ({seq.duration:.2f} s)")
    if args.output:
        write_output(seq, args.output, args.body)
        print(f"wrote {args.output}")
    return 0
