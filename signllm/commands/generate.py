"""`signllm generate`: text or a question-style prompt -> sign poses in a file."""
from __future__ import annotations

import argparse
import functools
from pathlib import Path

HELP = "generate sign poses for a sentence or a prompt (.pose/.skels/.npz, or .glb/.bvh/.mp4)"

EPILOG = """\
examples:
  signllm generate "Hello world" --lang ase -o hello.pose
  signllm generate "How do you sign 'hello' in ASL?" -o hello.skels
  signllm generate "Guten Morgen" --lang gsg --generator lexicon --lexicon my_signs/ -o gm.npz
  signllm generate "Hello" --lang ase -o hello.glb          (needs the retarget extra)

Every word is reported: produced by the model, by a lexicon sign, fingerspelled, or skipped and
why. Languages without data fail with a message that says how to add data (see
'signllm languages').
"""

KEYPOINT_SUFFIXES = (".pose", ".skels", ".npz")
MOTION_SUFFIXES = (".glb", ".bvh", ".mp4")
DEFAULT_GENERATOR = "lexicon"   # chosen by measurement: see MODEL_CARD.md, "Which generator"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("text", help="a sentence, or a prompt such as \"How do you sign 'X' in ASL?\"")
    parser.add_argument("--lang", "-l", help="sign language: code or name (ase, DGS, LIS-CH, ...); "
                        "optional when a prompt names it")
    parser.add_argument("-o", "--output", type=Path,
                        help="output file: " + ", ".join(KEYPOINT_SUFFIXES + MOTION_SUFFIXES)
                        + " (omit to only print what would be signed)")
    parser.add_argument("--mode", choices=("mlsf", "prompt"),
                        help="SignLLM model: 'mlsf' (one decoder per language) or 'prompt' "
                        "(Prompt2LangGloss); default: prompt for prompts, else mlsf")
    parser.add_argument("--generator", choices=("signllm", "lexicon"),
                        help=f"'signllm' (the trained model) or 'lexicon' (real clips joined); "
                        f"default: {DEFAULT_GENERATOR} (measured better; MODEL_CARD.md), or "
                        "lexicon when --lexicon is given")
    parser.add_argument("--lexicon", type=Path, metavar="DIR",
                        help="your own signs: a folder with index.csv (spoken-to-signed layout: "
                        "path,spoken_language,signed_language,start,end,words,glosses,priority) "
                        "and .pose files; unknown words are fingerspelled")
    parser.add_argument("--model", type=Path, metavar="CKPT",
                        help="a SignLLM checkpoint (default: the bundled one for --mode)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (timing variation)")
    parser.add_argument("--fps", type=float, help="output frame rate (default 25)")
    parser.add_argument("--body", help="SMPL-X model file for .glb/.bvh/.mp4 (default: the "
                        "built-in mannequin)")


def _resolve_request(args):
    """(sentence, language, mode): a prompt names its sentence and perhaps its language."""
    from signllm.errors import BadInputError
    from signllm.languages import get_language

    language = get_language(args.lang) if args.lang else None
    sentence, mode = args.text, args.mode
    if mode == "prompt" or args.lang is None or _looks_like_prompt(args.text):
        from signllm.generation import prompt_frames
        from signllm.prompts import parse_prompt

        model = str(args.model) if args.model and mode != "mlsf" else None
        parsed = parse_prompt(args.text, language=language.code if language else None,
                              frames=functools.partial(prompt_frames, model))
        if parsed.was_prompt:
            sentence = parsed.sentence
            language = language or (get_language(parsed.language) if parsed.language else None)
            mode = mode or "prompt"
    if language is None:
        raise BadInputError("no sign language: pass --lang (e.g. --lang ase), or name it in the "
                            "prompt (\"How do you sign 'hello' in ASL?\")")
    if not sentence.strip():
        raise BadInputError("nothing to sign: the text is empty")
    return sentence, language, mode or "mlsf"


def _looks_like_prompt(text: str) -> bool:
    return "'" in text or '"' in text or "?" in text or "«" in text or "„" in text


def _generator(args, language, mode):
    from signllm.coverage import coverage, no_data_message
    from signllm.errors import BadInputError, NoDataError
    from signllm.generation import load_generator

    name = args.generator or ("lexicon" if args.lexicon else DEFAULT_GENERATOR)
    if name == "signllm":
        if args.lexicon:
            raise BadInputError("--lexicon works with --generator lexicon, not signllm")
        if args.model is None and ("mlsf" if mode == "mlsf" else "prompt") not in coverage(language).models:
            raise NoDataError(no_data_message(language))
        return load_generator("signllm", model=args.model, mode=mode)
    return load_generator("lexicon", lexicon=args.lexicon)


def _write(seq, path: Path, body: str | None) -> None:
    from signllm.errors import BadInputError

    suffix = path.suffix.lower()
    if suffix in KEYPOINT_SUFFIXES:
        from signllm.formats import write

        write(path, seq)
        return
    if suffix not in MOTION_SUFFIXES:
        raise BadInputError(f"unknown output extension {suffix or '(none)'!r}; use one of "
                            + ", ".join(KEYPOINT_SUFFIXES + MOTION_SUFFIXES), path=path)
    try:
        from retarget.body import load_body
        from retarget.export import write_motion
        from retarget.fit import fit_sequence
    except ImportError as exc:
        raise BadInputError(f"{suffix} output needs the retarget wing ({exc}); install "
                            "'signllm[retarget]' or write .pose/.skels/.npz", path=path) from None
    loaded = load_body(body)
    write_motion(path, fit_sequence(seq, loaded), loaded)


def run(args) -> int:
    from signllm.coverage import coverage

    sentence, language, mode = _resolve_request(args)
    generator = _generator(args, language, mode)
    text = args.text if generator.name == "signllm" and mode == "prompt" else sentence
    stream = generator.stream(text, language, seed=args.seed, fps=args.fps)
    info = stream.info
    cov = coverage(language)
    print(f"language:  {language.signllm_name} ({language.code}), data: {cov.label}")
    print(f"generator: {info.generator}" + (f" [{info.mode}]" if info.mode else "")
          + (f", {info.model}" if info.model else ""))
    print(f"sentence:  {info.text}")
    print(f"gloss:     {info.gloss}")
    for word in info.words:
        print(f"  {word.word!r}: {word.how}" + (f" ({word.detail})" if word.detail else ""))
    seq = stream.collect()
    print(f"frames:    {seq.num_frames} at {seq.fps:g} fps ({seq.duration:.2f} s)")
    if args.output:
        _write(seq, args.output, args.body)
        print(f"wrote {args.output}")
    return 0
