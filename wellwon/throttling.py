"""DRF's rate throttles, counting in this process's memory while Redis is down.

DRF keeps each client's recent request times in the default cache (Redis).
When Redis could not answer, that raised and every endpoint answered 503, so a
cache outage took down endpoints that never need Redis. A throttle is a guard,
not a reason to refuse service: while Redis is down each process counts in its
own memory (the ``THROTTLE_FALLBACK_CACHE`` local-memory cache), so the limit
holds per process (N workers let a client through up to N times the rate), and
Redis counts again as soon as it answers.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from rest_framework import throttling

from presence.store import REDIS_DOWN

logger = logging.getLogger(__name__)

THROTTLE_FALLBACK_CACHE = "throttle-fallback"


class FallbackCache(BaseCache):
    """The two cache calls DRF's throttles make, on Redis or else on the process's memory."""

    def __init__(self, primary: str = "default", fallback: str = THROTTLE_FALLBACK_CACHE) -> None:
        super().__init__({})
        self.primary = primary
        self.fallback = fallback
        self.degraded = False

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        try:
            value = caches[self.primary].get(key, default, version)
        except REDIS_DOWN as exc:
            self._degrade(exc)
            return caches[self.fallback].get(key, default, version)
        self._recover()
        return value

    def set(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        try:
            caches[self.primary].set(key, value, timeout, version)
        except REDIS_DOWN as exc:
            self._degrade(exc)
            caches[self.fallback].set(key, value, timeout, version)

    def _degrade(self, exc: Exception) -> None:
        if not self.degraded:
            self.degraded = True
            logger.warning("throttling counts per process while Redis is down: %s", exc)

    def _recover(self) -> None:
        if self.degraded:
            self.degraded = False
            logger.warning("throttling counts in Redis again")


_cache = FallbackCache()


class AnonRateThrottle(throttling.AnonRateThrottle):
    cache = _cache


class UserRateThrottle(throttling.UserRateThrottle):
    cache = _cache
