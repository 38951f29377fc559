"""One stream's chunk pipeline: resolve and start the generator, then produce wire frames.

Why chunks: the event loop only schedules and writes; generation and fitting (CPU work that
holds the GIL in bursts) run in the worker pool one small chunk at a time, so a slow stream never
stalls another, and a cancelled call stops after at most one chunk. Chunks start at one frame (a
fast first frame) and double up to CHUNK, so each chunk's playback time covers computing the
next; one chunk of look-ahead, no more, so a slow reader still holds back the work
(backpressure). Rotation chunks of all streams are fitted together in one solve
(`batching.MicroBatcher`): the solve's fixed cost, not its size, is what limits how many
real-time streams two cores can feed.
"""
from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Executor

import numpy as np

from signllm.generation import Frame, StreamInfo
from signllm.request import resolve
from signllm_api.v1 import signllm_pb2 as pb

from . import messages
from .batching import MicroBatcher
from .limits import ValidRequest
from .models import Models

FIRST_CHUNK, CHUNK = 1, 16  # frames per worker step: 1 first, doubling up to 16


class Job:
    """One started stream: its header, its frame iterator and, for rotations, its fitter."""

    def __init__(self, header: pb.Header, info: StreamInfo, frames: Iterator[Frame], fitter,
                 payload: int, face: bool = False):
        self.header, self.info, self.frames, self.fitter = header, info, frames, fitter
        self.keypoints = payload != pb.PAYLOAD_ROTATIONS
        self.face = face  # frames carry the face (the header names it)
        self.index = 0
        self.lock = threading.Lock()  # close() waits for a chunk still running in another thread

    def take(self, size: int) -> list[Frame]:
        """Up to `size` next generated frames (empty at the end)."""
        with self.lock:
            return list(itertools.islice(self.frames, size))

    def chunk(self, size: int) -> list[pb.Frame]:
        """Keypoints only: up to `size` next wire frames, nothing to fit."""
        return self.pack(self.take(size))

    def pack(self, frames: list[Frame], motions=None) -> list[pb.Frame]:
        """Wire frames from generated frames and, for rotations, their fitted motion frames."""
        quats = transl = faces = [None] * len(frames)
        face = self.face and bool(frames) and all(f.face is not None for f in frames)
        if motions:
            if face:  # jaw, eyes and the head's nods and shakes, as `signllm generate` fits them
                from retarget.face import frames_with_face
                motions = frames_with_face(motions, [f.face for f in frames])
            quats, transl = messages.quaternions(motions), [m.transl for m in motions]
        if face:
            face_quats = messages.face_quaternions([f.face for f in frames])
            faces = [messages.face(f.face.weights, q) for f, q in zip(frames, face_quats)]
        out = [messages.frame(self.index + i, self.info.fps, quats[i], transl[i],
                              f.joints if self.keypoints else None, f.confidence, faces[i])
               for i, f in enumerate(frames)]
        self.index += len(out)
        return out

    def close(self) -> None:
        with self.lock:
            close = getattr(self.frames, "close", None)
            if close:
                close()


def open_job(models: Models, req: ValidRequest) -> Job:
    """Resolve the request (signllm.request, as the CLI does) and start its generator."""
    custom = models.custom(req.generator, req.mode)
    request = resolve(req.text, req.language, generator=req.generator, mode=req.mode,
                      prompt=req.is_prompt, frames=custom.prompt_frames if custom else None,
                      custom_model=custom is not None)
    generator = custom or models.generator(request.generator, request.mode)
    if not req.face:
        generator = generator.without_face()
    stream = generator.stream(request.sentence, request.language, seed=req.seed, fps=req.fps)
    body = models.body_for(req.betas)
    fitter = None
    if req.payload != pb.PAYLOAD_KEYPOINTS:
        from retarget.fit import StreamingFitter
        fitter = StreamingFitter(body, stream.info.fps, depth_known=stream.info.depth_known)
    face = req.face and stream.info.face_names is not None
    header = messages.header(stream.info, req.request_id, body, req.payload, request.coverage.label,
                             face=face)
    return Job(header, stream.info, iter(stream.frames), fitter, req.payload, face)


def fit_chunks(items: list[tuple[Job, list[Frame]]]) -> list[list[pb.Frame]]:
    """One solve for the next chunk of every stream that asked meanwhile (see batching.py)."""
    from retarget.fit import push_batch

    motions = push_batch([job.fitter for job, _ in items],
                         [np.stack([f.joints for f in frames]) for _, frames in items],
                         [np.stack([f.confidence for f in frames]) for _, frames in items])
    return [job.pack(frames, m) for (job, frames), m in zip(items, motions)]


class Pipeline:
    """Runs jobs' blocking steps in the worker pool; rotations go through one MicroBatcher."""

    def __init__(self, models: Models, executor: Executor):
        self.models, self.executor = models, executor
        self.fitting = MicroBatcher(fit_chunks, executor)

    async def open(self, req: ValidRequest) -> Job:
        return await asyncio.get_running_loop().run_in_executor(self.executor, open_job,
                                                                self.models, req)

    def close(self, job: Job) -> None:
        self.executor.submit(job.close)

    async def _next(self, job: Job, size: int) -> list[pb.Frame]:
        loop = asyncio.get_running_loop()
        if job.fitter is None:
            return await loop.run_in_executor(self.executor, job.chunk, size)
        frames = await loop.run_in_executor(self.executor, job.take, size)
        return await self.fitting.submit((job, frames)) if frames else []

    async def chunks(self, job: Job) -> AsyncIterator[list[pb.Frame]]:
        """The job's wire frames chunk by chunk; the next is computed while one is sent."""
        size = FIRST_CHUNK
        pending = asyncio.ensure_future(self._next(job, size))
        try:
            while frames := await pending:
                size = min(2 * size, CHUNK)
                pending = asyncio.ensure_future(self._next(job, size))
                yield frames
        finally:
            pending.cancel()
