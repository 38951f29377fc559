"""One small exception hierarchy for the whole project.

Every message names the file, line, frame, field or value at fault, so the CLI can print it as
one line and the server can map it to a gRPC status without guessing.
"""
from __future__ import annotations


class SignLLMError(Exception):
    """Base class: anything the user can fix by changing their input or options."""


class BadInputError(SignLLMError, ValueError):
    """A file, value or option that cannot be read or used (maps to INVALID_ARGUMENT)."""

    def __init__(self, message: str, *, path: object = None, line: int | None = None,
                 frame: int | None = None):
        where = []
        if path is not None:
            where.append(str(path))
        if line is not None:
            where.append(f"line {line}")
        if frame is not None:
            where.append(f"frame {frame}")
        self.path, self.line, self.frame = path, line, frame
        super().__init__(f"{': '.join([', '.join(where), message]) if where else message}")


class UnsupportedFormatError(BadInputError):
    """A file extension or format name we do not know."""


class UnsupportedLanguageError(SignLLMError, LookupError):
    """A language code or alias that is not one of the eight (maps to NOT_FOUND)."""


class NoDataError(SignLLMError):
    """A known language for which no data or model exists (maps to FAILED_PRECONDITION)."""


class ModelError(SignLLMError):
    """A checkpoint that is missing, corrupt or incompatible."""
