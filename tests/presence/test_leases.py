"""Snowflake worker-id leases on the real Redis: never shared, renewed, released, taken over.

``WorkerIdLease`` tests use a fresh namespace each, so filling all 1024 ids
never touches the process-wide lease (or anyone else's).
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from redis import Redis

from presence import leases
from presence.leases import (
    WORKER_ID_COUNT,
    WorkerIdLease,
    lease_worker_id,
    release_worker_id,
)


@pytest.fixture
def namespace() -> str:
    return f"test-leases:{uuid.uuid4().hex}"


@pytest.fixture
def all_but_one(namespace: str) -> Iterator[tuple[list[WorkerIdLease], int]]:
    """Every id of ``namespace`` leased for a minute, except one (returned)."""
    held = [WorkerIdLease(namespace, ttl=60) for _ in range(WORKER_ID_COUNT)]
    for lease in held:
        lease.acquire()
    free = held.pop()
    free_id = free.worker_id
    assert free.release()
    assert free_id is not None
    yield held, free_id
    for lease in held:
        lease.release()


def test_two_leases_never_share_an_id(namespace: str) -> None:
    held = [WorkerIdLease(namespace) for _ in range(50)]
    ids = [lease.acquire() for lease in held]
    assert len(set(ids)) == 50
    assert all(0 <= i < WORKER_ID_COUNT for i in ids)
    for lease in held:
        assert lease.release()


def test_all_ids_taken_is_refused_and_a_released_id_is_reused(
    namespace: str, all_but_one: tuple[list[WorkerIdLease], int]
) -> None:
    held, free_id = all_but_one
    assert sorted([lease.worker_id for lease in held] + [free_id]) == list(range(WORKER_ID_COUNT))
    taker = WorkerIdLease(namespace)
    assert taker.acquire() == free_id
    with pytest.raises(RuntimeError, match="all 1024 are taken"):
        WorkerIdLease(namespace).acquire()
    assert taker.release()
    assert WorkerIdLease(namespace).acquire() == free_id


def test_an_expired_lease_is_taken_over_and_its_old_owner_cannot_touch_it(
    redis: Redis, namespace: str, all_but_one: tuple[list[WorkerIdLease], int]
) -> None:
    _, free_id = all_but_one
    old = WorkerIdLease(namespace, ttl=0.3)
    assert old.acquire() == free_id
    assert old.is_valid()
    time.sleep(0.4)  # not renewed
    assert not old.is_valid()
    new = WorkerIdLease(namespace)
    assert new.acquire() == free_id
    assert not old.renew()
    assert not old.release()
    assert redis.get(new._key(free_id)) == new.value.encode()


def test_renewal_extends_the_lease(redis: Redis, namespace: str) -> None:
    lease = WorkerIdLease(namespace, ttl=0.5)
    worker_id = lease.acquire()
    time.sleep(0.3)
    assert lease.renew()
    assert redis.pttl(lease._key(worker_id)) > 400
    time.sleep(0.3)  # past the first TTL, within the renewed one
    assert lease.is_valid()
    assert redis.get(lease._key(worker_id)) == lease.value.encode()
    assert lease.release()
    assert redis.exists(lease._key(worker_id)) == 0


def test_the_value_names_host_and_process(namespace: str) -> None:
    lease = WorkerIdLease(namespace)
    host, pid, token = lease.value.rsplit(":", 2)
    assert (host, int(pid)) == (socket.gethostname(), os.getpid())
    assert len(token) == 16


@pytest.mark.usefixtures("redis_down")
def test_redis_unreachable_is_refused(namespace: str) -> None:
    with pytest.raises(RuntimeError, match="Redis is unreachable"):
        WorkerIdLease(namespace).acquire()


# The process-wide lease.


@pytest.fixture
def process_lease(settings: Any) -> Iterator[None]:
    settings.PRESENCE_WORKER_LEASE_TTL = 0.6  # renewed every 0.2 s
    release_worker_id()
    yield
    release_worker_id()


@pytest.mark.usefixtures("process_lease")
def test_the_process_keeps_its_id_while_the_thread_renews_it(redis: Redis) -> None:
    worker_id = lease_worker_id()
    key = leases._current.lease._key(worker_id)  # type: ignore[union-attr]
    time.sleep(1.5)  # 2.5 TTLs
    assert lease_worker_id() == worker_id
    assert redis.pttl(key) > 0
    release_worker_id()
    assert redis.exists(key) == 0


@pytest.mark.usefixtures("process_lease")
def test_a_lost_lease_is_noticed_and_replaced(redis: Redis) -> None:
    worker_id = lease_worker_id()
    lease = leases._current.lease  # type: ignore[union-attr]
    redis.set(lease._key(worker_id), "someone-else", px=60_000)  # taken over
    time.sleep(0.5)  # the renewal finds out
    assert not lease.is_valid()
    new_id = lease_worker_id()
    assert new_id != worker_id
    assert redis.get(lease._key(worker_id)) == b"someone-else"
    redis.delete(lease._key(worker_id))


@pytest.mark.usefixtures("process_lease")
def test_redis_down_at_lease_time_refuses_to_start(settings: Any, redis_down: None) -> None:
    with pytest.raises(RuntimeError, match="Refusing to generate ids"):
        lease_worker_id()


def _lease_in_child(barrier: Any, results: Any) -> None:
    worker_id = lease_worker_id()
    barrier.wait(timeout=30)  # all four hold their lease at once
    results.put(worker_id)
    release_worker_id()


@pytest.mark.usefixtures("process_lease")
def test_forked_processes_each_get_their_own_id() -> None:
    parent_id = lease_worker_id()  # leased before the fork: children must not inherit it
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(4), context.Queue()
    children = [context.Process(target=_lease_in_child, args=(barrier, results)) for _ in range(4)]
    for child in children:
        child.start()
    ids = [results.get(timeout=30) for _ in children]
    for child in children:
        child.join(timeout=30)
        assert child.exitcode == 0
    assert len({parent_id, *ids}) == 5
    assert lease_worker_id() == parent_id
