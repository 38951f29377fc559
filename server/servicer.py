"""The signllm.v1 service on grpc.aio.

Why this shape: the event loop only schedules and writes; generation and fitting (CPU work that
holds the GIL in bursts) run in a thread pool one small chunk at a time, so a slow stream never
stalls another, `await context.write()` applies each stream's flow control (backpressure), and a
cancelled or timed-out call stops after at most one chunk and releases its slot. Rotation
chunks of all streams are fitted together in one solve (`batching.MicroBatcher`): the solve's
fixed cost, not its size, is what limits how many real-time streams two cores can feed.
"""
from __future__ import annotations

import asyncio
import functools
import itertools
import json
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import grpc
import numpy as np

from signllm.errors import (BadInputError, ModelError, NoDataError, SignLLMError,
                            UnsupportedLanguageError)
from signllm_api.v1 import signllm_pb2 as pb
from signllm_api.v1 import signllm_pb2_grpc as pb_grpc

from . import messages
from .batching import MicroBatcher
from .limits import Limits, RequestError, abort, validate

log = logging.getLogger("signllm.server")
FIRST_CHUNK, CHUNK = 1, 16  # frames per worker step: 1 first (fast first frame), doubling up to 16
ERROR_CODES = ((UnsupportedLanguageError, grpc.StatusCode.NOT_FOUND),
               (NoDataError, grpc.StatusCode.FAILED_PRECONDITION),
               (ModelError, grpc.StatusCode.FAILED_PRECONDITION),
               (BadInputError, grpc.StatusCode.INVALID_ARGUMENT))


def status_for(exc: SignLLMError) -> grpc.StatusCode:
    for kind, code in ERROR_CODES:
        if isinstance(exc, kind):
            return code
    return grpc.StatusCode.INVALID_ARGUMENT


@dataclass
class ServerOptions:
    generator: str = "lexicon"
    mode: str = "mlsf"
    model: str | None = None
    smplx_model: str | None = None
    limits: Limits = Limits()
    workers: int = 0          # generation/fitting threads; 0 = one per CPU core


class Models:
    """Generators and the body, each loaded once and shared by every stream."""

    def __init__(self, options: ServerOptions):
        self.options = options
        self._generators: dict[tuple[str, str], object] = {}
        self._lock = threading.Lock()
        from retarget.body import load_body
        from retarget.fit import StreamingFitter  # noqa: F401  (import cost paid at start, not per call)
        self.body = load_body(options.smplx_model)
        self.generator(options.generator, options.mode)  # fail at start, not on the first call

    def generator(self, name: str, mode: str):
        from signllm.generation import load_generator
        key = (name, mode if name == "signllm" else "")
        with self._lock:
            if key not in self._generators:
                extra = {"mode": mode, "model": self.options.model} if name == "signllm" else {}
                self._generators[key] = load_generator(name, **extra)
            return self._generators[key]

    def body_for(self, betas):
        return self.body.with_betas(betas) if betas else self.body


class Job:
    """One stream's blocking work: start the generator, then produce message chunks."""

    def __init__(self, models: Models, request):
        self.models, self.request = models, request
        self.frames = None
        self.fitter = None
        self.index = 0
        self.lock = threading.Lock()  # close() waits for a chunk still running in another thread

    def start(self) -> pb.Header:
        from signllm.coverage import coverage, no_data_message
        from signllm.generation import prompt_frames
        from signllm.languages import get_language
        from signllm.prompts import parse_prompt

        r = self.request
        language = get_language(r.language) if r.language else None
        text = r.text
        if r.is_prompt:
            model = self.models.options.model if r.mode == "prompt" else None
            parsed = parse_prompt(r.text, language=language.code if language else None,
                                  frames=functools.partial(prompt_frames, str(model) if model else None))
            language = language or (get_language(parsed.language) if parsed.language else None)
            if not (r.generator == "signllm" and r.mode == "prompt"):
                text = parsed.sentence
        if language is None:
            raise BadInputError("no sign language: set 'language' or name it in the prompt")
        cov = coverage(language)
        if r.generator == "signllm" and self.models.options.model is None and r.mode not in cov.models:
            raise NoDataError(no_data_message(language))
        stream = self.models.generator(r.generator, r.mode).stream(text, language, seed=r.seed, fps=r.fps)
        self.info, self.frames = stream.info, iter(stream.frames)
        self.body = self.models.body_for(r.betas)
        if r.payload != pb.PAYLOAD_KEYPOINTS:
            from retarget.fit import StreamingFitter
            self.fitter = StreamingFitter(self.body, self.info.fps)
        return messages.header(self.info, r.request_id, self.body, r.payload, cov.label)

    def take(self, size: int) -> list:
        """Up to `size` next generated frames (empty at the end)."""
        with self.lock:
            return list(itertools.islice(self.frames, size))

    def chunk(self, size: int) -> list[pb.Frame]:
        """Keypoints only: up to `size` next wire frames, nothing to fit."""
        return self.pack(self.take(size))

    def pack(self, frames: list, motions=None) -> list[pb.Frame]:
        """Wire frames from generated frames and, for rotations, their fitted motion frames."""
        quats = transl = [None] * len(frames)
        if motions:
            quats, transl = messages.quaternions(motions), [m.transl for m in motions]
        keypoints = self.request.payload != pb.PAYLOAD_ROTATIONS
        out = [messages.frame(self.index + i, self.info.fps, quats[i], transl[i],
                              f.joints if keypoints else None, f.confidence)
               for i, f in enumerate(frames)]
        self.index += len(out)
        return out

    def close(self) -> None:
        with self.lock:
            close = getattr(self.frames, "close", None)
            if close:
                close()


def fit_chunks(items: list[tuple[Job, list]]) -> list[list[pb.Frame]]:
    """One solve for the next chunk of every stream that asked meanwhile (see batching.py)."""
    from retarget.fit import push_batch

    motions = push_batch([job.fitter for job, _ in items],
                         [np.stack([f.joints for f in frames]) for _, frames in items],
                         [np.stack([f.confidence for f in frames]) for _, frames in items])
    return [job.pack(frames, m) for (job, frames), m in zip(items, motions)]


class SignLLMServicer(pb_grpc.SignLLMServicer):
    def __init__(self, options: ServerOptions, models: Models | None = None,
                 executor: ThreadPoolExecutor | None = None):
        self.options = options
        self.models = models or Models(options)
        # About one thread per core: the work holds the GIL in short bursts, and many threads
        # contending for it starve the event loop (measured: 32 threads halved frames/s).
        self.executor = executor or ThreadPoolExecutor(
            max_workers=options.workers or max(2, os.cpu_count() or 2), thread_name_prefix="signllm-gen")
        self.fitting = MicroBatcher(fit_chunks, self.executor)
        self.active = 0
        self.draining = False

    async def next_chunk(self, job: Job, size: int) -> list[pb.Frame]:
        """The stream's next wire frames; rotations are fitted in a batch with other streams'."""
        loop = asyncio.get_running_loop()
        if job.fitter is None:
            return await loop.run_in_executor(self.executor, job.chunk, size)
        frames = await loop.run_in_executor(self.executor, job.take, size)
        return await self.fitting.submit((job, frames)) if frames else []

    async def Generate(self, request, context):
        t0 = time.perf_counter()
        record = {"id": request.request_id, "language": request.language, "frames": 0,
                  "ttff_ms": None, "outcome": "ok"}
        try:  # validated before admission: a wrong request is told so even when the server is full
            req = validate(request, self.options.limits, self.options.generator, self.options.mode)
        except RequestError as exc:
            record["outcome"] = exc.code.name
            log.info(json.dumps(record))
            await abort(context, exc.code, exc.message)
        if self.draining:
            await abort(context, grpc.StatusCode.UNAVAILABLE, "server is shutting down; retry on another")
        if self.active >= self.options.limits.max_streams:
            record["outcome"] = "RESOURCE_EXHAUSTED"
            log.warning(json.dumps(record))
            await abort(context, grpc.StatusCode.RESOURCE_EXHAUSTED,
                                f"server busy: {self.active} streams running, the limit is "
                                f"{self.options.limits.max_streams}; retry later")
        self.active += 1
        job = pending = None
        loop = asyncio.get_running_loop()
        try:
            job = Job(self.models, req)
            head = await loop.run_in_executor(self.executor, job.start)
            record["language"] = head.language
            await context.write(pb.GenerateResponse(header=head))
            start, size = None, FIRST_CHUNK
            pending = asyncio.ensure_future(self.next_chunk(job, FIRST_CHUNK))
            while True:
                frames = await pending
                if not frames:
                    break
                # one chunk of lookahead: the next is computed while this one is sent (paced),
                # and no more, so a slow reader still holds back the work (backpressure)
                # doubling sizes: each chunk's playback time covers computing the next one
                size = min(2 * size, CHUNK)
                pending = asyncio.ensure_future(self.next_chunk(job, size))
                for frame in frames:
                    if start is None:
                        start = time.perf_counter()
                        record["ttff_ms"] = round(1000 * (start - t0), 1)
                    elif req.pacing == pb.PACING_REALTIME:
                        delay = start + frame.time_code - time.perf_counter()
                        if delay > 0:
                            await asyncio.sleep(delay)
                    await context.write(pb.GenerateResponse(frame=frame))
                    record["frames"] += 1
            total = time.perf_counter() - t0
            await context.write(pb.GenerateResponse(status=pb.Status(
                code=pb.Status.SUCCESS, message="ok", frames_sent=record["frames"],
                time_to_first_frame_s=(record["ttff_ms"] or 0) / 1000, total_s=total,
                duration_s=record["frames"] / head.fps)))
        except RequestError as exc:
            record["outcome"] = exc.code.name
            await abort(context, exc.code, exc.message)
        except SignLLMError as exc:
            record["outcome"] = status_for(exc).name
            await abort(context, status_for(exc), str(exc))
        except asyncio.CancelledError:
            record["outcome"] = "CANCELLED"  # a client gone, or cut at the end of a drain: one log line
            raise
        except Exception as exc:  # a bug must end one call, never the server
            record["outcome"] = "INTERNAL"
            log.exception("request %s failed", request.request_id)
            await abort(context, grpc.StatusCode.INTERNAL, f"internal error: {type(exc).__name__}: {exc}")
        finally:
            self.active -= 1
            if pending is not None:
                pending.cancel()
            if job is not None:
                self.executor.submit(job.close)
            record["total_ms"] = round(1000 * (time.perf_counter() - t0), 1)
            log.info(json.dumps(record))

    async def ListLanguages(self, request, context):
        from signllm.coverage import coverage_table
        from signllm.languages import get_language

        return pb.ListLanguagesResponse(languages=[
            messages.language_info(c, get_language(c.code).aliases) for c in coverage_table()])

    async def GetAvatar(self, request, context):
        try:
            betas = validate(pb.GenerateRequest(text="x", language="x", betas=request.betas),
                             self.options.limits, "lexicon", "mlsf").betas
        except RequestError as exc:
            await abort(context, exc.code, exc.message)
        body = self.models.body_for(betas)
        glb = b""
        if request.include_glb:
            from retarget.export_glb import avatar_glb_bytes
            glb = await asyncio.get_running_loop().run_in_executor(self.executor, avatar_glb_bytes, body)
        return pb.GetAvatarResponse(skeleton=messages.skeleton(body), rest_joints=messages.vec3s(body.rest_joints()),
                                    body=body.name, glb=glb, coordinates=messages.COORDINATES)
