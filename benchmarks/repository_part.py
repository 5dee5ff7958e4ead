"""The repository part: ``benchmarks.repository``'s measurements, in rounds, as figures.

``benchmarks.repository.Bench`` does the work (keyspace ``bench_wellwon``,
bare and repository sides interleaved in chunk pairs on identical rows); this
module repeats it over rounds and adds what the issue asks beside it:

* inserts through the async twin (``ainsert_message``, N at a time) against the
  bare driver's ``execute_concurrent`` at the same concurrency;
* page reads on one hot channel (every reader on the same partition) beside
  page reads spread over many channels;
* the time (not only the queries) to page through a quiet channel (one message
  every 40 days over two years) against a dense channel of the same count.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks import repository as rb
from benchmarks.stats import Figure, Rounds, Target, figure, timed

PART = "repository"
PAGE = rb.PAGE
PER_CHANNEL = 250  # messages per channel: pages start at random ids with 50 older ones


@dataclass(frozen=True)
class RepoSize:
    rounds: int
    messages: int
    pages: int
    concurrency: int
    latency_samples: int  # one-at-a-time operations per side and round


SIZES = {
    "small": RepoSize(3, 2_000, 400, 64, 100),
    "medium": RepoSize(5, 20_000, 4_000, 64, 1_000),
    "large": RepoSize(7, 100_000, 20_000, 64, 2_000),
}


def async_inserts(bench: rb.Bench, rows: list[Any]) -> list[rb.Spent]:
    """``ainsert_message`` under a semaphore vs the bare driver, same rows and concurrency.

    Two bare sides: the row's INSERT (the issue's baseline) and the send's
    whole work (row and channel metadata in one batch), so the figure shows
    apart what the second write costs and what the repository itself adds.
    """
    statement, params = bench.bare_insert_params(rows)
    bare = bench.bare_inserts(statement, params)

    def repo(part: slice) -> None:
        async def run() -> None:
            gate = asyncio.Semaphore(bench.concurrency)

            async def insert(data: Any) -> None:
                async with gate:
                    await bench.repo.ainsert_message(data)

            await asyncio.gather(*(insert(data) for data in rows[part]))

        asyncio.run(run())

    return rb.interleaved([bare, bench.bare_sends(rows, statement, params), repo], len(rows))


@dataclass(frozen=True)
class Paging:
    queries: int
    seconds: float


class QuietChannels:
    """A quiet channel (a message every 40 days for two years) and a dense one as long."""

    def __init__(self, bench: rb.Bench) -> None:
        from messaging.repository import MessageData

        self.bench = bench
        now = datetime.now(UTC)
        count = 730 // 40 + 1
        self.quiet, self.dense = uuid.uuid4(), uuid.uuid4()
        self.count = count
        bench.repo.insert_messages(
            [
                MessageData(self.quiet, f"q{i}", 1, created_at=now - timedelta(days=1 + 40 * i))
                for i in range(count)
            ]
        )
        bench.repo.insert_messages(
            [
                MessageData(self.dense, f"d{i}", 1, created_at=now - timedelta(minutes=3 * i))
                for i in range(count)
            ]
        )

    def page_through(self, channel_id: uuid.UUID) -> Paging:
        """Every message, newest first, in pages of 50 until an empty page."""
        metrics = self.bench.client.metrics
        queries = metrics.snapshot().queries
        seen: list[int] = []

        def walk() -> None:
            before = None
            while page := self.bench.repo.get_messages(channel_id, PAGE, before_id=before):
                seen.extend(m.message_id for m in page)
                before = page[-1].message_id

        seconds = timed(walk)
        rb.check(len(seen) == self.count, "paging a whole channel")
        return Paging(metrics.snapshot().queries - queries, seconds)


def measure_round(bench: rb.Bench, rows: list[Any], pages: int, got: Rounds) -> None:
    inserts = bench.bench_inserts(rows)
    bare_async, bare_sends, repo_async = async_inserts(bench, rows)
    spread = bench.bench_pages(rows, pages)
    hot_channel = rows[0].channel_id
    hot = bench.bench_pages([r for r in rows if r.channel_id == hot_channel], pages)
    got.add(
        insert_repo=inserts.repo_rate,
        insert_bare=inserts.bare_rate,
        insert_async_repo=rb.rate(repo_async.wall, len(rows)),
        insert_async_bare=rb.rate(bare_async.wall, len(rows)),
        insert_async_sends=rb.rate(bare_sends.wall, len(rows)),
        insert_p50=inserts.repo_latency[0],
        insert_p99=inserts.repo_latency[1],
        insert_bare_p50=inserts.bare_latency[0],
        insert_bare_p99=inserts.bare_latency[1],
    )
    for name, result in (("spread", spread), ("hot", hot)):
        got.add(
            **{
                f"{name}_repo": result.repo_rate / PAGE,
                f"{name}_bare": result.bare_rate / PAGE,
                f"{name}_p50": result.repo_latency[0],
                f"{name}_p99": result.repo_latency[1],
                f"{name}_bare_p50": result.bare_latency[0],
                f"{name}_bare_p99": result.bare_latency[1],
            }
        )


def figures(
    got: Rounds, size: RepoSize, quiet: Sequence[Paging], dense: Sequence[Paging], count: int
) -> list[Figure]:
    bare = "bare driver"
    c = size.concurrency
    at_least = Target(">=", 0.8)
    out = [
        figure(
            PART,
            f"insert, insert_messages (bulk, {c} in flight)",
            "msg/s",
            got["insert_repo"],
            baseline_name=f"{bare} execute_concurrent",
            baseline=got["insert_bare"],
            target=at_least,
        ),
        figure(
            PART,
            f"insert, ainsert_message x {c} concurrent",
            "msg/s",
            got["insert_async_repo"],
            baseline_name=f"{bare} execute_concurrent",
            baseline=got["insert_async_bare"],
            target=at_least,
            note="each ainsert_message also updates channel_metadata (one unlogged batch of 2"
            " writes per message; the bulk insert writes metadata once per channel and call)",
        ),
        figure(
            PART,
            f"insert, ainsert_message x {c} concurrent",
            "msg/s",
            got["insert_async_repo"],
            baseline_name=f"{bare}, row + metadata batch",
            baseline=got["insert_async_sends"],
            note="the same send through the bare driver: execute_concurrent of one unlogged"
            " batch (row and channel_metadata) per message; the repository's own share",
        ),
        figure(
            PART,
            "insert_message p50, one at a time",
            "ms",
            got["insert_p50"],
            digits=2,
            baseline_name=bare,
            baseline=got["insert_bare_p50"],
        ),
        figure(
            PART,
            "insert_message p99, one at a time",
            "ms",
            got["insert_p99"],
            digits=2,
            baseline_name=bare,
            baseline=got["insert_bare_p99"],
        ),
    ]
    channels = size.messages // PER_CHANNEL
    for name, label in (("spread", f"{channels} channels"), ("hot", "1 hot channel")):
        out += [
            figure(
                PART,
                f"page read, {label}, {c} in flight",
                "pages/s",
                got[f"{name}_repo"],
                baseline_name=bare,
                baseline=got[f"{name}_bare"],
                target=at_least,
            ),
            figure(
                PART,
                f"page read p50, {label}, one at a time",
                "ms",
                got[f"{name}_p50"],
                digits=2,
                baseline_name=bare,
                baseline=got[f"{name}_bare_p50"],
            ),
            figure(
                PART,
                f"page read p99, {label}, one at a time",
                "ms",
                got[f"{name}_p99"],
                digits=2,
                baseline_name=bare,
                baseline=got[f"{name}_bare_p99"],
            ),
        ]
    out += [
        figure(
            PART,
            f"page through quiet channel ({count} msgs, 2 years)",
            "queries",
            [p.queries for p in quiet],
            baseline_name="dense channel, same count",
            baseline=[p.queries for p in dense],
        ),
        figure(
            PART,
            f"page through quiet channel ({count} msgs, 2 years)",
            "ms",
            [p.seconds * 1000 for p in quiet],
            digits=2,
            baseline_name="dense channel, same count",
            baseline=[p.seconds * 1000 for p in dense],
        ),
    ]
    return out


def run(size_name: str) -> list[Figure]:
    size = SIZES[size_name]
    rb.LATENCY_SAMPLES = size.latency_samples  # the module's knob, read at each measurement
    bench = rb.Bench(size.messages, size.concurrency, fresh=False)
    try:
        rows = bench.make_rows(max(1, size.messages // PER_CHANNEL))
        channels = QuietChannels(bench)
        got = Rounds()
        quiet, dense = [], []
        for _ in range(size.rounds):
            measure_round(bench, rows, size.pages, got)
            quiet.append(channels.page_through(channels.quiet))
            dense.append(channels.page_through(channels.dense))
        return figures(got, size, quiet, dense, channels.count)
    finally:
        bench.client.shutdown()
