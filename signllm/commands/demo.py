"""`signllm demo`: the whole pipeline once, offline, on what ships in the package.

Text -> keypoints (.pose) -> SMPL-X motion on the built-in mannequin (.glb, .bvh) -> preview
(.gif, avatar with the keypoints beside it), with the default generator; and the same sentence
from the bundled SignLLM model, so a newcomer sees both generators' output.
"""
from __future__ import annotations

import argparse
from pathlib import Path

HELP = "run text -> keypoints -> avatar animation + preview once, into a folder (default demo/)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("demo"), help="folder to write (default demo/)")
    parser.add_argument("--text", default="Hello world", help="sentence to sign (default 'Hello world')")
    parser.add_argument("--lang", default="ase", help="sign language (default ase, ASL)")


def _report(stream) -> None:
    info = stream.info
    model = f" [{info.mode}, {info.model}]" if info.mode else ""
    print(f"  {info.generator}{model}: {info.text!r} -> {info.gloss}")


def run(args) -> int:
    from retarget.body import load_body
    from retarget.export import write_motion
    from retarget.fit import fit_sequence
    from signllm.commands.generate import DEFAULT_GENERATOR
    from signllm.coverage import bundled_models
    from signllm.formats import write
    from signllm.generation import load_generator
    from signllm.languages import get_language

    language = get_language(args.lang)
    args.out.mkdir(parents=True, exist_ok=True)
    body = load_body(None)
    runs = [(DEFAULT_GENERATOR, {}, "hello")]
    if "mlsf" in bundled_models():
        runs.append(("signllm", {"mode": "mlsf"}, "hello-signllm"))
    print(f"signllm demo: {args.text!r} in {language.signllm_name} ({language.code}), "
          f"avatar: {body.name}")
    written = []
    for name, options, stem in runs:
        stream = load_generator(name, **options).stream(args.text, language)
        _report(stream)
        seq = stream.collect()
        motion = fit_sequence(seq, body)
        paths = [args.out / f"{stem}{suffix}" for suffix in (".pose", ".glb", ".bvh", ".gif")]
        write(paths[0], seq)
        write_motion(paths[1], motion, body)
        write_motion(paths[2], motion, body)
        write_motion(paths[3], motion, body, keypoints=seq)   # avatar with its keypoints beside
        written += paths
    print("wrote:")
    for path in written:
        print(f"  {path}")
    print("next: open the .gif; load the .glb in any glTF viewer or engine; "
          "'signllm generate --help' for your own sentences")
    return 0
