"""Assemble and run the server: servicer + health + reflection + auth + TLS, graceful drain."""
from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass, field

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from signllm_api.v1 import signllm_pb2 as pb
from signllm_api.v1 import signllm_pb2_grpc as pb_grpc

from .auth import TokenInterceptor
from .servicer import ServerOptions, SignLLMServicer

log = logging.getLogger("signllm.server")
SERVICE = pb.DESCRIPTOR.services_by_name["SignLLM"].full_name
MAX_MESSAGE = 16 * 1024 * 1024  # a GLB avatar fits; requests are tiny


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 50051
    token: str | None = None
    tls_cert: bytes | None = None
    tls_key: bytes | None = None
    grace_s: float = 10.0
    options: ServerOptions = field(default_factory=ServerOptions)


@dataclass
class RunningServer:
    server: grpc.aio.Server
    port: int
    servicer: SignLLMServicer
    health: health.HealthServicer

    async def drain(self, grace_s: float) -> None:
        """Refuse new work, let running streams finish for `grace_s`, then cancel the rest."""
        self.health.enter_graceful_shutdown()
        await self.server.stop(grace_s)


async def start_server(config: ServeConfig, servicer: SignLLMServicer | None = None) -> RunningServer:
    interceptors = [TokenInterceptor(config.token)] if config.token else []
    server = grpc.aio.server(interceptors=interceptors, options=[
        ("grpc.max_send_message_length", MAX_MESSAGE),
        ("grpc.max_receive_message_length", 1024 * 1024)])
    servicer = servicer or SignLLMServicer(config.options)
    pb_grpc.add_SignLLMServicer_to_server(servicer, server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in (SERVICE, ""):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection((SERVICE, health.SERVICE_NAME, reflection.SERVICE_NAME), server)
    address = f"{config.host}:{config.port}"
    if config.tls_cert:
        port = server.add_secure_port(address, grpc.ssl_server_credentials([(config.tls_key, config.tls_cert)]))
    else:
        port = server.add_insecure_port(address)
    await server.start()
    return RunningServer(server, port, servicer, health_servicer)


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
