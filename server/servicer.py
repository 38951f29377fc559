"""The signllm.v1 service on grpc.aio: a thin translation between messages and domain calls.

Validation (`limits`), admission (`admission`), the chunk pipeline (`pipeline`) and pacing
(`pacing`) are their own pieces; this module wires them per call, maps errors to gRPC statuses
and writes one JSON log line per Generate call.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from contextlib import aclosing
from concurrent.futures import ThreadPoolExecutor

import grpc

from signllm.errors import (BadInputError, ModelError, NoDataError, SignLLMError,
                            UnsupportedLanguageError)
from signllm_api.v1 import signllm_pb2 as pb
from signllm_api.v1 import signllm_pb2_grpc as pb_grpc

from . import messages
from .admission import Admission
from .limits import RequestError, abort, validate
from .models import Models, ServerOptions
from .pacing import Pacer
from .pipeline import Pipeline

__all__ = ["Models", "ServerOptions", "SignLLMServicer"]

log = logging.getLogger("signllm.server")
ERROR_CODES = ((UnsupportedLanguageError, grpc.StatusCode.NOT_FOUND),
               (NoDataError, grpc.StatusCode.FAILED_PRECONDITION),
               (ModelError, grpc.StatusCode.FAILED_PRECONDITION),
               (BadInputError, grpc.StatusCode.INVALID_ARGUMENT))


def error_status(exc: Exception) -> tuple[grpc.StatusCode, str]:
    """The gRPC status and message a failed call ends with."""
    if isinstance(exc, RequestError):
        return exc.code, exc.message
    if isinstance(exc, SignLLMError):
        code = next((code for kind, code in ERROR_CODES if isinstance(exc, kind)),
                    grpc.StatusCode.INVALID_ARGUMENT)
        return code, str(exc)
    return grpc.StatusCode.INTERNAL, f"internal error: {type(exc).__name__}: {exc}"



class ClientGone(Exception):
    """The client cancelled or disconnected while frames were being written."""


async def _write(context, message) -> None:
    try:
        await context.write(message)
    except Exception as exc:  # grpc raises its internal ExecuteBatchError once the peer has gone
        raise ClientGone() from exc

class SignLLMServicer(pb_grpc.SignLLMServicer):
    def __init__(self, options: ServerOptions, models: Models | None = None,
                 executor: ThreadPoolExecutor | None = None):
        self.options = options
        self.models = models or Models(options)
        # About one thread per core: the work holds the GIL in short bursts, and many threads
        # contending for it starve the event loop (measured: 32 threads halved frames/s).
        self.executor = executor or ThreadPoolExecutor(
            max_workers=options.workers or max(2, os.cpu_count() or 2), thread_name_prefix="signllm-gen")
        self.pipeline = Pipeline(self.models, self.executor)
        self.admission = Admission(options.limits.max_streams)

    async def Generate(self, request, context):
        t0 = time.perf_counter()
        record = {"id": request.request_id, "language": request.language, "frames": 0,
                  "ttff_ms": None, "outcome": "ok"}
        try:  # validated before admission: a wrong request is told so even when the server is full
            req = validate(request, self.options.limits, self.options.generator, self.options.mode)
            with self.admission.slot():
                job = await self.pipeline.open(req)
                try:
                    await self._send(job, req, context, record, t0)
                finally:
                    self.pipeline.close(job)
        except ClientGone:  # a write found the stream closed: nobody is left to tell
            record["outcome"] = "CANCELLED"
        except asyncio.CancelledError:
            record["outcome"] = "CANCELLED"  # a client gone, or cut at the end of a drain: one log line
            raise
        except Exception as exc:  # a bug must end one call, never the server
            code, message = error_status(exc)
            record["outcome"] = code.name
            if code == grpc.StatusCode.INTERNAL:
                log.exception("request %s failed", request.request_id)
            await abort(context, code, message)
        finally:
            record["total_ms"] = round(1000 * (time.perf_counter() - t0), 1)
            log.info(json.dumps(record))

    async def _send(self, job, req, context, record: dict, t0: float) -> None:
        """Header, paced frames, then the success status; `record` counts for the log line."""
        record["language"] = job.header.language
        await _write(context, pb.GenerateResponse(header=job.header))
        pacer = Pacer(req.pacing == pb.PACING_REALTIME)
        async with aclosing(self.pipeline.chunks(job)) as chunks:
            async for frames in chunks:
                for frame in frames:
                    await pacer.wait(frame.time_code)
                    if record["ttff_ms"] is None:
                        record["ttff_ms"] = round(1000 * (pacer.start - t0), 1)
                    await _write(context, pb.GenerateResponse(frame=frame))
                    record["frames"] += 1
        await _write(context, pb.GenerateResponse(status=pb.Status(
            code=pb.Status.SUCCESS, message="ok", frames_sent=record["frames"],
            time_to_first_frame_s=(record["ttff_ms"] or 0) / 1000,
            total_s=time.perf_counter() - t0, duration_s=record["frames"] / job.header.fps)))

    async def ListLanguages(self, request, context):
        from signllm.coverage import coverage_table
        from signllm.languages import get_language

        return pb.ListLanguagesResponse(languages=[
            messages.language_info(c, get_language(c.code).aliases) for c in coverage_table()])

    async def GetAvatar(self, request, context):
        try:
            betas = validate(pb.GenerateRequest(text="x", language="x", betas=request.betas),
                             self.options.limits, self.options.generator, self.options.mode).betas
        except RequestError as exc:
            await abort(context, exc.code, exc.message)
        body = self.models.body_for(betas)
        glb = b""
        if request.include_glb:
            from retarget.export_glb import avatar_glb_bytes
            glb = await asyncio.get_running_loop().run_in_executor(self.executor, avatar_glb_bytes, body)
        return pb.GetAvatarResponse(skeleton=messages.skeleton(body), rest_joints=messages.vec3s(body.rest_joints()),
                                    body=body.name, glb=glb, coordinates=messages.COORDINATES)
