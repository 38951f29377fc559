"""MicroBatcher: streams that ask while a solve runs share the next solve; each gets its own answer."""
import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from server.batching import MicroBatcher


def run(coro):
    return asyncio.run(coro)


def test_items_queued_during_a_solve_share_the_next_one():
    calls = []

    def solve(items):
        calls.append(list(items))
        time.sleep(0.05)
        return [x * 10 for x in items]

    async def main():
        batcher = MicroBatcher(solve, ThreadPoolExecutor(2))
        first = asyncio.ensure_future(batcher.submit(0))
        await asyncio.sleep(0.01)  # the first solve is running: these queue behind it
        rest = await asyncio.gather(*(batcher.submit(i) for i in range(1, 6)))
        return await first, rest

    first, rest = run(main())
    assert first == 0 and rest == [10, 20, 30, 40, 50]
    assert calls == [[0], [1, 2, 3, 4, 5]]


def test_one_solve_at_a_time_and_max_items():
    running, peak, sizes = [0], [0], []
    lock = threading.Lock()

    def solve(items):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        sizes.append(len(items))
        time.sleep(0.01)
        with lock:
            running[0] -= 1
        return items

    async def main():
        batcher = MicroBatcher(solve, ThreadPoolExecutor(4), max_items=3)
        return await asyncio.gather(*(batcher.submit(i) for i in range(10)))

    assert run(main()) == list(range(10))
    assert peak[0] == 1 and max(sizes) <= 3 and sum(sizes) == 10


def test_cancelled_item_is_skipped_and_errors_reach_every_caller():
    seen = []

    def solve(items):
        seen.extend(items)
        time.sleep(0.03)
        if "boom" in items:
            raise RuntimeError("solver failed")
        return items

    async def main():
        batcher = MicroBatcher(solve, ThreadPoolExecutor(2))
        busy = asyncio.ensure_future(batcher.submit("busy"))
        await asyncio.sleep(0.005)
        gone = asyncio.ensure_future(batcher.submit("gone"))
        await asyncio.sleep(0)
        gone.cancel()
        kept = asyncio.ensure_future(batcher.submit("kept"))
        assert await busy == "busy" and await kept == "kept"
        with pytest.raises(RuntimeError, match="solver failed"):
            await asyncio.gather(batcher.submit("boom"), batcher.submit("other"))
        assert await batcher.submit("after") == "after"  # a failed solve does not wedge it

    run(main())
    assert "gone" not in seen
