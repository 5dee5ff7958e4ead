"""Async statements are sent by the driver's I/O thread (``messaging.scylla.handoff``)."""

from __future__ import annotations

import asyncio
import multiprocessing
import uuid
from collections.abc import Callable

from cassandra import InvalidRequest

from messaging.scylla import ScyllaClient
from messaging.scylla.handoff import IoThreadSender


class RecordedTimers:
    """Stands in for the driver's ``create_timer``: keeps the callbacks to fire by hand."""

    def __init__(self) -> None:
        self.pending: list[Callable[[], None]] = []

    def __call__(self, delay: float, callback: Callable[[], None]) -> object:
        assert delay == 0
        self.pending.append(callback)
        return callback

    def fire(self) -> None:
        callbacks, self.pending = self.pending, []
        for callback in callbacks:
            callback()


def test_with_nothing_in_flight_the_caller_sends_itself() -> None:
    sender, timers, ran = IoThreadSender(), RecordedTimers(), []
    sender.send(lambda: ran.append("first"), timers)
    assert ran == ["first"] and timers.pending == []
    sender.finished()
    sender.send(lambda: ran.append("after"), timers)  # idle again: direct again
    assert ran == ["first", "after"] and timers.pending == []


def test_while_busy_a_burst_waits_for_one_wake_up_and_runs_in_order() -> None:
    sender, timers, ran = IoThreadSender(), RecordedTimers(), []
    sender.send(lambda: ran.append("first"), timers)
    for index in range(5):
        sender.send(lambda index=index: ran.append(index), timers)
    assert ran == ["first"] and len(timers.pending) == 1
    timers.fire()
    assert ran == ["first", 0, 1, 2, 3, 4]


def test_a_completion_drains_first_and_the_timer_finds_nothing_left() -> None:
    sender, timers, ran = IoThreadSender(), RecordedTimers(), []
    sender.send(lambda: ran.append("first"), timers)
    sender.send(lambda: ran.append("queued"), timers)
    sender.finished()  # "first" completed: the queue goes out on the I/O thread
    assert ran == ["first", "queued"]
    timers.fire()
    assert ran == ["first", "queued"]
    sender.send(lambda: ran.append("busy"), timers)  # "queued" is still in flight
    assert ran == ["first", "queued"] and len(timers.pending) == 1
    timers.fire()
    assert ran == ["first", "queued", "busy"]


def _rows_table(cql: ScyllaClient) -> tuple[str, uuid.UUID]:
    channel_id = uuid.uuid4()
    table = f"{cql.keyspace}.message_read_positions"
    insert = cql.prepare(
        f"INSERT INTO {table} (channel_id, user_id, last_read_message_id) VALUES (?, ?, ?)"
    )
    for user_id in range(300):
        cql.execute(insert, (channel_id, user_id, user_id * 7), write=True)
    return table, channel_id


def test_many_awaits_in_flight_each_get_their_own_rows(cql: ScyllaClient) -> None:
    table, channel_id = _rows_table(cql)
    select = cql.prepare(
        f"SELECT last_read_message_id FROM {table} WHERE channel_id = ? AND user_id = ?"
    )

    async def read_all() -> list[int]:
        async def one(user_id: int) -> int:
            rows = await cql.execute_aio(select, (channel_id, user_id))
            return int(rows[0].last_read_message_id)

        return await asyncio.gather(*(one(user_id) for user_id in range(300)))

    assert asyncio.run(read_all()) == [user_id * 7 for user_id in range(300)]


def test_a_failing_statement_fails_only_its_own_await(cql: ScyllaClient) -> None:
    table, channel_id = _rows_table(cql)
    select = cql.prepare(f"SELECT user_id FROM {table} WHERE channel_id = ? AND user_id = ?")

    async def mixed() -> list[object]:
        return await asyncio.gather(
            cql.execute_aio(select, (channel_id, 1)),
            cql.execute_aio(f"SELECT nothing FROM {table} WHERE channel_id = {channel_id}"),
            cql.execute_aio(select, (channel_id, 2)),
            return_exceptions=True,
        )

    first, bad, last = asyncio.run(mixed())
    assert isinstance(bad, InvalidRequest)
    assert [r.user_id for r in first] == [1] and [r.user_id for r in last] == [2]  # type: ignore[attr-defined]


def _child_reads(client: ScyllaClient, done: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    rows = asyncio.run(client.execute_aio("SELECT release_version FROM system.local"))
    done.put(rows[0].release_version)


def test_a_forked_child_sends_through_its_own_queue(cql: ScyllaClient) -> None:
    asyncio.run(cql.execute_aio("SELECT release_version FROM system.local"))
    # The parent forks with a statement in flight and one queued behind it: the
    # child must not wait for completions or a timer of the parent's I/O thread.
    never = RecordedTimers()
    cql._sender.send(lambda: None, never)
    cql._sender.send(lambda: None, never)
    context = multiprocessing.get_context("fork")
    done = context.Queue()
    child = context.Process(target=_child_reads, args=(cql, done))
    child.start()
    cql._sender.finished()  # the parent's own two, completed as its I/O thread would
    cql._sender.finished()
    try:
        version = done.get(timeout=30)
    finally:
        child.join(timeout=15)
        if child.is_alive():
            child.kill()
    assert child.exitcode == 0
    assert version == cql.execute("SELECT release_version FROM system.local").one().release_version
