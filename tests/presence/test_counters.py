"""Cached counters: rebuilt from the durable source on a miss, exact after a flush.

The "durable source" here is a dict the test owns; "a flush" is deleting this
test's keys (never FLUSHALL: the Redis is shared).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any

import pytest
from redis import Redis

from presence.counters import (
    _LEASE_PREFIX,
    CachedCounter,
    counter_delete,
    counter_get_many,
    counter_incr_many,
    counter_set,
)
from presence.store import redis_key


class Durable:
    """A durable count per key, recording what it was asked to rebuild."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = dict(counts)
        self.asked: list[list[str]] = []

    def __call__(self, keys: list[str]) -> dict[str, int]:
        self.asked.append(list(keys))
        return {k: self.counts[k] for k in keys if k in self.counts}


def _keys(n: int) -> list[str]:
    base = uuid.uuid4().hex
    return [f"test:{base}:{i}" for i in range(n)]


def _raw(redis: Redis, key: str) -> bytes | None:
    return redis.get(redis_key("counter", key))


def test_a_miss_rebuilds_once_then_serves_from_redis(redis: Redis) -> None:
    a, b, c = _keys(3)
    durable = Durable({a: 5, b: 7})  # c has no durable row: 0
    assert counter_get_many([a, b, c, a], durable) == {a: 5, b: 7, c: 0}
    assert durable.asked == [[a, b, c]]
    assert counter_get_many([a, b, c], durable) == {a: 5, b: 7, c: 0}
    assert durable.asked == [[a, b, c]]
    assert _raw(redis, a) == b"5"


def test_only_missing_keys_are_rebuilt() -> None:
    a, b = _keys(2)
    durable = Durable({a: 1, b: 2})
    counter_get_many([a], durable)
    assert counter_get_many([a, b], durable) == {a: 1, b: 2}
    assert durable.asked == [[a], [b]]


def test_increment_of_a_cached_key() -> None:
    a, b = _keys(2)
    durable = Durable({a: 1, b: 10})
    counter_get_many([a, b], durable)
    assert counter_incr_many([a, b]) == {a: 2, b: 11}
    assert counter_incr_many([b], by=-3) == {b: 8}
    assert counter_get_many([a, b], durable) == {a: 2, b: 8}


def test_increment_of_a_missing_key_does_not_create_it(redis: Redis) -> None:
    [a] = _keys(1)
    assert counter_incr_many([a], by=4) == {}
    assert _raw(redis, a) is None


def test_after_a_flush_values_rebuild_from_the_durable_source(redis: Redis) -> None:
    a, b = _keys(2)
    durable = Durable({a: 3, b: 0})
    counter_get_many([a, b], durable)
    durable.counts[a] += 1  # a message is stored durably...
    counter_incr_many([a])  # ...and counted in Redis
    redis.delete(*(redis_key("counter", k) for k in (a, b)))  # the flush
    durable.counts[a] += 1  # stored durably while Redis was empty
    assert counter_incr_many([a]) == {}  # not turned into a wrong 1
    assert counter_get_many([a, b], durable) == {a: 5, b: 0}


def test_a_write_during_a_rebuild_cancels_the_fill(redis: Redis) -> None:
    [a] = _keys(1)
    durable = Durable({a: 3})

    def rebuild_racing_a_write(keys: list[str]) -> dict[str, int]:
        counts = durable(keys)  # reads 3...
        durable.counts[a] += 1  # ...then a message commits (4)...
        assert counter_incr_many([a]) == {}  # ...and meets the fill lease
        return counts

    assert counter_get_many([a], rebuild_racing_a_write) == {a: 3}  # what it read
    assert _raw(redis, a) is None  # the stale 3 was not cached
    assert counter_get_many([a], durable) == {a: 4}
    assert _raw(redis, a) == b"4"


def test_a_reader_meeting_another_readers_lease_rebuilds_without_filling(redis: Redis) -> None:
    [a] = _keys(1)
    durable = Durable({a: 9})

    def rebuild_with_a_second_reader(keys: list[str]) -> dict[str, int]:
        assert counter_get_many([a], durable) == {a: 9}  # sees the lease: rebuilds too
        assert _raw(redis, a).startswith(_LEASE_PREFIX.encode())  # type: ignore[union-attr]
        return durable(keys)

    assert counter_get_many([a], rebuild_with_a_second_reader) == {a: 9}
    assert _raw(redis, a) == b"9"
    assert durable.asked == [[a], [a]]


def test_set_is_exact_and_wins_over_a_rebuild_in_flight(redis: Redis) -> None:
    a, b = _keys(2)
    counter_set(a, 0)
    assert counter_get_many([a], Durable({a: 99})) == {a: 0}

    def rebuild_racing_a_set(keys: list[str]) -> dict[str, int]:
        counter_set(b, 0)
        return {b: 12}

    counter_get_many([b], rebuild_racing_a_set)
    assert _raw(redis, b) == b"0"


def test_delete_makes_the_next_read_rebuild() -> None:
    a, b = _keys(2)
    durable = Durable({a: 1, b: 2})
    counter_get_many([a, b], durable)
    counter_delete([a])
    durable.counts[a] = 6
    assert counter_get_many([a, b], durable) == {a: 6, b: 2}


def test_cached_values_expire_so_a_lost_increment_heals(redis: Redis, settings: Any) -> None:
    settings.PRESENCE_COUNTER_TTL = 1.0
    [a] = _keys(1)
    durable = Durable({a: 1})
    counter_get_many([a], durable)
    durable.counts[a] = 2  # an increment lost to an outage
    counter_incr_many([a], by=0)  # increments do not extend the TTL
    assert 0 < redis.pttl(redis_key("counter", a)) <= 1000
    time.sleep(1.2)
    assert counter_get_many([a], durable) == {a: 2}


def test_a_stale_fill_lease_expires(redis: Redis, settings: Any) -> None:
    settings.PRESENCE_COUNTER_REBUILD_TIMEOUT = 0.3
    [a] = _keys(1)

    def rebuild_that_dies(keys: list[str]) -> dict[str, int]:
        raise RuntimeError("the database went away mid-rebuild")

    with pytest.raises(RuntimeError):
        counter_get_many([a], rebuild_that_dies)
    assert 0 < redis.pttl(redis_key("counter", a)) <= 300
    time.sleep(0.4)
    assert counter_get_many([a], Durable({a: 3})) == {a: 3}
    assert _raw(redis, a) == b"3"


@pytest.mark.usefixtures("redis_down")
def test_redis_down_reads_rebuild_and_writes_are_dropped() -> None:
    a, b = _keys(2)
    durable = Durable({a: 4})
    assert counter_get_many([a, b], durable) == {a: 4, b: 0}
    assert counter_incr_many([a]) == {}
    counter_set(a, 1)
    counter_delete([a])


def test_cached_counter_with_tuple_ids(redis: Redis) -> None:
    chat = uuid.uuid4()
    asked: list[list[tuple[uuid.UUID, int]]] = []

    def unread_from_db(ids: list[tuple[uuid.UUID, int]]) -> dict[tuple[uuid.UUID, int], int]:
        asked.append(ids)
        return {(chat, 1): 3}

    unread = CachedCounter("unread", rebuild=unread_from_db)
    assert unread.key((chat, 1)) == f"unread:{chat}:1"
    assert unread.get_many([(chat, 1), (chat, 2)]) == {(chat, 1): 3, (chat, 2): 0}
    assert unread.incr_many([(chat, 1), (chat, 2)]) == {(chat, 1): 4, (chat, 2): 1}
    unread.set((chat, 1), 0)
    assert unread.get((chat, 1)) == 0
    unread.delete_many([(chat, 2)])
    assert redis.exists(redis_key("counter", unread.key((chat, 2)))) == 0
    assert unread.get((chat, 2)) == 0
    assert asked == [[(chat, 1), (chat, 2)], [(chat, 2)]]
