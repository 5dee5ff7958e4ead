"""Real-time counters: Redis as a cache in front of a count kept durably elsewhere.

Messaging keeps per-chat message counts and per-participant unread counts
durably (PostgreSQL/CQL) and reads them here on the hot path. Redis may lose
them at any time (FLUSHALL, eviction, a restart without persistence), so:

- **Read** ``counter_get_many(keys, rebuild)``: one round trip fetches every
  key; the missing ones are rebuilt with one call of ``rebuild(missing_keys)``
  (e.g. one ``GROUP BY`` query) and cached for PRESENCE_COUNTER_TTL. A key the
  rebuild does not return counts 0.
- **Write** after the durable change has committed:
  ``counter_incr_many(keys, by)`` increments only keys that are cached. A
  missing key is left missing: INCRBY would create it from 0, a wrong value
  after a flush; the next read rebuilds it instead. ``counter_set`` stores a
  value known exactly (e.g. 0 after "mark all read"); ``counter_delete``
  forgets keys (repair: the next read rebuilds them).

A rebuild racing a write is handled with a fill lease: the reader that finds
a key missing puts a marker there, and only fills the key if the marker is
still there. A write that meets the marker deletes it, because the rebuild
may have read the durable count from before the write; the next read
rebuilds again. (One window stays: a write whose durable change committed
before the rebuild read it, but whose increment arrives after the fill, is
counted twice. It needs a flush or expiry in those few milliseconds; the TTL
bounds its life.)

Redis down never breaks the caller: reads fall back to ``rebuild`` for every
key, writes log a warning and do nothing. An increment lost that way leaves
the cached value stale for at most PRESENCE_COUNTER_TTL, since increments do
not extend a key's TTL.

``CachedCounter`` wraps these functions for one family of counters keyed by
ids (a chat id, or a ``(chat_id, user_id)`` tuple).

Each call is one Lua script over all its keys: fine on a single Redis
(django-redis's default client); Redis Cluster would need the keys of one call
in one hash slot.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Generic, TypeVar

from presence.conf import presence_settings
from presence.store import REDIS_DOWN, LuaScript, redis_client, redis_key, seconds_to_ms

logger = logging.getLogger(__name__)

Rebuild = Callable[[list[str]], Mapping[str, int]]

# A fill lease is the only non-integer value a counter key can hold.
_LEASE_PREFIX = "rebuilding:"

_GET_OR_LEASE = LuaScript(
    """
-- KEYS counters; ARGV[1] this reader's lease marker; ARGV[2] lease lifetime, ms
local out = {}
for i, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if not value then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
  end
  out[i] = value
end
return out
"""
)

_FILL = LuaScript(
    """
-- KEYS counters; ARGV[1] lease marker; ARGV[2] TTL, ms; ARGV[2 + i] value of KEYS[i]
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('SET', key, ARGV[2 + i], 'PX', ARGV[2])
  end
end
return 0
"""
)

_INCR = LuaScript(
    """
-- KEYS counters; ARGV[1] increment
local out = {}
for i, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if value and tonumber(value) then
    out[i] = redis.call('INCRBY', key, ARGV[1])
  else
    if value then redis.call('DEL', key) end
    out[i] = false
  end
end
return out
"""
)


def _redis_keys(keys: Sequence[str]) -> list[str]:
    return [redis_key("counter", key) for key in keys]


def _as_int(value: bytes | str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None  # another reader's fill lease


def _rebuilt(keys: list[str], rebuild: Rebuild) -> dict[str, int]:
    counts = rebuild(keys)
    return {key: int(counts.get(key, 0)) for key in keys}


def counter_get_many(keys: Iterable[str], rebuild: Rebuild) -> dict[str, int]:
    """The value of each of ``keys``; missing ones come from ``rebuild`` and are cached.

    ``rebuild(keys)`` gets only the missing keys, at most once per call, and
    returns their durable counts (absent keys count 0). Errors of ``rebuild``
    propagate; Redis being down does not (everything is rebuilt).
    """
    unique = list(dict.fromkeys(keys))
    if not unique:
        return {}
    conf = presence_settings()
    marker = _LEASE_PREFIX + secrets.token_hex(8)
    client = redis_client()
    redis_keys = _redis_keys(unique)
    try:
        raw = _GET_OR_LEASE(
            client, redis_keys, [marker, seconds_to_ms(conf.counter_rebuild_timeout)]
        )
    except REDIS_DOWN as exc:
        logger.warning("counters: Redis unavailable, rebuilding %d keys: %s", len(unique), exc)
        return _rebuilt(unique, rebuild)
    values: dict[str, int] = {}
    leased: list[str] = []
    missing: list[str] = []
    for key, value in zip(unique, raw, strict=True):
        cached = None if value is None else _as_int(value)
        if cached is not None:
            values[key] = cached
            continue
        missing.append(key)
        if value is None:
            leased.append(key)
    if missing:
        values.update(_rebuilt(missing, rebuild))
    if leased:
        fill_args = [marker, seconds_to_ms(conf.counter_ttl), *(values[k] for k in leased)]
        try:
            _FILL(client, _redis_keys(leased), fill_args)
        except REDIS_DOWN as exc:
            logger.warning("counters: Redis unavailable, %d keys not cached: %s", len(leased), exc)
    return {key: values[key] for key in unique}


def counter_incr_many(keys: Sequence[str], by: int = 1) -> dict[str, int]:
    """Add ``by`` (may be negative) to each cached key; returns their new values.

    Call it after the durable change has committed. Keys not cached are left
    for the next read to rebuild; a key listed twice is incremented twice.
    """
    if not keys:
        return {}
    try:
        raw = _INCR(redis_client(), _redis_keys(keys), [int(by)])
    except REDIS_DOWN as exc:
        logger.warning("counters: Redis unavailable, %d increments lost: %s", len(keys), exc)
        return {}
    return {key: int(value) for key, value in zip(keys, raw, strict=True) if value is not None}


def counter_set(key: str, value: int) -> None:
    """Cache ``value`` as exact (e.g. 0 after the user read everything)."""
    ttl_ms = seconds_to_ms(presence_settings().counter_ttl)
    try:
        redis_client().set(redis_key("counter", key), int(value), px=ttl_ms)
    except REDIS_DOWN as exc:
        logger.warning("counters: Redis unavailable, %s not set: %s", key, exc)


def counter_delete(keys: Sequence[str]) -> None:
    """Forget ``keys``: the next read rebuilds them (the repair path)."""
    if not keys:
        return
    try:
        redis_client().delete(*_redis_keys(keys))
    except REDIS_DOWN as exc:
        logger.warning("counters: Redis unavailable, %d keys not deleted: %s", len(keys), exc)


IdT = TypeVar("IdT", bound=Hashable)


class CachedCounter(Generic[IdT]):
    """One family of counters: ``name`` plus ids, with the rebuild that knows them.

    ``rebuild(ids)`` returns ``{id: durable count}`` for the ids asked; a
    tuple id such as ``(chat_id, user_id)`` becomes the key ``name:chat:user``.
    Ids passed to one call are taken once each (``incr_many`` too).

        unread = CachedCounter("unread", rebuild=unread_counts_from_postgres)
        unread.get_many([(chat_id, user_id), ...])  # -> {(chat_id, user_id): n}
        unread.incr_many([(chat_id, other) for other in others])
        unread.set((chat_id, user_id), 0)
    """

    def __init__(self, name: str, rebuild: Callable[[list[IdT]], Mapping[IdT, int]]) -> None:
        self.name = name
        self.rebuild = rebuild

    def key(self, ident: IdT) -> str:
        parts = ident if isinstance(ident, tuple) else (ident,)
        return ":".join((self.name, *(str(part) for part in parts)))

    def get_many(self, ids: Iterable[IdT]) -> dict[IdT, int]:
        by_key = {self.key(ident): ident for ident in ids}

        def rebuild_keys(keys: list[str]) -> dict[str, int]:
            counts = self.rebuild([by_key[key] for key in keys])
            return {key: counts.get(by_key[key], 0) for key in keys}

        values = counter_get_many(by_key, rebuild_keys)
        return {by_key[key]: value for key, value in values.items()}

    def get(self, ident: IdT) -> int:
        return self.get_many([ident])[ident]

    def incr_many(self, ids: Iterable[IdT], by: int = 1) -> dict[IdT, int]:
        by_key = {self.key(ident): ident for ident in ids}
        return {by_key[k]: v for k, v in counter_incr_many(list(by_key), by).items()}

    def set(self, ident: IdT, value: int) -> None:
        counter_set(self.key(ident), value)

    def delete_many(self, ids: Iterable[IdT]) -> None:
        counter_delete([self.key(ident) for ident in ids])
