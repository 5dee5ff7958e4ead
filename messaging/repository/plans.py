"""Each repository operation is written once, as a *plan*, and run sync or async.

A plan is a generator that yields the statements it needs and receives their
rows::

    def plan_get_message(self, channel_id, message_id):
        rows = yield Query(sql.select_message, (channel_id, bucket, message_id))
        return decode(rows[0]) if rows else None

``PlanRunner.run`` drives it with blocking calls; ``PlanRunner.arun`` awaits
each step through the driver's own callbacks (``ScyllaClient.execute_aio``),
so the ``a*`` twins and ``AsyncMessageScyllaRepo`` share every line of logic
and no thread is spent per call. A ``Fanout`` step runs many statements at a
bounded concurrency from the driver's callbacks, the way
``cassandra.concurrent.execute_concurrent`` does, and wakes the caller once.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Coroutine, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from cassandra import ConsistencyLevel
from cassandra.query import BatchStatement, BatchType, PreparedStatement, Statement

from messaging.scylla.client import ScyllaClient

Rows = list[Any]


@dataclass(frozen=True, slots=True)
class Query:
    cql: str
    params: tuple[Any, ...]
    write: bool = False
    lwt: bool = False  # a lightweight transaction: Paxos at LOCAL_SERIAL
    tuples: bool = False  # rows as plain tuples (decoded by the caller), not namedtuples
    fresh: bool = False  # a read that decides a write: at the fresh read consistency


@dataclass(frozen=True, slots=True)
class Fanout:
    """Independent statements run together; the plan receives their rows in order."""

    queries: Sequence[Query]
    concurrency: int


@dataclass(frozen=True, slots=True)
class Batch:
    """Writes to a few partitions sent as one UNLOGGED batch: one request instead of several.

    For a handful of small writes that belong together (a message and its
    channel's metadata); not atomic across partitions, and no LWT inside.
    """

    queries: Sequence[Query]


Step = Query | Fanout | Batch
R = TypeVar("R")
P = ParamSpec("P")
Plan = Generator[Step, Any, R]


class PlanRunner:
    def __init__(self, client: ScyllaClient) -> None:
        self.client = client

    def run(self, plan: Plan[R]) -> R:
        try:
            step = next(plan)
            while True:
                step = plan.send(self._execute(step))
        except StopIteration as done:
            result: R = done.value
            return result

    async def arun(self, plan: Plan[R]) -> R:
        try:
            step = next(plan)
            while True:
                step = plan.send(await self._aexecute(step))
        except StopIteration as done:
            result: R = done.value
            return result

    def _execute(self, step: Step) -> Rows | list[Rows]:
        if isinstance(step, Query):
            statement, params = self._statement(step)
            result = self.client.execute(
                statement, params, write=step.write, tuples=step.tuples, fresh=step.fresh
            )
            rows: Rows = result.current_rows  # the driver ships no types
            return rows
        if isinstance(step, Batch):
            self.client.execute(self._batch(step), write=True)
            return []
        if not step.queries:
            return []
        finished = threading.Event()
        fanout = _Fanout(self, step, finished.set)
        fanout.start()
        finished.wait()
        return fanout.outcome()

    async def _aexecute(self, step: Step) -> Rows | list[Rows]:
        if isinstance(step, Query):
            statement, params = self._statement(step)
            return await self.client.execute_aio(
                statement, params, write=step.write, tuples=step.tuples, fresh=step.fresh
            )
        if isinstance(step, Batch):
            await self.client.execute_aio(self._batch(step), write=True)
            return []
        if not step.queries:
            return []
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()

        def resolve() -> None:
            if not waiter.done():
                waiter.set_result(None)

        def wake() -> None:
            loop.call_soon_threadsafe(resolve)

        fanout = _Fanout(self, step, wake)
        fanout.start()
        await waiter
        return fanout.outcome()

    def _batch(self, step: Batch) -> BatchStatement:
        batch = BatchStatement(batch_type=BatchType.UNLOGGED)
        for query in step.queries:
            batch.add(self.client.prepare(query.cql), query.params)
        return batch

    def _statement(self, query: Query) -> tuple[PreparedStatement | Statement, Any]:
        return self._bind(self.client.prepare(query.cql), query)

    @staticmethod
    def _bind(
        prepared: PreparedStatement, query: Query
    ) -> tuple[PreparedStatement | Statement, Any]:
        if not query.lwt:
            return prepared, query.params
        bound = prepared.bind(query.params)
        bound.serial_consistency_level = ConsistencyLevel.LOCAL_SERIAL
        return bound, None


class _Fanout:
    """Keeps up to ``concurrency`` statements in flight, submitting from callbacks.

    Each completion claims the next statement under the same lock that records
    its result. Only one frame submits at a time (``_pumping``): a callback
    that fires while another frame is submitting leaves the freed slot to that
    frame instead of recursing. Nothing here may block: after the first
    ``concurrency`` statements it runs on the driver's I/O thread.
    """

    def __init__(self, runner: PlanRunner, step: Fanout, finish: Callable[[], None]) -> None:
        self._runner = runner
        self._queries = step.queries
        # Prepared here, in the caller's thread: later statements are submitted from
        # the driver's I/O thread, where a blocking prepare would wait on itself.
        self._prepared = {cql: runner.client.prepare(cql) for cql in {q.cql for q in step.queries}}
        self._limit = max(1, step.concurrency)
        self._finish = finish
        self._results: list[Rows] = [[] for _ in step.queries]
        self._lock = threading.Lock()
        self._next = 0
        self._in_flight = 0
        self._pumping = False
        self._done = False
        self._error: BaseException | None = None

    def outcome(self) -> list[Rows]:
        if self._error is not None:
            raise self._error
        return self._results

    def start(self) -> None:
        with self._lock:
            index = self._claim()
            self._pumping = index >= 0
            finished = index < 0 and self._finished_now()
        if index >= 0:
            self._pump_from(index)
        elif finished:
            self._finish()

    def _claim(self) -> int:
        """The next statement to submit, or -1 (call with the lock held)."""
        if (
            self._error is None
            and self._next < len(self._queries)
            and (self._in_flight < self._limit)
        ):
            self._next += 1
            self._in_flight += 1
            return self._next - 1
        return -1

    def _finished_now(self) -> bool:
        """Whether the step just finished (call with the lock held, not pumping)."""
        if self._done or self._in_flight:
            return False
        if self._error is None and self._next < len(self._queries):
            return False
        self._done = True
        return True

    def _pump_from(self, index: int) -> None:
        while True:
            self._submit(index)
            with self._lock:
                index = self._claim()
                if index < 0:
                    self._pumping = False
                    finished = self._finished_now()
                    break
        if finished:
            self._finish()

    def _submit(self, index: int) -> None:
        query = self._queries[index]
        try:
            statement, params = self._runner._bind(self._prepared[query.cql], query)
            future = self._runner.client.execute_async(
                statement, params, write=query.write, tuples=query.tuples, fresh=query.fresh
            )
        except Exception as exc:  # breaker open, session gone: fail the whole step
            self._settle(None, index, exc)
            return
        future.add_callbacks(
            callback=self._settle,
            callback_args=(index,),
            errback=self._failed,
            errback_args=(index,),
        )

    def _failed(self, exc: BaseException, index: int) -> None:
        self._settle(None, index, exc)

    def _settle(self, rows: Any, index: int, exc: BaseException | None = None) -> None:
        with self._lock:
            self._in_flight -= 1
            if exc is not None:
                if self._error is None:
                    self._error = self._runner.client.translate_error(exc)
            elif rows:
                self._results[index] = rows if isinstance(rows, list) else list(rows)
            if self._pumping:
                return  # the submitting frame takes the freed slot and checks for the end
            index = self._claim()
            if index >= 0:
                self._pumping = True
            else:
                finished = self._finished_now()
        if index >= 0:
            self._pump_from(index)
        elif finished:
            self._finish()


class HasRunner(Protocol):
    _runner: PlanRunner


H = TypeVar("H", bound=HasRunner)


def sync_operation(plan: Callable[Concatenate[H, P], Plan[R]]) -> Callable[Concatenate[H, P], R]:
    """A blocking method that runs ``plan``."""

    @functools.wraps(plan)
    def run(self: H, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return self._runner.run(plan(self, *args, **kwargs))

    return run


def async_operation(
    plan: Callable[Concatenate[H, P], Plan[R]],
) -> Callable[Concatenate[H, P], Coroutine[Any, Any, R]]:
    """A coroutine method that runs ``plan`` on the driver's callbacks."""

    @functools.wraps(plan)
    async def run(self: H, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return await self._runner.arun(plan(self, *args, **kwargs))

    return run
