"""The one error tail of every `python -m training.*` entry point.

A SignLLMError (bad config, corpus, checkpoint) or an OSError (a missing or unwritable file)
becomes one line on stderr and exit code 2, as `signllm` does; Ctrl-C exits with 130. Never a
traceback for a user's mistake.
"""
from __future__ import annotations

import functools
import sys
from typing import Callable

from signllm.errors import SignLLMError


def entry_point(main: Callable[[list[str] | None], int]) -> Callable[[list[str] | None], int]:
    @functools.wraps(main)
    def guarded(argv: list[str] | None = None) -> int:
        try:
            return main(argv)
        except (SignLLMError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
    return guarded
