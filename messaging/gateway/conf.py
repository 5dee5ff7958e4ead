"""The gateway's settings, read from ``django.conf.settings`` with defaults (seconds, counts).

``GATEWAY_HEARTBEAT_INTERVAL`` (30)
    Announced in ``ready``; a connection silent for longer (plus a grace of a
    quarter of it) is closed with 4000.
``GATEWAY_IDENTIFY_TIMEOUT`` (10)
    How long a connection without a session may take to send ``identify``.
``GATEWAY_MAX_BACKLOG`` (1000)
    Events one connection may have waiting to be written; more closes it with 4008.
``GATEWAY_MAX_CONNECTIONS_PER_USER`` (10)
    Open connections of one user over every server process; one more is closed with 4029.
``GATEWAY_MAX_FRAME_BYTES`` (16384)
    Largest client frame taken; a larger one is a ``bad_request``.
``GATEWAY_PUBLISH_TIMEOUT`` (1)
    How long a use case waits for Redis to take an event before giving it up.
``GATEWAY_REDIS_CHECK_INTERVAL`` (1)
    How often each server process checks that Redis answers (``degraded`` when not).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class GatewaySettings:
    heartbeat_interval: float = 30.0
    identify_timeout: float = 10.0
    max_backlog: int = 1000
    max_connections_per_user: int = 10
    max_frame_bytes: int = 16384
    publish_timeout: float = 1.0
    redis_check_interval: float = 1.0

    @property
    def heartbeat_deadline(self) -> float:
        return self.heartbeat_interval * 1.25


def gateway_settings() -> GatewaySettings:
    """Read on every call (cheap), so ``override_settings`` takes effect."""
    values: dict[str, Any] = {
        f.name: getattr(settings, f"GATEWAY_{f.name.upper()}", f.default)
        for f in fields(GatewaySettings)
    }
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ImproperlyConfigured(f"GATEWAY_{name.upper()} must be a positive number")
    return GatewaySettings(**values)
