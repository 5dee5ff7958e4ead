"""``python -m benchmarks``: every part in one run, one table, one JSON file.

    python -m benchmarks [--size small|medium|large] [--json PATH] [--only part,...]

Parts (in this order): repository (repository vs bare driver: inserts, page
reads, quiet channels), http (the app under gunicorn vs the bare Django view
and the repository), telegram (import of a generated export vs the insert
baseline), node (the bare driver from 1, 2 and 4 processes: the Cassandra
node's own limit), memory (a web worker's peak RSS over many requests, the
importer's from the telegram part), metrics (worker CPU per GET with the
Prometheus instrumentation on vs off), realtime (the WebSocket gateway: delivery
latency with 1 to 1,000 subscribers, events/s, a reconnect storm). ``small``
(the default) runs in 2-3 minutes on a two-core machine (3 min with other test
runs beside it); ``medium``
and ``large`` measure longer and with more rounds. Each part uses stores of its
own (see each module).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.stats import Figure, Spread, find, print_table, write_json

SIZES = ("small", "medium", "large")


def _parts() -> dict[str, Callable[[str], list[Figure]]]:
    from benchmarks import (
        http,
        memory,
        metrics_part,
        node_limit,
        realtime,
        repository_part,
        telegram_part,
    )

    return {
        "repository": repository_part.run,
        "http": http.run,
        "telegram": telegram_part.run,
        "node": node_limit.run,
        "memory": memory.run,
        "metrics": metrics_part.run,
        "realtime": realtime.run,
    }


def worker_headroom(figures: list[Figure]) -> list[Figure]:
    """One web worker's page reads against the node's limit, when both parts ran."""
    from benchmarks.http import PART, SERVERS
    from benchmarks.node_limit import SIZES

    served = find(figures, "http_get_rps")
    limits = [find(figures, f"node_pages_{n}") for n in SIZES["small"].processes]
    limit = max((f for f in limits if f), key=lambda f: f.value.median, default=None)
    if served is None or limit is None:
        return []
    workers = SERVERS[0].workers
    per_worker = Spread(
        *(v / workers for v in (served.value.median, served.value.low, served.value.high)),
        served.value.rounds,
    )
    return [
        Figure(
            part=PART,
            name="one web worker's pages/s (GET page req/s / workers)",
            unit="pages/s",
            value=per_worker,
            baseline_name=f"node limit ({limit.name.split(', ')[-1]})",
            baseline=limit.value,
            ratio=Spread.of([per_worker.median / limit.value.median]),
            note="how far one web worker is from what the node serves the bare driver "
            "(medians of the two parts)",
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parts = _parts()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--only",
        default=",".join(parts),
        help=f"comma-separated parts (default: all of {', '.join(parts)})",
    )
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(parts))
    if unknown:
        parser.error(f"unknown part(s): {', '.join(unknown)}; known: {', '.join(parts)}")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellwon.settings")
    import django

    django.setup()
    started = time.monotonic()
    figures: list[Figure] = []
    seconds: dict[str, float] = {}
    for name in chosen:
        print(f"[benchmarks] {name} ({args.size}) ...", file=sys.stderr, flush=True)
        began = time.monotonic()
        figures += parts[name](args.size)
        seconds[name] = round(time.monotonic() - began, 1)
        print(f"[benchmarks] {name} done in {seconds[name]:.0f} s", file=sys.stderr, flush=True)
    figures += worker_headroom(figures)
    total = time.monotonic() - started
    timing = ", ".join(f"{name} {spent:.0f} s" for name, spent in seconds.items())
    print(f"\nWellWon benchmarks, size {args.size}, {total:.0f} s ({timing})\n")
    print_table(figures, sys.stdout)
    if args.json:
        meta = {
            "size": args.size,
            "parts": chosen,
            "seconds": seconds,
            "finished_at": datetime.now(UTC).isoformat(),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        }
        write_json(args.json, figures, meta)
        print(f"\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
