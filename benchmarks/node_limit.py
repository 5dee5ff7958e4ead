"""The node's own limit: the bare driver from 1, 2 and 4 processes at once.

One Python process cannot saturate a Cassandra node (the driver spends its
CPU encoding and decoding), so the node's limit is what several processes
reach together before adding one more stops helping. Each process opens its
own session (``spawn``: nothing inherited), inserts rows into channels of its
own with prepared statements and ``execute_concurrent`` (writes at the
product's write consistency), then reads 50-message pages of those channels at
random cursors. All processes start each phase together (a barrier) and run it
for the same time; a figure is the sum of their rates. Keyspace
``bench_wellwon`` (the repository part's).

On the development machine the node shares two cores with the clients, so
this is the limit of the machine as much as of the node.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import random
import time
import uuid
from dataclasses import dataclass
from typing import Any

from benchmarks.stats import Figure, Rounds, figure

PART = "node"
KEYSPACE = "bench_wellwon"
PAGE = 50
CHANNELS = 20
BATCH = 1_000  # statements handed to execute_concurrent at a time
CONCURRENCY = 64


@dataclass(frozen=True)
class NodeSize:
    rounds: int
    seconds: float  # per phase and round
    processes: tuple[int, ...] = (1, 2, 4)


SIZES = {
    "small": NodeSize(3, 0.5),
    "medium": NodeSize(5, 3.0),
    "large": NodeSize(7, 6.0),
}


@dataclass(frozen=True)
class PhaseResult:
    operations: int
    seconds: float


class Worker:
    """One process's session, statements and the ids it has written so far."""

    def __init__(self) -> None:
        from messaging.conf import ScyllaSettings
        from messaging.repository.statements import MESSAGE_COLUMNS
        from messaging.scylla.client import ScyllaClient

        config = dataclasses.replace(ScyllaSettings.from_django(), keyspace=KEYSPACE)
        self.client = ScyllaClient(config)
        self.session = self.client.session
        self.insert = self.session.prepare(
            f"INSERT INTO {KEYSPACE}.messages (channel_id, bucket, message_id, sender_id,"
            " content, message_type, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        self.select = self.session.prepare(
            f"SELECT {', '.join(MESSAGE_COLUMNS)} FROM {KEYSPACE}.messages"
            " WHERE channel_id = ? AND bucket = ? AND message_id < ? LIMIT ?"
        )
        self.ids: dict[uuid.UUID, list[int]] = {uuid.uuid4(): [] for _ in range(CHANNELS)}
        self.rng = random.Random(os.getpid())

    def _rows(self) -> list[tuple[Any, ...]]:
        from messaging.scylla import calculate_message_bucket, generate_snowflake_id
        from messaging.scylla.snowflake import snowflake_to_datetime

        rows = []
        channels = list(self.ids)
        for index in range(BATCH):
            channel = channels[index % CHANNELS]
            message_id = generate_snowflake_id()
            self.ids[channel].append(message_id)
            rows.append(
                (
                    channel,
                    calculate_message_bucket(message_id),
                    message_id,
                    1 + index % 50,
                    "node limit benchmark message " * 3,
                    "text",
                    "api",
                    snowflake_to_datetime(message_id),
                )
            )
        return rows

    def _cursors(self) -> list[tuple[Any, ...]]:
        from messaging.scylla import calculate_message_bucket

        cursors = []
        for _ in range(BATCH // 4):
            channel = self.rng.choice(list(self.ids))
            ids = self.ids[channel]
            before = ids[self.rng.randrange(min(PAGE, len(ids) - 1), len(ids))]
            cursors.append((channel, calculate_message_bucket(before), before, PAGE))
        return cursors

    def run_for(self, seconds: float, *, write: bool) -> PhaseResult:
        """Batches of statements, 64 in flight, until ``seconds`` have passed."""
        from cassandra.concurrent import execute_concurrent_with_args

        from messaging.scylla.client import READ_PROFILE, WRITE_PROFILE

        done, began = 0, time.perf_counter()
        while time.perf_counter() - began < seconds:
            params = self._rows() if write else self._cursors()
            execute_concurrent_with_args(
                self.session,
                self.insert if write else self.select,
                params,
                concurrency=CONCURRENCY,
                raise_on_first_error=True,
                execution_profile=WRITE_PROFILE if write else READ_PROFILE,
            )
            done += len(params)
        return PhaseResult(done, time.perf_counter() - began)


def _process(size: NodeSize, barrier: Any, results: Any) -> None:
    """A spawned process: every round, an insert phase then a read phase, in step."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellwon.settings")
    import django

    django.setup()
    worker = Worker()
    worker.run_for(0.2, write=True)  # warm-up: connections, prepared statements, rows to read
    for round_index in range(size.rounds):
        for write in (True, False):
            barrier.wait(timeout=120)
            phase = worker.run_for(size.seconds, write=write)
            results.put((round_index, write, phase.operations / phase.seconds))
    worker.client.shutdown()


def measure(processes: int, size: NodeSize) -> tuple[list[float], list[float]]:
    """Per round: (inserts/s, pages/s) summed over ``processes`` processes."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    children = [
        context.Process(target=_process, args=(size, barrier, results)) for _ in range(processes)
    ]
    for child in children:
        child.start()
    inserts = [0.0] * size.rounds
    pages = [0.0] * size.rounds
    for _ in range(processes * size.rounds * 2):
        round_index, write, rate = results.get(timeout=300)
        (inserts if write else pages)[round_index] += rate
    for child in children:
        child.join(timeout=60)
        if child.exitcode != 0:
            raise RuntimeError(f"a node-limit process exited with {child.exitcode}")
    return inserts, pages


def run(size_name: str) -> list[Figure]:
    from messaging.conf import ScyllaSettings
    from messaging.scylla.client import ScyllaClient
    from messaging.scylla.migrations import apply_migrations

    size = SIZES[size_name]
    client = ScyllaClient(dataclasses.replace(ScyllaSettings.from_django(), keyspace=KEYSPACE))
    apply_migrations(client)
    client.shutdown()
    got = Rounds()
    for processes in size.processes:
        inserts, pages = measure(processes, size)
        got.values[f"inserts_{processes}"] = inserts
        got.values[f"pages_{processes}"] = pages
    first = size.processes[0]
    out = []
    for kind, unit, label in (("inserts", "rows/s", "inserts"), ("pages", "pages/s", "page reads")):
        for processes in size.processes:
            out.append(
                figure(
                    PART,
                    f"bare driver {label}, {processes} process{'es' if processes > 1 else ''}",
                    unit,
                    got[f"{kind}_{processes}"],
                    baseline_name=f"{first} process" if processes != first else "",
                    baseline=got[f"{kind}_{first}"] if processes != first else None,
                    key=f"node_{kind}_{processes}",
                )
            )
    return out
