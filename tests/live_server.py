"""The app as a real server process (gunicorn) on the test stores, and a client that counts.

For tests of what only a running server shows: its own threads (the outbox
drainer), its own Redis connection (a private Redis that the test stops),
several worker processes. The server runs ``wellwon.settings`` as production
does (DEBUG off, throttling on), pointed by environment variables at this
test run's PostgreSQL database and CQL keyspace.
"""

from __future__ import annotations

import os
import secrets
from collections import Counter
from typing import Any

from django.conf import settings

from benchmarks.api_client import ApiClient
from benchmarks.server import Server, ServerSpec


def server_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="wellwon.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        POSTGRES_DB=str(settings.DATABASES["default"]["NAME"]),
        POSTGRES_PASSWORD=str(settings.DATABASES["default"]["PASSWORD"]),  # none with DEBUG off
        SCYLLA_KEYSPACE=settings.SCYLLA_KEYSPACE,
        REDIS_KEY_PREFIX=f"live-{secrets.token_hex(4)}",
        THROTTLE_USER="100000/min",  # on (it counts in Redis), never reached here
        LOG_LEVEL="ERROR",
    )
    env.update(overrides)
    return env


def live_server(**overrides: str) -> Server:
    """Two gthread workers with two threads each; use as a context manager."""
    return Server(ServerSpec(workers=2, worker_class="gthread", threads=2), server_env(**overrides))


class Api(ApiClient):
    """Counts every answer by (phase, name, status); a 5xx other than 503 fails the test."""

    def __init__(self, port: int, token: str) -> None:
        super().__init__(port, token)
        self.counts: Counter[tuple[str, str, int]] = Counter()
        self.phase = "before"

    def call(self, name: str, method: str, path: str, body: dict[str, Any] | None = None) -> int:
        status = self.request(method, path, body)
        if status == 0 or (status >= 500 and status != 503):
            raise AssertionError(f"{method} {path} answered {status}: {self.body}")
        self.counts[(self.phase, name, status)] += 1
        return status

    def seen(self, phase: str, name: str) -> dict[int, int]:
        return {s: n for (p, e, s), n in self.counts.items() if p == phase and e == name}


# A quick outbox for servers under test: healed within grace + retry max + interval.
OUTBOX_GRACE, OUTBOX_INTERVAL, OUTBOX_RETRY_MAX = 1.0, 0.5, 2.0
OUTBOX_HEALING = OUTBOX_GRACE + OUTBOX_RETRY_MAX + OUTBOX_INTERVAL


def quick_outbox(*, lock_timeout: float) -> dict[str, str]:
    """Server settings: that outbox, and followers waiting ``lock_timeout`` for the ledger."""
    return {
        "MESSAGING_LEDGER_LOCK_TIMEOUT": str(lock_timeout),
        "MESSAGING_OUTBOX_GRACE": str(OUTBOX_GRACE),
        "MESSAGING_OUTBOX_DRAIN_INTERVAL": str(OUTBOX_INTERVAL),
        "MESSAGING_OUTBOX_RETRY_MAX": str(OUTBOX_RETRY_MAX),
    }
