"""Fixtures of the presence suite: the real Redis, and a Redis that is not there.

``redis_down`` points the presence app at a cache whose Redis listens on a
closed port (127.0.0.1:1): real refused connections, no mock.
"""

from __future__ import annotations

from typing import Any

import pytest
from redis import Redis

from presence.store import redis_client


@pytest.fixture
def redis() -> Redis:
    return redis_client()


@pytest.fixture
def redis_down(settings: Any) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "presence_down": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "KEY_PREFIX": "presence_down",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        },
    }
    settings.PRESENCE_CACHE_ALIAS = "presence_down"
