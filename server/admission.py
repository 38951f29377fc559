"""Admission: how many streams run, and whether new ones are taken (limit, drain)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import grpc

from .limits import RequestError


class Admission:
    def __init__(self, max_streams: int):
        self.max_streams = max_streams
        self.active = 0
        self.draining = False  # set by the drain (app.RunningServer.drain): new calls are refused

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one stream slot for the block; RequestError when draining or full."""
        if self.draining:
            raise RequestError(grpc.StatusCode.UNAVAILABLE, "server is shutting down; retry on another")
        if self.active >= self.max_streams:
            raise RequestError(grpc.StatusCode.RESOURCE_EXHAUSTED,
                               f"server busy: {self.active} streams running, the limit is "
                               f"{self.max_streams}; retry later")
        self.active += 1
        try:
            yield
        finally:
            self.active -= 1
