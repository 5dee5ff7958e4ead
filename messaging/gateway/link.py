"""Whether this server process reaches Redis, told to its connections when that changes.

The channel layer reconnects and subscribes again by itself; what it cannot
do is tell the connections that events may have been lost meanwhile. One task
per process pings the channel layer's Redis every
``GATEWAY_REDIS_CHECK_INTERVAL``; on the way down each connection gets
``{"op": "error", "code": "degraded"}``, on the way back each one renews its
subscriptions (a Redis that restarted empty has forgotten them).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from django.conf import settings
from redis import asyncio as aioredis

from messaging.gateway.conf import gateway_settings

logger = logging.getLogger(__name__)


class LinkListener(Protocol):
    async def redis_changed(self, up: bool) -> None: ...


def _layer_redis_url() -> str:
    layers: dict[str, Any] = settings.CHANNEL_LAYERS
    host: Any = layers["default"]["CONFIG"]["hosts"][0]
    return str(host["address"] if isinstance(host, dict) else host)


class RedisLink:
    def __init__(self) -> None:
        self.up = True
        self._listeners: set[LinkListener] = set()
        self._task: asyncio.Task[None] | None = None

    def join(self, listener: LinkListener) -> None:
        self._listeners.add(listener)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._watch())

    def leave(self, listener: LinkListener) -> None:
        self._listeners.discard(listener)

    async def _watch(self) -> None:
        interval = gateway_settings().redis_check_interval
        client = aioredis.from_url(
            _layer_redis_url(), socket_timeout=interval, socket_connect_timeout=interval
        )
        while True:
            try:
                up = bool(await client.ping())
            except (OSError, aioredis.RedisError):
                up = False
            if up != self.up:
                self.up = up
                logger.warning("gateway: Redis %s", "is back" if up else "is unreachable")
                for listener in list(self._listeners):
                    await listener.redis_changed(up)
            await asyncio.sleep(interval)


redis_link = RedisLink()
