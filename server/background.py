"""Run the aio server on its own event loop in a daemon thread: for tests, benchmarks and
embedding the server in an application that is not asyncio-based."""
from __future__ import annotations

import asyncio
import threading

from .app import RunningServer, ServeConfig, start_server


class BackgroundServer:
    def __init__(self, config: ServeConfig, servicer=None):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="signllm-server", daemon=True)
        self.thread.start()
        self.running: RunningServer = asyncio.run_coroutine_threadsafe(
            start_server(config, servicer), self.loop).result(timeout=120)

    @property
    def port(self) -> int:
        return self.running.port

    @property
    def servicer(self):
        return self.running.servicer

    def stop(self, grace_s: float = 1.0) -> None:
        asyncio.run_coroutine_threadsafe(self.running.drain(grace_s), self.loop).result(timeout=grace_s + 30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    def __enter__(self) -> "BackgroundServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
