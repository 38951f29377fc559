"""Real-time pacing: a frame goes out no earlier than its time code after the first frame."""
from __future__ import annotations

import asyncio
import time


class Pacer:
    def __init__(self, realtime: bool):
        self.realtime = realtime
        self.start: float | None = None  # perf_counter() when the first frame went out

    async def wait(self, time_code: float) -> None:
        """Wait until the frame at `time_code` (seconds) is due; the first is due at once."""
        if self.start is None:
            self.start = time.perf_counter()
        elif self.realtime:
            delay = self.start + time_code - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
