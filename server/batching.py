"""Micro-batching on the event loop: whatever streams submit while a solve runs goes into the next.

Why: the retargeting solve costs a fixed ~5 ms per call whatever its size, so 64 real-time
streams fitting their own 16-frame chunks spend most of the CPU on that fixed cost. One solve for
everything that queued up costs about the same as one stream's, and needs no timer: a lone stream
is solved at once, and under load batches grow by themselves.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor


class MicroBatcher:
    """`await submit(item)` -> `solve([items])[k]`; at most one solve in flight, in `executor`."""

    def __init__(self, solve: Callable[[list], list], executor: Executor, max_items: int = 256):
        self.solve, self.executor, self.max_items = solve, executor, max_items
        self.queue: list[tuple[object, asyncio.Future]] = []
        self.busy = False

    async def submit(self, item):
        future = asyncio.get_running_loop().create_future()
        self.queue.append((item, future))
        if not self.busy:
            self._start()
        return await future

    def _start(self) -> None:
        batch: list = []
        while self.queue and not batch:  # skip items whose stream was cancelled while queued
            batch = [(item, f) for item, f in self.queue[:self.max_items] if not f.done()]
            self.queue = self.queue[self.max_items:]
        self.busy = bool(batch)
        if batch:
            task = asyncio.get_running_loop().run_in_executor(self.executor, self.solve,
                                                              [item for item, _ in batch])
            task.add_done_callback(lambda t: self._finish(batch, t))

    def _finish(self, batch, task: asyncio.Future) -> None:
        error = task.exception()
        results = [None] * len(batch) if error else task.result()
        for (_, future), result in zip(batch, results):
            if future.done():      # its stream was cancelled meanwhile
                continue
            if error:
                future.set_exception(error)
            else:
                future.set_result(result)
        self.busy = False
        if self.queue:
            self._start()
