"""The outbox drainer each server process runs, so followers heal without a person.

A daemon thread per process drains the due follower tasks every
MESSAGING_OUTBOX_DRAIN_INTERVAL seconds (``messaging.services.outbox``). It is
started by ``outbox_drainer_middleware`` on the process's first request,
never at import or in ``AppConfig.ready``: management commands must not start
it, and a forked worker (gunicorn) must start its own, since threads do not
survive a fork. Several processes draining at once is safe: each task is
healed under its chat's ledger lock and skipped by whoever finds it taken.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.db import DatabaseError, connections
from django.utils.decorators import sync_and_async_middleware

from messaging.conf import OutboxSettings
from messaging.services.outbox import DRAIN_BATCH, outbox_drain

logger = logging.getLogger(__name__)


class OutboxDrainer:
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="outbox-drainer", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=self.interval + 5)

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                report = outbox_drain()
                while report.total == DRAIN_BATCH and not self.stopped.is_set():
                    logger.info("outbox drained: %s", report)
                    report = outbox_drain()  # a backlog (after an outage): keep going
                if report.total:
                    logger.info("outbox drained: %s", report)
            except DatabaseError as exc:  # PostgreSQL down: the next tick tries again
                logger.warning("outbox drain failed: %s", exc)
            except Exception:
                logger.exception("outbox drain failed")
            finally:
                connections.close_all()  # this thread's connections only


_lock = threading.Lock()
_drainer: OutboxDrainer | None = None
_drainer_pid = 0


def ensure_outbox_drainer() -> None:
    """Starts this process's drainer once (again in a forked child); no I/O."""
    global _drainer, _drainer_pid
    if _drainer_pid == os.getpid():
        return
    with _lock:
        if _drainer_pid == os.getpid():
            return
        interval = OutboxSettings.from_django().drain_interval
        if interval > 0:
            _drainer = OutboxDrainer(interval)
            _drainer.start()
        _drainer_pid = os.getpid()


Handler = Callable[[Any], Any]


@sync_and_async_middleware
def outbox_drainer_middleware(get_response: Handler) -> Handler:
    """Starts the drainer on the first request; sync and async alike, nothing per request."""
    if iscoroutinefunction(get_response):

        async def async_middleware(request: Any) -> Any:
            ensure_outbox_drainer()
            return await get_response(request)

        markcoroutinefunction(async_middleware)
        return async_middleware

    def middleware(request: Any) -> Any:
        ensure_outbox_drainer()
        return get_response(request)

    return middleware
