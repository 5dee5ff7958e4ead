"""The HTTP part: the real app under gunicorn against its two baselines, in one run.

For each gunicorn set-up (sync workers, gthread workers), every round measures

* latency with one client: ``GET /api/chats/{id}/messages/?limit=50`` (DRF),
  the same page from the bare Django view (``benchmarks.bare_views``), and the
  repository's ``get_messages`` of the same chat called directly (no HTTP, no
  PostgreSQL); ``POST`` a message against the repository's ``insert_message``;
* throughput with N clients: requests/s, p50/p99 and errors of the DRF page,
  the bare page and the POST.

DRF/bare shows what DRF adds; bare/repository what Django, PostgreSQL
(token, membership, profiles) and the reactions join add to the store's own
page read.
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.load import Call, LoadResult, drive
from benchmarks.server import KEYSPACE, Fixture, Server, ServerSpec, seeded
from benchmarks.stats import Figure, Rounds, Target, figure, percentile

PART = "http"
PAGE = 50


@dataclass(frozen=True)
class HttpSize:
    rounds: int
    clients: int
    latency_requests: int  # per round and endpoint, one client
    load_requests: int  # per round and endpoint, N clients
    seconds: float  # time cap of each measurement
    seed_messages: int
    servers: tuple[ServerSpec, ...]


SERVERS = (ServerSpec(4, "sync"), ServerSpec(2, "gthread", 4))
SIZES = {
    "small": HttpSize(3, 8, 60, 300, 3.0, 200, SERVERS),
    "medium": HttpSize(5, 16, 200, 1500, 10.0, 1000, SERVERS),
    "large": HttpSize(7, 32, 500, 5000, 30.0, 5000, SERVERS),
}


class Endpoints:
    """The requests of the benchmark, for one seeded chat."""

    def __init__(self, fixture: Fixture) -> None:
        self.headers = {
            "Authorization": f"Token {fixture.token}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        self.page = Call("GET", f"/api/chats/{fixture.chat_id}/messages/?limit={PAGE}")
        self.bare = Call("GET", f"/bench/bare/chats/{fixture.chat_id}/messages/?limit={PAGE}")
        self.post_path = f"/api/chats/{fixture.post_chat_id}/messages/"

    def post(self, index: int) -> Call:
        body = json.dumps({"content": f"benchmark message {index} " + "lorem ipsum " * 8})
        return Call("POST", self.post_path, body.encode(), expect=201)


def load(
    server: Server,
    endpoints: Endpoints,
    call: Call | None,
    *,
    clients: int,
    requests: int,
    seconds: float,
) -> LoadResult:
    """``call`` repeated (None: POSTs), after a short warm-up of every client's connection."""

    def next_call(index: int) -> Call:
        return call if call is not None else endpoints.post(index)

    drive(
        server.port,
        next_call,
        headers=endpoints.headers,
        clients=clients,
        requests=clients * 2,
        seconds=seconds,
    )
    return drive(
        server.port,
        next_call,
        headers=endpoints.headers,
        clients=clients,
        requests=requests,
        seconds=seconds,
    )


class RepositoryBaseline:
    """The repository of the server's keyspace, called from this process."""

    def __init__(self, fixture: Fixture) -> None:
        from messaging.conf import ScyllaSettings
        from messaging.repository import MessageScyllaRepo
        from messaging.scylla.client import ScyllaClient

        config = dataclasses.replace(ScyllaSettings.from_django(), keyspace=KEYSPACE)
        self.client = ScyllaClient(config)
        self.repo = MessageScyllaRepo(self.client)
        self.chat_id = uuid.UUID(fixture.chat_id)
        self.post_chat_id = uuid.UUID(fixture.post_chat_id)

    def page_latencies(self, count: int, seconds: float) -> list[float]:
        return self._latencies(lambda: self.repo.get_messages(self.chat_id, PAGE), count, seconds)

    def insert_latencies(self, count: int, seconds: float) -> list[float]:
        from messaging.repository import MessageData

        def insert() -> None:
            self.repo.insert_message(
                MessageData(
                    self.post_chat_id, "benchmark message " + "lorem ipsum " * 8, sender_id=1
                )
            )

        return self._latencies(insert, count, seconds)

    @staticmethod
    def _latencies(call: Callable[[], object], count: int, seconds: float) -> list[float]:
        for _ in range(5):
            call()
        samples: list[float] = []
        ends = time.monotonic() + seconds
        while len(samples) < count and time.monotonic() < ends:
            began = time.perf_counter()
            call()
            samples.append(time.perf_counter() - began)
        return samples

    def close(self) -> None:
        self.client.shutdown()


def measure_server(
    spec: ServerSpec,
    size: HttpSize,
    env: dict[str, str],
    fixture: Fixture,
    baseline: RepositoryBaseline,
) -> list[Figure]:
    endpoints = Endpoints(fixture)
    got = Rounds()
    one = {"clients": 1, "requests": size.latency_requests, "seconds": size.seconds}
    many = {"clients": size.clients, "requests": size.load_requests, "seconds": size.seconds}
    with Server(spec, env) as server:
        for index in range(size.rounds):
            # Which endpoint goes first alternates, so neither always meets a warmer cache.
            order = [("drf", endpoints.page), ("bare", endpoints.bare)]
            if index % 2:
                order.reverse()
            repo_pages = baseline.page_latencies(size.latency_requests, size.seconds)
            for name, call in order:
                single = load(server, endpoints, call, **one)
                got.add(**{f"{name}_p50": single.p(0.5), f"{name}_p99": single.p(0.99)})
            for name, call in order:
                loaded = load(server, endpoints, call, **many)
                got.add(
                    **{
                        f"{name}_rps": loaded.rate,
                        f"{name}_load_p50": loaded.p(0.5),
                        f"{name}_load_p99": loaded.p(0.99),
                        f"{name}_errors": loaded.errors,
                    }
                )
            repo_inserts = baseline.insert_latencies(size.latency_requests, size.seconds)
            post_one = load(server, endpoints, None, **one)
            post_many = load(server, endpoints, None, **many)
            got.add(
                repo_p50=percentile(repo_pages, 0.5) * 1000,
                repo_p99=percentile(repo_pages, 0.99) * 1000,
                repo_insert_p50=percentile(repo_inserts, 0.5) * 1000,
                repo_insert_p99=percentile(repo_inserts, 0.99) * 1000,
                post_p50=post_one.p(0.5),
                post_p99=post_one.p(0.99),
                post_rps=post_many.rate,
                post_load_p50=post_many.p(0.5),
                post_load_p99=post_many.p(0.99),
                post_errors=post_many.errors + post_one.errors,
            )
    part = f"{PART} [{spec.label}]"
    n = size.clients
    repo = "repository get_messages"
    return [
        figure(
            part,
            "GET page p50, 1 client",
            "ms",
            got["drf_p50"],
            digits=2,
            baseline_name=repo,
            baseline=got["repo_p50"],
            target=Target("<=", 3),
        ),
        figure(
            part,
            "GET page p99, 1 client",
            "ms",
            got["drf_p99"],
            digits=2,
            baseline_name=repo + " p99",
            baseline=got["repo_p99"],
        ),
        figure(
            part,
            "bare Django page p50, 1 client",
            "ms",
            got["bare_p50"],
            digits=2,
            baseline_name=repo,
            baseline=got["repo_p50"],
        ),
        figure(
            part,
            f"GET page, {n} clients",
            "req/s",
            got["drf_rps"],
            baseline_name="bare Django view",
            baseline=got["bare_rps"],
            target=Target(">=", 0.7),
        ),
        figure(
            part,
            f"GET page p50, {n} clients",
            "ms",
            got["drf_load_p50"],
            digits=1,
            baseline_name="bare Django view",
            baseline=got["bare_load_p50"],
        ),
        figure(
            part,
            f"GET page p99, {n} clients",
            "ms",
            got["drf_load_p99"],
            digits=1,
            baseline_name="bare Django view",
            baseline=got["bare_load_p99"],
        ),
        figure(
            part,
            "GET errors (DRF + bare)",
            "count",
            [a + b for a, b in zip(got["drf_errors"], got["bare_errors"], strict=True)],
        ),
        figure(
            part,
            "POST message p50, 1 client",
            "ms",
            got["post_p50"],
            digits=2,
            baseline_name="repository insert_message",
            baseline=got["repo_insert_p50"],
        ),
        figure(
            part,
            "POST message p99, 1 client",
            "ms",
            got["post_p99"],
            digits=2,
            baseline_name="repository insert_message p99",
            baseline=got["repo_insert_p99"],
        ),
        figure(part, f"POST message, {n} clients", "req/s", got["post_rps"]),
        figure(part, f"POST message p50, {n} clients", "ms", got["post_load_p50"], digits=1),
        figure(part, f"POST message p99, {n} clients", "ms", got["post_load_p99"], digits=1),
        figure(part, "POST errors", "count", got["post_errors"]),
    ]


def run(size_name: str) -> list[Figure]:
    size = SIZES[size_name]
    env, fixture = seeded(size.seed_messages)
    baseline = RepositoryBaseline(fixture)
    try:
        figures: list[Figure] = []
        for spec in size.servers:
            figures += measure_server(spec, size, env, fixture, baseline)
    finally:
        baseline.close()
    return figures
