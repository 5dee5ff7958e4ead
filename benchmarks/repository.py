"""Repository vs bare driver on the same rows, in one run (a script, not a test).

    .venv/bin/python -m benchmarks.repository [--messages 20000] [--concurrency 64] [--fresh]

Uses its own keyspace ``bench_wellwon`` (built by the migration runner; reused
between runs, ``--fresh`` drops it first) on the cluster of
DJANGO_SETTINGS_MODULE (default ``wellwon.settings``). Both sides write and read
identical rows: the message ids are minted once and bound by both.

* throughput: the same work at the same concurrency and consistency; the bare
  side is prepared statements + ``cassandra.concurrent.execute_concurrent``,
  the repository side its bulk insert and its async page reads. The work is
  cut into chunks run as bare/repository pairs back to back, so both sides
  meet the same drift of a shared cluster.
* latency: one operation at a time (p50/p99 per operation), bare and
  repository interleaved call by call.
* query count of paging a quiet channel (one message every 40 days for two
  years) against a dense one, from the client's own metrics.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

CHUNKS = 10  # alternating bare/repository chunk pairs per measurement
LATENCY_SAMPLES = 1000
KEYSPACE = "bench_wellwon"
PAGE = 50


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellwon.settings")
    import django

    django.setup()


@dataclasses.dataclass
class Result:
    name: str
    repo_rate: float  # messages per second
    bare_rate: float
    repo_cpu_us: float  # client CPU per message
    bare_cpu_us: float
    repo_latency: tuple[float, float]  # p50, p99 in ms
    bare_latency: tuple[float, float]
    note: str = ""


def percentiles(samples: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return pick(0.50), pick(0.99)


@dataclasses.dataclass
class Spent:
    wall: float = 0.0  # seconds
    cpu: float = 0.0  # process CPU seconds: this thread plus the driver's I/O thread


def paired(
    bare: Callable[[slice], None], repo: Callable[[slice], None], total: int
) -> tuple[Spent, Spent]:
    """Wall and CPU time each side took for all ``total`` items (see ``interleaved``)."""
    spent = interleaved([bare, repo], total)
    return spent[0], spent[1]


def interleaved(sides: Sequence[Callable[[slice], None]], total: int) -> list[Spent]:
    """Wall and CPU time each side took for all ``total`` items, chunk by chunk.

    Every side runs the same chunk back to back (which goes first rotates),
    after one warm-up chunk each. CPU time is the client's own cost, which the
    other tenants of a shared cluster do not disturb as much as wall time.
    """
    size = max(1, total // CHUNKS)
    parts = [slice(i, min(i + size, total)) for i in range(0, total, size)]
    for side in sides:
        side(parts[0])
    spent = [Spent() for _ in sides]
    for index, part in enumerate(parts):
        for turn in range(len(sides)):
            which = (index + turn) % len(sides)
            started, cpu = time.perf_counter(), time.process_time()
            sides[which](part)
            spent[which].wall += time.perf_counter() - started
            spent[which].cpu += time.process_time() - cpu
    return spent


def paired_latency(
    bare: Callable[[int], Any], repo: Callable[[int], Any], count: int
) -> tuple[list[float], list[float]]:
    """Single operations, one at a time, bare and repository interleaved call by call."""
    bare_samples: list[float] = []
    repo_samples: list[float] = []
    for index in range(count):
        for call, samples in ((bare, bare_samples), (repo, repo_samples)):
            started = time.perf_counter()
            call(index)
            samples.append(time.perf_counter() - started)
    return bare_samples, repo_samples


def check(condition: bool, what: str) -> None:
    """The benchmark measures correct work only: a short page is a bug, not a result."""
    if not condition:
        raise RuntimeError(f"{what}: wrong number of rows")


def rate(seconds: float, messages: int) -> float:
    return messages / seconds if seconds else float("inf")


class Bench:
    def __init__(self, messages: int, concurrency: int, fresh: bool) -> None:
        from messaging.conf import ScyllaSettings
        from messaging.repository import MessageScyllaRepo
        from messaging.scylla.client import ScyllaClient
        from messaging.scylla.migrations import apply_migrations

        config = dataclasses.replace(ScyllaSettings.from_django(), keyspace=KEYSPACE)
        self.client = ScyllaClient(config)
        if fresh:
            self.client.execute(f"DROP KEYSPACE IF EXISTS {KEYSPACE}", write=True, timeout=120)
        apply_migrations(self.client)
        self.repo = MessageScyllaRepo(self.client)
        self.messages = messages
        self.concurrency = concurrency
        self.session = self.client.session
        self.write_profile = "write"
        self.read_profile = None  # the default profile: LOCAL_ONE reads

    # ------------------------------------------------------------ data
    def make_rows(self, channels: int) -> list[Any]:
        from messaging.repository import MessageData
        from messaging.scylla import generate_snowflake_id

        rng = random.Random(7)
        rows = []
        channel_ids = [uuid.uuid4() for _ in range(channels)]
        for index in range(self.messages):
            data = MessageData(
                channel_id=channel_ids[index % channels],
                content="".join(rng.choices("abcdefghij klmnopqrstuvwxyz", k=rng.randint(20, 200))),
                sender_id=rng.randint(1, 5000),
                mentions={rng.randint(1, 5000)} if rng.random() < 0.1 else None,
                attachments=(
                    [{"type": "image", "file_name": "p.png", "size": 1234, "url": "https://x/p"}]
                    if rng.random() < 0.05
                    else None
                ),
            )
            data.message_id = generate_snowflake_id()
            rows.append(data)
        return rows

    def bare_insert_params(self, rows: Sequence[Any]) -> tuple[Any, list[tuple[Any, ...]]]:
        """What a careful hand-written insert binds: every column, UNSET for absent ones."""
        import json

        from cassandra.query import UNSET_VALUE

        from messaging.scylla import calculate_message_bucket
        from messaging.scylla.snowflake import snowflake_to_datetime

        statement = self.session.prepare(
            f"INSERT INTO {KEYSPACE}.messages (channel_id, bucket, message_id, sender_id, content,"
            " message_type, source, mentions, attachments, created_at) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        params = [
            (
                r.channel_id,
                calculate_message_bucket(r.message_id),
                r.message_id,
                r.sender_id,
                r.content,
                r.message_type,
                r.source,
                r.mentions or UNSET_VALUE,
                json.dumps(r.attachments) if r.attachments else UNSET_VALUE,
                snowflake_to_datetime(r.message_id),
            )
            for r in rows
        ]
        return statement, params

    # ------------------------------------------------------------ inserts
    def bare_inserts(
        self, statement: Any, params: list[tuple[Any, ...]]
    ) -> Callable[[slice], None]:
        """The baseline: a slice of the rows' INSERTs through ``execute_concurrent``."""
        from cassandra.concurrent import execute_concurrent_with_args

        def bare(part: slice) -> None:
            execute_concurrent_with_args(
                self.session,
                statement,
                params[part],
                concurrency=self.concurrency,
                raise_on_first_error=True,
                execution_profile=self.write_profile,
            )

        return bare

    def bare_sends(
        self, rows: Sequence[Any], statement: Any, params: list[tuple[Any, ...]]
    ) -> Callable[[slice], None]:
        """The bare driver doing a send's whole work: the row and the channel's metadata.

        One UNLOGGED batch per message (``bare_insert_params``' INSERT and a hand-written
        ``channel_metadata`` update) through ``execute_concurrent``: what
        ``ainsert_message`` writes, without the repository.
        """
        from cassandra.query import BatchStatement, BatchType

        from messaging.scylla.snowflake import snowflake_to_unix_micros

        touch = self.session.prepare(
            f"UPDATE {KEYSPACE}.channel_metadata USING TIMESTAMP ? SET"
            " active_buckets = active_buckets + ?, last_message_id = ?, last_message_at = ?,"
            " last_sender_id = ? WHERE channel_id = ?"
        )

        def batch(row: Any, values: tuple[Any, ...]) -> tuple[BatchStatement, tuple[()]]:
            send = BatchStatement(batch_type=BatchType.UNLOGGED)
            send.add(statement, values)
            send.add(
                touch,
                (
                    snowflake_to_unix_micros(row.message_id),
                    {values[1]},
                    row.message_id,
                    values[9],
                    row.sender_id,
                    row.channel_id,
                ),
            )
            return send, ()

        def bare(part: slice) -> None:
            from cassandra.concurrent import execute_concurrent

            execute_concurrent(
                self.session,
                [batch(row, values) for row, values in zip(rows[part], params[part], strict=True)],
                concurrency=self.concurrency,
                raise_on_first_error=True,
                execution_profile=self.write_profile,
            )

        return bare

    def bench_inserts(self, rows: list[Any]) -> Result:
        statement, params = self.bare_insert_params(rows)
        bare = self.bare_inserts(statement, params)

        def repo(part: slice) -> None:
            self.repo.insert_messages(rows[part], concurrency=self.concurrency)

        bare_t, repo_t = paired(bare, repo, len(rows))
        bare_lat, repo_lat = paired_latency(
            lambda i: self.session.execute(
                statement, params[i], execution_profile=self.write_profile
            ),
            lambda i: self.repo.insert_message(rows[i]),
            min(LATENCY_SAMPLES, len(rows)),
        )
        return Result(
            "insert (bulk)",
            rate(repo_t.wall, len(rows)),
            rate(bare_t.wall, len(rows)),
            repo_t.cpu / len(rows) * 1e6,
            bare_t.cpu / len(rows) * 1e6,
            percentiles(repo_lat),
            percentiles(bare_lat),
            "repo: insert_messages (rows + 1 metadata write per channel and call); "
            "bare: execute_concurrent of the rows; latency: one insert at a time "
            "(repo's single insert writes row + metadata in one unlogged batch)",
        )

    # ------------------------------------------------------------ page reads
    def bench_pages(self, rows: list[Any], pages: int) -> Result:
        from cassandra.concurrent import execute_concurrent_with_args

        from messaging.repository.statements import MESSAGE_COLUMNS
        from messaging.scylla import calculate_message_bucket

        by_channel: dict[uuid.UUID, list[int]] = {}
        for r in rows:
            by_channel.setdefault(r.channel_id, []).append(r.message_id)
        rng = random.Random(11)
        channels = list(by_channel)
        cursors = []
        for _ in range(pages):
            channel_id = rng.choice(channels)
            ids = by_channel[channel_id]
            cursors.append((channel_id, ids[rng.randint(PAGE, len(ids) - 1)]))
        statement = self.session.prepare(
            f"SELECT {', '.join(MESSAGE_COLUMNS)} FROM {KEYSPACE}.messages"
            " WHERE channel_id = ? AND bucket = ? AND message_id < ? LIMIT ?"
        )
        params = [(c, calculate_message_bucket(b), b, PAGE) for c, b in cursors]

        def bare(part: slice) -> None:
            results = execute_concurrent_with_args(
                self.session, statement, params[part], concurrency=self.concurrency
            )
            check(all(len(r.result_or_exc.current_rows) == PAGE for r in results), "bare page")

        def repo(part: slice) -> None:
            async def run() -> None:
                gate = asyncio.Semaphore(self.concurrency)

                async def page(channel_id: uuid.UUID, before: int) -> None:
                    async with gate:
                        got = await self.repo.aget_messages(channel_id, PAGE, before_id=before)
                    check(len(got) == PAGE, "repository page")

                await asyncio.gather(*(page(c, b) for c, b in cursors[part]))

            asyncio.run(run())

        bare_t, repo_t = paired(bare, repo, len(cursors))
        bare_lat, repo_lat = paired_latency(
            lambda i: list(self.session.execute(statement, params[i])),
            lambda i: self.repo.get_messages(cursors[i][0], PAGE, before_id=cursors[i][1]),
            min(LATENCY_SAMPLES, len(cursors)),
        )
        return Result(
            f"page read ({PAGE} msgs)",
            rate(repo_t.wall, pages * PAGE),
            rate(bare_t.wall, pages * PAGE),
            repo_t.cpu / (pages * PAGE) * 1e6,
            bare_t.cpu / (pages * PAGE) * 1e6,
            percentiles(repo_lat),
            percentiles(bare_lat),
            "repo: aget_messages(before_id) under a semaphore, decoded to StoredMessage; "
            "bare: execute_concurrent of the SELECT (driver rows); latency: one page at a time",
        )

    # ------------------------------------------------------------ quiet channels
    def paging_costs(self) -> list[tuple[str, int, int, list[int]]]:
        from messaging.repository import MessageData

        now = datetime.now(UTC)
        quiet, dense = uuid.uuid4(), uuid.uuid4()
        self.repo.insert_messages(
            [
                MessageData(quiet, f"q{i}", 1, created_at=now - timedelta(days=1 + 40 * i))
                for i in range(730 // 40 + 1)
            ]
        )
        self.repo.insert_messages(
            [
                MessageData(dense, f"d{i}", 1, created_at=now - timedelta(minutes=3 * i))
                for i in range(1000)
            ]
        )
        out = []
        for name, channel_id in (("quiet: 1 msg / 40 days, 2 years", quiet), ("dense", dense)):
            metadata = self.repo.get_channel_metadata(channel_id)
            if metadata is None:
                raise RuntimeError(f"channel {channel_id} has no metadata")
            costs, seen, before = [], 0, None
            while True:
                start = self.client.metrics.snapshot().queries
                page = self.repo.get_messages(channel_id, PAGE, before_id=before)
                costs.append(self.client.metrics.snapshot().queries - start)
                if not page:
                    break
                seen += len(page)
                before = page[-1].message_id
            span = metadata.active_buckets[-1] - metadata.active_buckets[0] + 1
            out.append(
                (
                    f"{name} ({len(metadata.active_buckets)}/{span} buckets used)",
                    seen,
                    sum(costs),
                    costs,
                )
            )
        return out


def show(results: list[Result], costs: list[tuple[str, int, int, list[int]]], args: Any) -> None:
    print(
        f"\nRepository vs bare driver — {args.messages} messages, concurrency {args.concurrency}, "
        f"{CHUNKS} alternating chunk pairs, keyspace {KEYSPACE}\n"
    )
    header = (
        f"{'operation':<22}{'repo msg/s':>12}{'bare msg/s':>12}{'ratio':>7}"
        f"{'CPU µs/msg repo/bare':>22}{'ratio':>7}"
        f"{'repo p50/p99 ms':>18}{'bare p50/p99 ms':>18}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:<22}{r.repo_rate:>12,.0f}{r.bare_rate:>12,.0f}"
            f"{r.repo_rate / r.bare_rate:>7.2f}"
            f"{r.repo_cpu_us:>13.1f}/{r.bare_cpu_us:<8.1f}"
            f"{r.bare_cpu_us / r.repo_cpu_us:>7.2f}"
            f"{r.repo_latency[0]:>9.2f}/{r.repo_latency[1]:<8.2f}"
            f"{r.bare_latency[0]:>9.2f}/{r.bare_latency[1]:<8.2f}"
        )
    print(
        "ratio = repository / bare throughput; CPU ratio = bare CPU / repository CPU (client side)"
    )
    for r in results:
        print(f"  {r.name}: {r.note}")
    print(f"\nPaging a whole channel, {PAGE} per page (queries from the client's metrics)")
    for name, seen, total, per_page in costs:
        print(f"  {name:<52} {seen:>5} messages  {total:>4} queries  per page {per_page}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--pages", type=int, default=4_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--fresh", action="store_true", help="drop bench_wellwon first")
    args = parser.parse_args(argv)
    setup_django()
    bench = Bench(args.messages, args.concurrency, args.fresh)
    rows = bench.make_rows(args.channels)
    results = [bench.bench_inserts(rows), bench.bench_pages(rows, args.pages)]
    costs = bench.paging_costs()
    show(results, costs, args)
    bench.client.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
