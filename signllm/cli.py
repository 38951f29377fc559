"""The `signllm` command: the composition root that wires the wings together.

Each subcommand lives in its own module exposing HELP, `configure(parser)` and `run(args)`;
modules keep heavy imports (torch, smplx, grpc) inside `run` so `--help` stays instant.
Errors the user can fix become exactly one line on stderr (`signllm CMD: error: FILE: PLACE:
WHAT`) and exit code 2, never a traceback; the file commands hold warnings back until they
succeeded.
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
# File commands whose warnings wait for the outcome (one error line, or warnings after success);
# long-running ones (serve, training, generation) log as they go.
HOLD_WARNINGS = {"info", "convert", "retarget", "render"}


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


class _HeldBack(logging.Handler):
    """Keeps warnings until the command ends: shown after a success, dropped after an error
    (whose one line says what went wrong), so stderr never mixes the two."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def _setup_logging(verbose: bool, hold: bool) -> _HeldBack | None:
    """--verbose: everything (python warnings too) to stderr as it happens; otherwise python's
    warnings (torch, numpy) are dropped and, for `hold`, ours wait for the outcome."""
    logging.captureWarnings(True)
    fmt = "%(levelname)s %(name)s: %(message)s"
    if verbose:
        logging.basicConfig(level=logging.INFO, format=fmt)
        return None
    logging.getLogger("py.warnings").setLevel(logging.ERROR)
    if not hold:
        logging.basicConfig(level=logging.WARNING, format=fmt)
        return None
    held = _HeldBack()
    held.setFormatter(logging.Formatter(fmt))
    logging.basicConfig(level=logging.WARNING, handlers=[held])
    return held


def one_line(exc: BaseException) -> str:
    """An error as one line: the message (file, place, what) or, for OS errors, file + reason."""
    if isinstance(exc, OSError) and exc.strerror:
        where = ": ".join(str(f) for f in (exc.filename, exc.filename2) if f is not None)
        text = f"{where}: {exc.strerror}" if where else exc.strerror
    elif isinstance(exc, MemoryError):
        text = f"out of memory{f' ({exc})' if str(exc) else ''}"
    else:
        text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    held = _setup_logging(args.verbose, args.command in HOLD_WARNINGS)
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        code = int(args._run(args) or 0)
    except (SignLLMError, OSError, MemoryError) as exc:
        if args.debug:
            raise
        print(f"signllm {args.command}: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"signllm {args.command}: interrupted", file=sys.stderr)
        return 130
    for record in held.records if held else ():
        print(held.format(record), file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
