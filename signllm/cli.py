"""The `signllm` command: the composition root that wires the wings together.

Each subcommand lives in its own module exposing HELP, `configure(parser)` and `run(args)`;
modules keep heavy imports (torch, smplx, grpc) inside `run` so `--help` stays instant.
Errors the user can fix become one line on stderr and exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from . import __version__
from .errors import SignLLMError

# name -> module; listed in the order `--help` shows them.
COMMANDS = {
    "demo": "signllm.commands.demo",
    "generate": "signllm.commands.generate",
    "info": "signllm.commands.info",
    "convert": "signllm.commands.convert",
    "languages": "signllm.commands.languages",
    "search": "signllm.commands.search",
    "sign": "signllm.commands.sign",
    "retarget": "retarget.cli_retarget",
    "render": "retarget.cli_render",
    "evaluate": "training.cli_evaluate",
    "serve": "server.cli_serve",
    "client": "server.cli_client",
}

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="signllm",
        description="Offline multilingual sign-language pose generation for avatars: text in one "
                    "of eight sign languages -> keypoints -> SMPL-X motion (BVH, GLB, NPZ, .pose, "
                    ".skels, video) or a gRPC stream.",
        epilog="Run 'signllm COMMAND --help' for the options of a command.")
    parser.add_argument("--version", action="version", version=f"signllm {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--debug", action="store_true",
                        help="show full tracebacks instead of one-line errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # that wing is not installed in this build
            raise
        command = sub.add_parser(name, help=module.HELP, description=module.HELP,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
        module.configure(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args._run(args) or 0)
    except SignLLMError as exc:
        if args.debug:
            raise
        print(f"signllm {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, MemoryError) as exc:
        if args.debug:
            raise
        print(f"signllm {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"signllm {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
