"""Request validation: every bad field becomes (gRPC status code, precise message) before any work."""
from __future__ import annotations

import math
from dataclasses import dataclass

import grpc

from signllm.generation import GENERATORS, MODES
from signllm_api.v1 import signllm_pb2 as pb

from . import defaults

MIN_FPS, MAX_FPS = 1.0, 120.0
MAX_BETAS, MAX_ABS_BETA = 10, 5.0
MAX_ID_LENGTH = 128


class RequestError(Exception):
    """A request the server refuses, with the status code the client receives."""

    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Limits:
    max_text_length: int = defaults.MAX_TEXT_LENGTH
    max_streams: int = defaults.MAX_STREAMS


@dataclass(frozen=True)
class ValidRequest:
    text: str
    is_prompt: bool
    language: str | None
    generator: str
    mode: str
    payload: int
    fps: float | None
    pacing: int
    betas: tuple[float, ...]
    request_id: str
    seed: int  # 0 is seed 0, as `signllm generate`'s default: the CLI's output is reproducible here
    face: bool = True  # the face channel where the generator makes one (request.no_face off)


MAX_DETAIL = 1000  # characters of an error message
MAX_DETAIL_WIRE = 4000  # bytes once percent-encoded: clients drop a stream whose trailers pass 8 kB


def _wire_size(char: str) -> int:
    """What one character costs in the grpc-message trailer: non-ASCII bytes are sent as %XX."""
    return 1 if " " <= char <= "~" and char != "%" else 3 * len(char.encode("utf-8"))


def shorten(text: str, limit: int = MAX_DETAIL) -> str:
    """A message or echoed value cut to `limit` characters and to MAX_DETAIL_WIRE bytes on the wire,
    saying how much was cut: one CJK character costs 9 trailer bytes."""
    kept, size = 0, 0
    for char in text[:limit]:
        size += _wire_size(char)
        if size > MAX_DETAIL_WIRE:
            break
        kept += 1
    return text if kept == len(text) else f"{text[:kept]}… ({len(text) - kept} more characters)"


def _echo(value: str) -> str:
    return repr(shorten(value, 40))


async def abort(context, code: grpc.StatusCode, message: str):
    """Every error status goes out through here, bounded so that it always reaches the client."""
    await context.abort(code, shorten(message))


def _bad(message: str) -> RequestError:
    return RequestError(grpc.StatusCode.INVALID_ARGUMENT, message)


def validate(req: pb.GenerateRequest, limits: Limits, default_generator: str,
             default_mode: str) -> ValidRequest:
    kind = req.WhichOneof("input")
    text = (req.text if kind == "text" else req.prompt if kind == "prompt" else "").strip()
    field = kind or "text"
    if not text:
        raise _bad(f"{field} is empty: send the sentence to sign in 'text' (or a prompt in 'prompt')")
    if len(text) > limits.max_text_length:
        raise _bad(f"{field} has {len(text)} characters; the limit is {limits.max_text_length}")
    if "\x00" in text:
        raise _bad(f"{field} contains a NUL character")
    if not req.language.strip() and kind != "prompt":
        raise _bad("language is empty: give a code or alias (e.g. 'ase' or 'ASL'), "
                   "or send a prompt that names the language")
    generator = req.generator.strip().lower() or default_generator
    if generator not in GENERATORS:
        raise _bad(f"generator {_echo(req.generator)} is unknown; choose from {', '.join(GENERATORS)}")
    mode = req.mode.strip().lower() or default_mode
    if mode not in MODES:
        raise _bad(f"mode {_echo(req.mode)} is unknown; choose from {', '.join(MODES)}")
    if req.payload not in pb.Payload.values():
        raise _bad(f"payload {req.payload} is unknown; choose from "
                   f"{', '.join(pb.Payload.keys())}")
    if req.pacing not in pb.Pacing.values():
        raise _bad(f"pacing {req.pacing} is unknown; choose from {', '.join(pb.Pacing.keys())}")
    fps = float(req.fps)
    if fps != 0.0 and not (MIN_FPS <= fps <= MAX_FPS):  # NaN fails this comparison too
        raise _bad(f"fps is {req.fps}; it must be 0 (the generator's default) or between "
                   f"{MIN_FPS:g} and {MAX_FPS:g}")
    betas = tuple(float(b) for b in req.betas)
    if len(betas) > MAX_BETAS:
        raise _bad(f"betas has {len(betas)} values; at most {MAX_BETAS}")
    for i, b in enumerate(betas):
        if not math.isfinite(b) or abs(b) > MAX_ABS_BETA:
            raise _bad(f"betas[{i}] is {b}; each must be finite and within ±{MAX_ABS_BETA:g}")
    if len(req.request_id) > MAX_ID_LENGTH:
        raise _bad(f"request_id has {len(req.request_id)} characters; at most {MAX_ID_LENGTH}")
    return ValidRequest(text=text, is_prompt=kind == "prompt", language=req.language.strip() or None,
                        generator=generator, mode=mode, payload=req.payload, fps=fps or None,
                        pacing=req.pacing, betas=betas, request_id=req.request_id, seed=int(req.seed),
                        face=not req.no_face)
