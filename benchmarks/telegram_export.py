"""Telegram import throughput and memory (a script, not a test).

    .venv/bin/python -m benchmarks.telegram_export [--sizes 10000 100000] [--concurrency 32]

For each size: writes a synthetic one-chat Telegram Desktop export (the
fields of tdesktop's JSON writer: plain and entity-rich text with emoji,
replies, edits, media without files, service messages, reactions; dates from
2024-02-01 on, 30 s apart), then runs ``manage.py telegram_import`` on it in a
child process and reports messages/s and the child's peak RSS. A second pass
per size only reads and parses the file (no store), which shows what the
streaming reader costs alone. Peak RSS must not grow with the file: 10k and
100k messages should need about the same memory.

The stores are those of DJANGO_SETTINGS_MODULE (default ``wellwon.settings``)
with a keyspace, database and Redis prefix of the benchmark's own
(``bench_wellwon``, ``<POSTGRES_DB>_bench_telegram``, ``bench_telegram``),
created and migrated on first use. Every run imports into a new Telegram
chat id, so nothing is a duplicate.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

KEYSPACE = "bench_wellwon"
REDIS_PREFIX = "bench_telegram"
START_UNIX = 1706745600  # 2024-02-01T00:00:00Z
SENDERS = 50
NOT_INCLUDED = "(File not included. Change data exporting settings to download.)"
WORDS = (
    "ship",
    "release",
    "deploy",
    "review",
    "meeting",
    "lunch",
    "docs",
    "bug",
    "fix",
    "test",
    "merge",
    "branch",
    "cache",
    "latency",
    "schema",
    "bucket",
    "snowflake",
    "telegram",
    "export",
    "import",
    "webhook",
    "reaction",
    "🎉",
    "👍",
    "🔥",
    "✅",
)


# ---------------------------------------------------------------- the export
def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 25)))


def synthetic_message(rng: random.Random, message_id: int) -> dict[str, Any]:
    """One message of the export, of a kind drawn with a realistic mix."""
    unixtime = START_UNIX + 30 * message_id
    sender = rng.randrange(1, SENDERS + 1)
    message: dict[str, Any] = {
        "id": message_id,
        "type": "message",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(unixtime + 3600)),
        "date_unixtime": str(unixtime),
        "from": f"Member {sender}",
        "from_id": f"user{1000 + sender}",
    }
    kind = rng.random()
    text = _text(rng)
    if kind < 0.02 and message_id > 1:
        return {
            "id": message_id,
            "type": "service",
            "date": message["date"],
            "date_unixtime": message["date_unixtime"],
            "actor": message["from"],
            "actor_id": message["from_id"],
            "action": "pin_message",
            "message_id": rng.randrange(1, message_id),
            "text": "",
            "text_entities": [],
        }
    if kind < 0.12:
        parts = [
            {"type": "plain", "text": "see "},
            {"type": "bold", "text": rng.choice(WORDS)},
            {"type": "plain", "text": " 👋 "},
            {"type": "text_link", "text": "docs", "href": "https://example.com/docs"},
            {"type": "plain", "text": " " + text},
        ]
        message["text"] = [p if p["type"] != "plain" else p["text"] for p in parts]
        message["text_entities"] = parts
    else:
        message["text"] = text
        message["text_entities"] = [{"type": "plain", "text": text}]
    if 0.12 <= kind < 0.22 and message_id > 1:
        message["reply_to_message_id"] = rng.randrange(max(1, message_id - 50), message_id)
    if 0.22 <= kind < 0.25:
        message["edited"] = message["date"]
        message["edited_unixtime"] = str(unixtime + 60)
    if 0.25 <= kind < 0.28:
        message.update(photo=NOT_INCLUDED, photo_file_size=120_000, width=1280, height=720)
    elif 0.28 <= kind < 0.30:
        message.update(
            file=NOT_INCLUDED,
            file_name="report.pdf",
            file_size=2_048_000,
            mime_type="application/pdf",
        )
    if 0.30 <= kind < 0.35:
        reactor = f"user{1000 + rng.randrange(1, SENDERS + 1)}"
        message["reactions"] = [
            {
                "type": "emoji",
                "count": rng.randint(1, 5),
                "emoji": "👍",
                "recent": [{"from": "Member", "from_id": reactor, "date": message["date"]}],
            }
        ]
    return message


def write_export(out: TextIO, count: int, bare_id: int, seed: int = 7) -> None:
    """Streams an export of ``count`` messages to ``out`` (never held in memory)."""
    rng = random.Random(seed)
    out.write(json.dumps({"name": "Benchmark", "type": "private_supergroup", "id": bare_id})[:-1])
    out.write(', "messages": [\n')
    for message_id in range(1, count + 1):
        if message_id > 1:
            out.write(",\n")
        out.write(json.dumps(synthetic_message(rng, message_id), ensure_ascii=False))
    out.write("\n]}\n")


# ----------------------------------------------------------------- the runs
@dataclass
class Measurement:
    size: int
    file_mb: float
    seconds: float
    peak_rss_mb: float

    @property
    def rate(self) -> float:
        return self.size / self.seconds


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "wellwon.settings")
    env["SCYLLA_KEYSPACE"] = KEYSPACE
    env["REDIS_KEY_PREFIX"] = REDIS_PREFIX
    env["POSTGRES_DB"] = bench_database()
    env.pop("DATABASE_URL", None)
    return env


def bench_database() -> str:
    return f"{os.environ.get('POSTGRES_DB', 'wellwon')}_bench_telegram"


def prepare_stores() -> None:
    """Creates the benchmark's database and keyspace if needed, and migrates both."""
    from benchmarks.server import prepare_stores as prepare

    prepare(_child_env())


def _timed_child(args: list[str]) -> tuple[float, float]:
    """Runs a child; the seconds of work it reports (startup excluded) and its peak RSS.

    The child prints ``in <seconds> s`` on stdout; ru_maxrss is KiB on Linux.
    """
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        args, env=_child_env(), stdout=subprocess.PIPE, text=True
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{output}")
    print(output.strip(), file=sys.stderr)
    seconds = float(re.search(r" in ([0-9.]+) s", output).group(1))  # type: ignore[union-attr]
    return seconds, usage.ru_maxrss / 1024


def measure_import(path: Path, size: int, options: argparse.Namespace) -> Measurement:
    seconds, rss = _timed_child(
        [
            sys.executable,
            "manage.py",
            "telegram_import",
            str(path),
            "--chat",
            "auto",
            "--no-progress",
            "--batch-size",
            str(options.batch_size),
            "--concurrency",
            str(options.concurrency),
        ]
    )
    return Measurement(size, path.stat().st_size / 2**20, seconds, rss)


def measure_parse(path: Path, size: int) -> Measurement:
    seconds, rss = _timed_child(
        [sys.executable, "-m", "benchmarks.telegram_export", "--parse-only", str(path)]
    )
    return Measurement(size, path.stat().st_size / 2**20, seconds, rss)


def parse_only(path: Path) -> None:
    """The child of ``measure_parse``: reads and parses every message, stores nothing."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellwon.settings")
    import django

    django.setup()
    from messaging.telegram.export import iter_export
    from messaging.telegram.export_parse import parse_export_message

    count = 0
    started = time.perf_counter()
    with path.open("rb") as stream:
        for record in iter_export(stream):
            parse_export_message(record.raw, chat_id=record.chat.chat_id)
            count += 1
    print(f"parsed {count} messages in {time.perf_counter() - started:.2f} s")


def store_floor(count: int, batch_size: int, concurrency: int) -> None:
    """The child of ``measure_floor``: what the store itself allows, without the importer.

    The same messages twice, in two fresh channels: plain ``INSERT`` of the rows through
    the bare driver (``execute_concurrent_with_args``, the repository benchmark's "bare"
    side), then the repository's ``insert_messages`` with Telegram ids, which claims each
    id in the mapping table (a Paxos round per message) before writing the row.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellwon.settings")
    import django

    django.setup()
    import uuid
    from datetime import UTC, datetime

    from cassandra.concurrent import execute_concurrent_with_args

    from messaging.repository import MessageData, MessageScyllaRepo
    from messaging.scylla import calculate_message_bucket
    from messaging.scylla.client import WRITE_PROFILE
    from messaging.scylla.snowflake import generate_snowflake_id

    repo = MessageScyllaRepo()
    chat_id = -random.randrange(10**12, 10**13)
    rows = []
    for index in range(count):
        moment = datetime.fromtimestamp(START_UNIX + 30 * index, UTC)
        rows.append(
            MessageData(
                channel_id=uuid.uuid4(),
                content="see the docs 👋 " * 5,
                sender_id=1,
                source="telegram",
                telegram_message_id=index + 1,
                telegram_chat_id=chat_id,
                created_at=moment,
                message_id=generate_snowflake_id(at=moment),
            )
        )
    bare_channel, repo_channel = uuid.uuid4(), uuid.uuid4()
    session = repo.client.session
    statement = session.prepare(
        f"INSERT INTO {repo.client.keyspace}.messages (channel_id, bucket, message_id,"
        " sender_id, content, message_type, source, created_at, telegram_message_id,"
        " telegram_chat_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    params = [
        (
            bare_channel,
            calculate_message_bucket(r.message_id or 0),
            r.message_id,
            r.sender_id,
            r.content,
            r.message_type,
            r.source,
            r.created_at,
            r.telegram_message_id,
            r.telegram_chat_id,
        )
        for r in rows
    ]
    started = time.perf_counter()
    execute_concurrent_with_args(
        session,
        statement,
        params,
        concurrency=concurrency,
        raise_on_first_error=True,
        execution_profile=WRITE_PROFILE,
    )
    bare = time.perf_counter() - started
    for row in rows:
        row.channel_id = repo_channel
    started = time.perf_counter()
    for start in range(0, count, batch_size):
        repo.insert_messages(rows[start : start + batch_size], concurrency=concurrency)
    claimed = time.perf_counter() - started
    print(f"bare {count / bare:.0f} msg/s, repository {count / claimed:.0f} msg/s in {bare:.1f} s")


def measure_floor(size: int, options: argparse.Namespace) -> tuple[float, float]:
    """(bare driver msg/s, repository with Telegram ids msg/s) for ``size`` messages."""
    args = [sys.executable, "-m", "benchmarks.telegram_export", "--store-floor", str(size)]
    args += ["--batch-size", str(options.batch_size), "--concurrency", str(options.concurrency)]
    process = subprocess.run(  # noqa: S603 - our own interpreter and module
        args, env=_child_env(), capture_output=True, text=True, check=True
    )
    found = re.search(r"bare (\d+) msg/s, repository (\d+) msg/s", process.stdout)
    if found is None:
        raise SystemExit(f"store floor run printed no rates:\n{process.stdout}{process.stderr}")
    return float(found.group(1)), float(found.group(2))


def export_file(folder: Path, size: int) -> Path:
    """A fresh export of ``size`` messages, of a Telegram chat id no run used before."""
    path = folder / f"export_{size}.json"
    with path.open("w", encoding="utf-8") as out:
        write_export(out, size, bare_id=random.randrange(10**9, 10**11))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument(
        "--floor-size", type=int, default=10_000, help="messages of the store-floor run"
    )
    parser.add_argument("--parse-only", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store-floor", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.parse_only:
        parse_only(options.parse_only)
        return 0
    if options.store_floor:
        store_floor(options.store_floor, options.batch_size, options.concurrency)
        return 0
    prepare_stores()
    bare_rate, repo_rate = measure_floor(options.floor_size, options)
    rows = []
    with tempfile.TemporaryDirectory(prefix="telegram-bench-") as folder:
        for size in options.sizes:
            export = export_file(Path(folder), size)
            rows.append((measure_parse(export, size), measure_import(export, size, options)))
            export.unlink()
    print(
        f"\n{'messages':>9} {'file MiB':>9} | {'parse msg/s':>11} {'RSS MiB':>8} | "
        f"{'import msg/s':>12} {'RSS MiB':>8} {'seconds':>8}"
    )
    for parsed, imported in rows:
        print(
            f"{imported.size:>9} {imported.file_mb:>9.1f} | {parsed.rate:>11.0f} "
            f"{parsed.peak_rss_mb:>8.0f} | {imported.rate:>12.0f} {imported.peak_rss_mb:>8.0f} "
            f"{imported.seconds:>8.1f}"
        )
    print(
        f"store floor ({options.floor_size} messages): bare driver INSERT {bare_rate:.0f} msg/s, "
        f"repository insert_messages with Telegram ids (mapping claim) {repo_rate:.0f} msg/s"
    )
    own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"(batch size {options.batch_size}, concurrency {options.concurrency}; "
        f"this process's own peak RSS {own_rss:.0f} MiB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
