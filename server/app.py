"""Assemble and run the server: servicer + health + reflection + auth + TLS, graceful drain."""
from __future__ import annotations

import asyncio
import errno
import logging
import signal
import socket
from dataclasses import dataclass, field

import grpc
from grpc_health.v1 import _async as health_aio
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from signllm.errors import BadInputError
from signllm_api.v1 import signllm_pb2 as pb

from . import defaults, reflection_v1
from .auth import TokenInterceptor
from .decoding import Calls, add_service, health_servicer
from .servicer import ServerOptions, SignLLMServicer

log = logging.getLogger("signllm.server")
SERVICE = pb.DESCRIPTOR.services_by_name["SignLLM"].full_name
MAX_MESSAGE = 16 * 1024 * 1024  # a GLB avatar fits; requests are tiny


@dataclass
class ServeConfig:
    host: str = defaults.HOST
    port: int = defaults.PORT
    token: str | None = None
    tls_cert: bytes | None = None
    tls_key: bytes | None = None
    grace_s: float = defaults.GRACE_S
    options: ServerOptions = field(default_factory=ServerOptions)


@dataclass
class RunningServer:
    server: grpc.aio.Server
    port: int
    servicer: SignLLMServicer
    health: health_aio.HealthServicer
    calls: Calls

    async def drain(self, grace_s: float) -> None:
        """Refuse new work, let running streams finish for `grace_s`, then cancel the rest.

        The listener stays open while streams finish so that `Check` answers NOT_SERVING (not
        UNAVAILABLE); health `Watch` calls never count as work and are cancelled at the end."""
        await self.health.enter_graceful_shutdown()
        self.servicer.admission.draining = True
        deadline = asyncio.get_running_loop().time() + grace_s
        while self.servicer.admission.active and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        if self.servicer.admission.active:
            log.warning("stopping: grace over, cutting %d stream(s)", self.servicer.admission.active)
        await self.calls.cut_all()
        await self.server.stop(0)


def _check_bindable(host: str, port: int) -> None:
    """Try the address first with a plain socket: grpc's own failure is a C-core log line plus
    "Failed to bind", and says neither which address nor why."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        raise BadInputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    family, kind, proto, _, sockaddr = infos[0]
    with socket.socket(family, kind, proto) as probe:
        try:
            probe.bind(sockaddr)
        except OSError as exc:
            raise BadInputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}"
                                + (" (another server holds it?)" if exc.errno == errno.EADDRINUSE else "")) from exc


async def start_server(config: ServeConfig, servicer: SignLLMServicer | None = None) -> RunningServer:
    interceptors = [TokenInterceptor(config.token)] if config.token else []
    server = grpc.aio.server(interceptors=interceptors, options=[
        ("grpc.max_send_message_length", MAX_MESSAGE),
        ("grpc.max_receive_message_length", 1024 * 1024),
        ("grpc.so_reuseport", 0)])  # a taken port is an error, never a second server sharing it
    servicer = servicer or SignLLMServicer(config.options)
    calls = Calls()
    add_service(servicer, server, calls)
    checks = health_servicer(calls)  # async: a Watch never holds a thread or the loop
    health_pb2_grpc.add_HealthServicer_to_server(checks, server)
    for name in (SERVICE, ""):
        await checks.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection_v1.enable((SERVICE, health.SERVICE_NAME), server)
    address = f"{config.host}:{config.port}"
    _check_bindable(config.host, config.port)
    try:
        if config.tls_cert:
            port = server.add_secure_port(address, grpc.ssl_server_credentials([(config.tls_key, config.tls_cert)]))
        else:
            port = server.add_insecure_port(address)
    except RuntimeError as exc:  # grpc says only "Failed to bind"
        raise BadInputError(f"cannot listen on {address}: the port is taken or the host is not "
                            f"an address of this machine") from exc
    await server.start()
    return RunningServer(server, port, servicer, checks, calls)


async def serve(config: ServeConfig) -> None:
    """Run until SIGTERM/SIGINT, then drain within `config.grace_s`."""
    running = await start_server(config)
    log.warning("signllm server listening on %s:%d (%s, generator %s)", config.host, running.port,
                "TLS" if config.tls_cert else "plaintext", config.options.generator)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.warning("stopping: draining streams for up to %.0f s", config.grace_s)
    await running.drain(config.grace_s)
