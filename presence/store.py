"""The seam to Redis: the raw client, key names and Lua scripts.

Everything in this app talks to Redis through here. The client is
django-redis's own (``get_redis_connection``), so connection settings,
timeouts and pooling come from ``CACHES``; keys carry that cache's
``KEY_PREFIX`` so two deployments (or a test run) sharing one Redis never meet.

Time comes from Redis itself (``TIME`` inside the scripts), not from the web
host: expiry and "online" then mean the same thing on every host whatever its
clock says.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from django.conf import settings
from django_redis import get_redis_connection
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError
from redis.exceptions import TimeoutError as RedisTimeoutError

from presence.conf import presence_settings

# Lua prelude: `now` = the Redis server's clock in epoch milliseconds. Lua numbers
# are doubles (exact up to 2^53); `fmt` turns one into an integer string, because
# Lua 5.1 would print a large number in exponent form.
LUA_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function fmt(n) return string.format('%d', n) end
"""

#: What "Redis cannot serve now" raises; the API maps these to 503.
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


def redis_client() -> Redis[bytes]:
    """The raw client of the PRESENCE_CACHE_ALIAS cache."""
    # django-redis ships no types; its client does not decode responses.
    return cast("Redis[bytes]", get_redis_connection(presence_settings().cache_alias))


def redis_key(*parts: object) -> str:
    """``<KEY_PREFIX>:<part>:<part>...`` for the PRESENCE_CACHE_ALIAS cache.

    Django's own cache keys are ``<prefix>:<version>:<key>`` with a numeric
    version, so these names cannot collide with them.
    """
    alias = presence_settings().cache_alias
    prefix = settings.CACHES[alias].get("KEY_PREFIX", "")
    name = ":".join(str(part) for part in parts)
    return f"{prefix}:{name}" if prefix else name


def seconds_to_ms(seconds: float) -> int:
    """Redis takes milliseconds; at least 1, so a tiny TTL never means "no expiry"."""
    return max(1, round(seconds * 1000))


def datetime_from_ms(epoch_ms: int | bytes | str) -> datetime:
    return datetime.fromtimestamp(int(epoch_ms) / 1000, tz=UTC)


class LuaScript:
    """A Lua script run by its SHA1 (EVALSHA), loaded on first use per server.

    Unlike redis-py's ``register_script`` it is not bound to a client, so one
    module-level instance serves every process, fork and cache alias.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()

    def __call__(
        self, client: Redis[bytes], keys: Sequence[str], args: Sequence[object] = ()
    ) -> Any:
        # types-redis leaves eval and evalsha unannotated.
        try:
            return client.evalsha(self.sha, len(keys), *keys, *args)  # type: ignore[no-untyped-call]
        except NoScriptError:
            return client.eval(self.source, len(keys), *keys, *args)  # type: ignore[no-untyped-call]
