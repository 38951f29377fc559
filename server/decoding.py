"""Handlers that parse safely and can be ended by a drain.

grpc answers an undecodable body with UNKNOWN ("Unexpected DecodeError"), which tells a client
nothing useful, and logs every call cut by `server.stop()` as a CancelledError traceback; a call
cut at the end of a drain is expected: it ends UNAVAILABLE (Generate logs one line, CANCELLED)."""
from __future__ import annotations

import asyncio
import functools

import grpc
from google.protobuf.message import DecodeError
from grpc_health.v1 import _async as health_aio

from signllm_api.v1 import signllm_pb2 as pb

from .limits import abort


class Undecodable:
    """Stands in for a request body that is not a valid protobuf of the method's type."""

    def __init__(self, type_name: str, error: str):
        self.type_name, self.error = type_name, error


def _parser(cls):
    def parse(data: bytes):
        try:
            return cls.FromString(data)
        except (DecodeError, ValueError, RuntimeError) as exc:
            return Undecodable(cls.__name__, str(exc))
    return parse


class Calls:
    """The calls in progress, so that a drain can end them itself: a call cancelled by
    `server.stop()` is logged by grpc as a CancelledError traceback."""

    def __init__(self):
        self.cuts: set[asyncio.Future] = set()

    def guard(self, method):
        @functools.wraps(method)
        async def call(*args):  # (request, context), or (self, request, context) as a method
            request, context = args[-2:]
            if isinstance(request, Undecodable):
                await abort(context, grpc.StatusCode.INVALID_ARGUMENT,
                            f"request body is not a {request.type_name} ({request.error})")
            inner = asyncio.ensure_future(method(*args))
            cut = asyncio.get_running_loop().create_future()
            self.cuts.add(cut)
            try:
                await asyncio.wait((inner, cut), return_when=asyncio.FIRST_COMPLETED)
                if inner.done():
                    return inner.result()
                inner.cancel()
                await asyncio.gather(inner, return_exceptions=True)
                await abort(context, grpc.StatusCode.UNAVAILABLE,
                            "server stopped: the call was cut at the end of the drain")
            finally:
                self.cuts.discard(cut)
                inner.cancel()
        return call

    async def cut_all(self, wait_s: float = 1.0) -> None:
        """End every open call with UNAVAILABLE; wait up to `wait_s` for them to finish."""
        for cut in list(self.cuts):
            if not cut.done():
                cut.set_result(None)
        deadline = asyncio.get_running_loop().time() + wait_s
        while self.cuts and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.01)


def health_servicer(calls: Calls) -> health_aio.HealthServicer:
    """grpc's asyncio health servicer (a Watch holds no thread), its Watch ended by a drain."""
    servicer = health_aio.HealthServicer()
    servicer.Watch = calls.guard(servicer.Watch)
    return servicer


def add_service(servicer, server, calls: Calls) -> None:
    """Like the generated add_SignLLMServicer_to_server, with the tolerant parser."""
    service = pb.DESCRIPTOR.services_by_name["SignLLM"]
    handlers = {}
    for m in service.methods:
        make = (grpc.unary_stream_rpc_method_handler if m.server_streaming
                else grpc.unary_unary_rpc_method_handler)
        handlers[m.name] = make(calls.guard(getattr(servicer, m.name)),
                                request_deserializer=_parser(getattr(pb, m.input_type.name)),
                                response_serializer=getattr(pb, m.output_type.name).SerializeToString)
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(service.full_name, handlers),))
