"""What the metrics cost: the workers' CPU per GET with the instrumentation on and off.

Two servers of the HTTP part's main set-up (gunicorn ``gthread``, 2 x 4, with
``wellwon.gunicorn_conf``: prometheus-client in multiprocess mode) run side by
side on the same chat, one with ``METRICS_ENABLED=false`` (no request
middleware, no CQL latency series). Each round loads both with the DRF page
read, in alternating order, and reads the workers' own CPU time from /proc,
which other tenants of the machine disturb far less than wall time. The
ratio (on / off, round by round) must stay within 1.05.

That difference is small beside the noise of a shared machine, so the work
itself is also timed in a child process (multiprocess mode, its own
directory): the middleware around a view that does nothing, and one CQL
statement's record, in CPU microseconds. Times the statements a GET sends
(read from the "on" server's own scrape), that is what metrics add to a GET.

    python -m benchmarks.metrics_part   # (a child of the benchmark) prints the costs as JSON
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from statistics import median

from benchmarks.http import SERVERS, Endpoints, Shape, load
from benchmarks.server import ROOT, Server, seeded
from benchmarks.stats import Figure, Rounds, Target, figure

PART = "metrics"
PAGE_ROUTE = "chat-message-list"
ITERATIONS = 20_000


@dataclass(frozen=True)
class MetricsSize:
    rounds: int
    clients: int
    requests: int  # per round and server
    seconds: float  # time cap of each measurement


SIZES = {
    "small": MetricsSize(5, 8, 300, 4.0),
    "medium": MetricsSize(7, 16, 1500, 10.0),
    "large": MetricsSize(9, 32, 5000, 30.0),
}


def run(size_name: str) -> list[Figure]:
    size = SIZES[size_name]
    env, fixture = seeded(messages=200)
    endpoints = Endpoints(fixture)
    shape = Shape(size.clients, size.requests, size.seconds)
    spec = SERVERS[0]
    got = Rounds()
    with (
        Server(spec, env) as on,
        Server(spec, {**env, "METRICS_ENABLED": "false"}) as off,
    ):
        for index in range(size.rounds):
            order = [("on", on), ("off", off)]
            for name, server in order if index % 2 == 0 else order[::-1]:
                measured = load(server, endpoints, endpoints.page, shape)
                cpu, rate = measured.server_cpu_ms, measured.load.rate
                got.add(**{f"{name}_cpu": cpu, f"{name}_rps": rate})
        per_get = statements_per_get(on.port)
    costs = instrumentation_costs(env)
    work = costs["request_us"] + per_get * costs["statement_us"]
    off_us = [ms * 1000 for ms in got["off_cpu"]]
    part = f"{PART} [{spec.label}]"
    return [
        figure(
            part,
            f"GET page: worker CPU per request, metrics on, {size.clients} clients",
            "ms",
            got["on_cpu"],
            digits=3,
            baseline_name="METRICS_ENABLED=false",
            baseline=got["off_cpu"],
            target=Target("<=", 1.05),
            note="request + PostgreSQL histograms by route, CQL histogram by statement, "
            "multiprocess files",
        ),
        figure(
            part,
            f"GET page, {size.clients} clients, metrics on",
            "req/s",
            got["on_rps"],
            baseline_name="METRICS_ENABLED=false",
            baseline=got["off_rps"],
        ),
        figure(
            part,
            f"metrics work per GET (request + {per_get:.1f} CQL statements)",
            "µs",
            [work] * len(off_us),
            digits=1,
            baseline_name="worker CPU per GET, metrics off",
            baseline=off_us,
            note=f"{work / median(off_us):.2%} of a GET's CPU; middleware "
            f"{costs['request_us']:.1f} µs per request, {costs['statement_us']:.2f} µs per "
            "statement (multiprocess mode)",
        ),
    ]


def statements_per_get(port: int) -> float:
    """CQL statements per page GET, from the server's own counts (prepares left out)."""
    from prometheus_client.parser import text_string_to_metric_families

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    connection.close()
    statements = gets = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = sample.labels
            if sample.name == "wellwon_cql_statement_duration_seconds_count":
                statements += sample.value if labels["statement"] != "prepare" else 0
            elif sample.name == "wellwon_http_request_duration_seconds_count":
                gets += sample.value if labels["route"] == PAGE_ROUTE else 0
    return statements / gets if gets else 0.0


def instrumentation_costs(env: dict[str, str]) -> dict[str, float]:
    """The child's CPU costs, in a multiprocess directory of its own."""
    with tempfile.TemporaryDirectory(prefix="bench-prometheus-") as directory:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.metrics_part"],
            env={**env, "PROMETHEUS_MULTIPROC_DIR": directory},
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    costs: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return costs


def _cpu_us_per_call(call: Callable[[], object]) -> float:
    for _ in range(1000):
        call()
    started = time.process_time()
    for _ in range(ITERATIONS):
        call()
    return (time.process_time() - started) / ITERATIONS * 1e6


def _measure_here() -> dict[str, float]:
    """Runs in the child: the middleware's own work, and one statement's record."""
    import django

    django.setup()
    from django.http import HttpRequest, HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve

    from messaging.scylla.metrics import ScyllaMetrics
    from wellwon.metrics import RequestMetricsMiddleware

    path = "/api/chats/00000000-0000-0000-0000-000000000000/messages/"
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    response = HttpResponse()

    def view(_: HttpRequest) -> HttpResponse:
        return response

    middleware = RequestMetricsMiddleware(view)
    metrics = ScyllaMetrics()
    metrics.name_statements({"SELECT 1": "select_older"})
    wrapped = _cpu_us_per_call(lambda: middleware(request))
    bare = _cpu_us_per_call(lambda: view(request))
    statement = _cpu_us_per_call(
        lambda: metrics.record(metrics.statement_name("SELECT 1"), "LOCAL_ONE", 0.001)
    )
    return {"request_us": wrapped - bare, "statement_us": statement}


if __name__ == "__main__":
    print(json.dumps(_measure_here()))
