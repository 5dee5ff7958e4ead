"""Memory of a web worker: peak RSS of one gunicorn worker over many requests.

One worker (``sync``, so every request runs in the one process measured)
serves the HTTP part's chat: nine page reads for every posted message, from
four clients. Its peak resident set (VmHWM) is read after a warm-up, half-way
and at the end; a worker that keeps memory per request grows between the last
two. The importer's memory is measured by the telegram part (two export
sizes). Memory is one trajectory, not a noisy rate: one round.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.http import PAGE, Endpoints
from benchmarks.load import Call, drive
from benchmarks.server import Server, ServerSpec, rss_peak_mb, seeded
from benchmarks.stats import Figure, Target, figure

PART = "memory"
WARM_UP = 100
CLIENTS = 4


@dataclass(frozen=True)
class MemorySize:
    requests: int
    seconds: float  # time cap of each half


SIZES = {
    "small": MemorySize(400, 15.0),
    "medium": MemorySize(10_000, 120.0),
    "large": MemorySize(10_000, 120.0),
}


def run(size_name: str) -> list[Figure]:
    size = SIZES[size_name]
    env, fixture = seeded(messages=200)
    endpoints = Endpoints(fixture)

    def next_call(index: int) -> Call:
        return endpoints.post(index) if index % 10 == 9 else endpoints.page

    with Server(ServerSpec(1, "sync"), env) as server:
        (worker,) = server.worker_pids()
        served, errors = 0, 0
        peaks = []
        for count in (WARM_UP, size.requests // 2, size.requests - size.requests // 2):
            result = drive(
                server.port,
                next_call,
                headers=endpoints.headers,
                clients=CLIENTS,
                requests=count,
                seconds=size.seconds,
            ).checked("memory part")
            served, errors = served + result.requests, errors + result.errors
            peaks.append(rss_peak_mb(worker))
    warm, half, end = peaks
    what = f"web worker peak RSS after {served:,} requests"
    note = (
        f"one sync worker, {CLIENTS} clients, 9 GET ?limit={PAGE} : 1 POST; "
        f"{errors} errors; RSS read from /proc/<pid>/status VmHWM"
    )
    return [
        figure(
            PART,
            what,
            "MiB",
            [end],
            digits=1,
            baseline_name=f"after {WARM_UP} (warm)",
            baseline=[warm],
            note=note,
        ),
        figure(
            PART,
            what,
            "MiB",
            [end],
            digits=1,
            baseline_name="half-way",
            baseline=[half],
            target=Target("<=", 1.05),
        ),
    ]
