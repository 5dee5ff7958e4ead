"""Redis caches of PostgreSQL rows that gate access: forgotten on change, never trusted blind.

Authentication (``wellwon.credentials``), chat membership and user profiles
(``messaging.selectors``) are read on almost every request; each is cached here
under a namespace and dropped through one ``forget`` call on every change the
project's code makes (model signals route ``save()``/``delete()`` there).

Three rules keep a cache from widening access:

- **Forget leaves a tombstone.** ``forget`` writes a marker (now, and again when
  the surrounding transaction commits) instead of deleting the key, and readers
  refill with ``add``, which never overwrites. A reader that loaded the old row
  just before the change can therefore not put it back after the change.
- **Misses and errors go to PostgreSQL.** With Redis down every read falls back
  to the database; nothing is ever allowed because the cache could not answer.
- **A lifetime is the only safety net** for writes made outside the project's
  code (raw SQL, ``QuerySet.update()`` in a shell): ``AUTH_CACHE_TTL`` seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

logger = logging.getLogger(__name__)

_FORGOTTEN = "\x00forgotten"
# Longer than a request takes between loading a row and caching it (a reader that
# loaded the row before the change cannot cache it after the change).
TOMBSTONE_SECONDS = 10


class InvalidatingCache:
    """One namespace of cached values, keyed by strings the caller builds."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    @staticmethod
    def _cache() -> Any:
        return caches[getattr(settings, "AUTH_CACHE_ALIAS", "default")]

    @staticmethod
    def ttl() -> float:
        """Seconds a value lives (0: the cache is off); read on each use, so tests may set it."""
        return float(getattr(settings, "AUTH_CACHE_TTL", 60.0))

    def _key(self, part: str) -> str:
        return f"{self.namespace}:{part}"

    def get_many(self, parts: Iterable[str]) -> dict[str, Any]:
        """The cached values among ``parts`` (forgotten ones and errors count as misses)."""
        keys = {self._key(part): part for part in parts}
        if not keys or not self.ttl():
            return {}
        try:
            found = self._cache().get_many(list(keys))
        except Exception as exc:  # Redis down: the caller reads PostgreSQL
            logger.debug("cache %s unreadable: %s", self.namespace, exc)
            return {}
        return {keys[key]: value for key, value in found.items() if value != _FORGOTTEN}

    def get(self, part: str) -> Any:
        return self.get_many([part]).get(part)

    def fill(self, values: dict[str, Any]) -> None:
        """Caches freshly loaded values, unless a key was forgotten meanwhile (or is cached)."""
        ttl = self.ttl()
        if not values or not ttl:
            return
        try:
            cache = self._cache()
            for part, value in values.items():
                cache.add(self._key(part), value, timeout=ttl)
        except Exception as exc:
            logger.debug("cache %s not filled: %s", self.namespace, exc)

    def forget(self, parts: Iterable[str]) -> None:
        """Drops these keys in every process: now, and again once the change commits."""
        marks = {self._key(part): _FORGOTTEN for part in parts}
        if not marks:
            return
        self._mark(marks)
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: self._mark(marks))

    def _mark(self, marks: dict[str, str]) -> None:
        try:
            self._cache().set_many(marks, timeout=TOMBSTONE_SECONDS)
        except Exception as exc:  # cannot reach Redis: its values expire by the TTL
            logger.error("cache %s not invalidated (%s): %s", self.namespace, list(marks), exc)
