"""One event loop per process on which synchronous code publishes events.

``async_to_sync`` called where no event loop runs (a gunicorn worker, a
command) starts a new loop for every call, and channels-redis keeps a layer and
its Redis connection per loop, so every publish paid for a new loop and a new
connection: 6.3 ms of CPU per event, a fifth of a send's (measured with a
publish to the pub/sub layer in a loop: 0.6 ms on a loop that stays). This loop
lives in a daemon thread, started on first use in each process (after a
fork, the child starts its own: a loop's thread does not survive a fork).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def run_on_publish_loop(coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
    """Runs ``coroutine`` on the process's publishing loop and waits for it (``timeout``)."""
    future = asyncio.run_coroutine_threadsafe(coroutine, _publish_loop())
    try:
        return future.result(timeout)
    except TimeoutError:
        future.cancel()
        raise


def _publish_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="event-publisher", daemon=True).start()
            _loop = loop
        return _loop


def _forget_after_fork() -> None:
    global _lock, _loop
    _lock, _loop = threading.Lock(), None


os.register_at_fork(after_in_child=_forget_after_fork)
