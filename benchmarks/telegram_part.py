"""The Telegram part: ``benchmarks.telegram_export``'s import runs, in rounds, as figures.

``benchmarks.telegram_export`` writes the synthetic exports, runs
``manage.py telegram_import`` in a child (its own keyspace, database and Redis
prefix) and reads the child's throughput and peak RSS; its "store floor" run
gives the insert baseline of the same run (the bare driver's INSERT of the same
number of rows, and the repository's insert with Telegram ids, which claims
each id in the mapping table). Two export sizes show whether the importer's
memory grows with the file: it must not.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks import telegram_export as tg
from benchmarks.stats import Figure, Rounds, Target, figure

PART = "telegram"


@dataclass(frozen=True)
class ImportSize:
    rounds: int
    small_export: int
    export: int
    floor: int  # messages of the store-floor (insert baseline) run


SIZES = {
    "small": ImportSize(3, 250, 1_000, 500),
    "medium": ImportSize(3, 10_000, 100_000, 10_000),
    "large": ImportSize(5, 10_000, 100_000, 20_000),
}
OPTIONS = argparse.Namespace(batch_size=500, concurrency=64)


def run(size_name: str) -> list[Figure]:
    size = SIZES[size_name]
    tg.prepare_stores()
    got = Rounds()
    with tempfile.TemporaryDirectory(prefix="wellwon-bench-telegram-") as folder:

        def imported(count: int) -> tg.Measurement:
            export = tg.export_file(Path(folder), count)
            try:
                return tg.measure_import(export, count, OPTIONS)
            finally:
                export.unlink()

        for index in range(size.rounds):
            bare, claimed = tg.measure_floor(size.floor, OPTIONS)
            measured = imported(size.export)
            got.add(bare=bare, claimed=claimed, rate=measured.rate)
            if index == 0:  # memory is not a noisy rate: one smaller export to compare with
                got.add(rss_first=measured.peak_rss_mb)
                got.add(rss_small=imported(size.small_export).peak_rss_mb)
    n, small = f"{size.export:,}", f"{size.small_export:,}"
    return [
        figure(
            PART,
            f"import of a {n}-message export",
            "msg/s",
            got["rate"],
            baseline_name="bare driver INSERT (store floor)",
            baseline=got["bare"],
            note="import: manage.py telegram_import, batches of 500, 64 in flight; "
            "its time excludes the child's start-up",
        ),
        figure(
            PART,
            "repository insert_messages with Telegram ids",
            "msg/s",
            got["claimed"],
            baseline_name="bare driver INSERT (store floor)",
            baseline=got["bare"],
            note="each Telegram id is claimed in the mapping table (a Paxos round) "
            "before the row is written",
        ),
        figure(
            PART,
            f"importer peak RSS, {n}-message export",
            "MiB",
            got["rss_first"],
            baseline_name=f"{small}-message export",
            baseline=got["rss_small"],
            target=Target("<=", 1.25),
        ),
    ]
