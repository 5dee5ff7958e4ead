"""The HTTP part: the real app under gunicorn against its two baselines, in one run.

Two gunicorn set-ups run side by side for the whole part: ``gthread`` workers
(2 processes x 4 threads) and ``sync`` workers (4 processes), the usual
choices for two cores (size small runs the first only, to stay short). Each
round visits both (in alternating order, so
neither always meets the quieter moment) and measures

* on the main set-up (the first of ``SERVERS``), with one client: the latency
  of ``GET /api/chats/{id}/messages/?limit=50`` (DRF), of the same page from
  the bare Django view (``benchmarks.bare_views``), and of the repository's
  ``get_messages`` of the same chat called directly (no HTTP, no PostgreSQL);
  ``POST`` a message against the repository's ``insert_message``;
* on every set-up, with N clients: requests/s, p50/p99 and errors of the DRF
  page and of the POST (and of the bare page on the main set-up), and the
  workers' own CPU time per request (read from /proc), which other tenants of
  the machine disturb far less than wall time.

DRF/bare shows what DRF adds; bare/repository what Django, PostgreSQL (token,
membership, profiles) and the reactions join add to the store's page read.

Two more figures on the main set-up:

* the chat list ``GET /api/chats/?limit=20`` of a user in 20 chats with unread
  messages (every client's first screen: previews, unread counts, roles), with
  one client against the repository's page read, and its worker CPU;
* a hot channel: HOT_CLIENTS clients reading the newest page of one chat at
  once, through the app (its page cache and coalescing on, and on a second
  server with them off) against the bare driver reading that page from this
  process with the same concurrency (``execute_concurrent``, decoded rows).
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass

from benchmarks.load import Call, LoadResult, drive
from benchmarks.server import KEYSPACE, Fixture, Server, ServerSpec, cpu_seconds, seeded
from benchmarks.stats import Figure, Rounds, Target, figure, percentile

PART = "http"
PAGE = 50
LISTED = 20
HOT_CLIENTS = 64
# gthread first (the main set-up), then the other choices for two cores: sync workers,
# and the ASGI server the gateway needs anyway (uvicorn's gunicorn worker, wellwon.asgi).
SERVERS = (
    ServerSpec(2, "gthread", 4),
    ServerSpec(4, "sync"),
    ServerSpec(2, "uvicorn.workers.UvicornWorker"),
)


@dataclass(frozen=True)
class HttpSize:
    rounds: int
    clients: int
    latency_requests: int  # per round and endpoint, one client
    load_requests: int  # per round and endpoint, N clients
    seconds: float  # time cap of each measurement
    seed_messages: int
    servers: int = len(SERVERS)  # how many of SERVERS to run


SIZES = {
    "small": HttpSize(3, 8, 30, 150, 1.5, 200, servers=1),
    "medium": HttpSize(5, 16, 200, 1500, 10.0, 1000),
    "large": HttpSize(7, 32, 500, 5000, 30.0, 5000),
}


def _headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Token {token}",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }


class Endpoints:
    """The requests of the benchmark, for one seeded chat (and the lister's chat list)."""

    def __init__(self, fixture: Fixture) -> None:
        self.headers = _headers(fixture.token)
        self.lister_headers = _headers(fixture.lister_token)
        self.chats = Call("GET", f"/api/chats/?limit={LISTED}")
        self.page = Call("GET", f"/api/chats/{fixture.chat_id}/messages/?limit={PAGE}")
        self.bare = Call("GET", f"/bench/bare/chats/{fixture.chat_id}/messages/?limit={PAGE}")
        self.post_path = f"/api/chats/{fixture.post_chat_id}/messages/"

    def post(self, index: int) -> Call:
        body = json.dumps({"content": f"benchmark message {index} " + "lorem ipsum " * 8})
        return Call("POST", self.post_path, body.encode(), expect=201)


@dataclass(frozen=True)
class Shape:
    """How a measurement loads the server: clients, and its bounds in count and time."""

    clients: int
    requests: int
    seconds: float


@dataclass(frozen=True)
class Measured:
    load: LoadResult
    server_cpu_ms: float  # the workers' CPU per request


def load(
    server: Server,
    endpoints: Endpoints,
    call: Call | None,
    shape: Shape,
    headers: dict[str, str] | None = None,
) -> Measured:
    """``call`` repeated (None: POSTs), after a short warm-up of every client's connection."""

    def next_call(index: int) -> Call:
        return call if call is not None else endpoints.post(index)

    def run(requests: int) -> LoadResult:
        return drive(
            server.port,
            next_call,
            headers=headers or endpoints.headers,
            clients=shape.clients,
            requests=requests,
            seconds=shape.seconds,
        )

    run(shape.clients * 2)
    workers = server.worker_pids()
    cpu = cpu_seconds(workers)
    result = run(shape.requests).checked(f"{next_call(0).method} {next_call(0).path}")
    spent = cpu_seconds(workers) - cpu
    return Measured(result, spent / max(1, result.requests) * 1000)


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

    def hot_pages_per_second(self, pages: int, seconds: float) -> float:
        """The bare driver reading the chat's newest page HOT_CLIENTS at a time."""
        from cassandra.concurrent import execute_concurrent_with_args

        from messaging.scylla.snowflake import calculate_message_bucket, generate_snowflake_id

        session = self.client.session
        select = session.prepare(
            f"SELECT * FROM {KEYSPACE}.messages WHERE channel_id = ? AND bucket = ? LIMIT {PAGE}"
        )
        params = [(self.chat_id, calculate_message_bucket(generate_snowflake_id()))] * pages
        execute_concurrent_with_args(session, select, params[:HOT_CLIENTS], HOT_CLIENTS)
        done, began, ends = 0, time.perf_counter(), time.monotonic() + seconds
        while done < pages and time.monotonic() < ends:
            results = execute_concurrent_with_args(
                session, select, params[: HOT_CLIENTS * 4], concurrency=HOT_CLIENTS
            )
            done += sum(len(list(rows)) == PAGE for ok, rows in results if ok)
        return done / (time.perf_counter() - began)

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


class HttpRounds:
    """Runs the rounds on every server and keeps the per-round values."""

    def __init__(self, size: HttpSize, endpoints: Endpoints, baseline: RepositoryBaseline) -> None:
        self.size = size
        self.endpoints = endpoints
        self.baseline = baseline
        self.got = Rounds()
        self.one = Shape(1, size.latency_requests, size.seconds)
        self.many = Shape(size.clients, size.load_requests, size.seconds)

    def latencies(self, server: Server, index: int) -> None:
        """One client at a time: the repository, then DRF and bare in alternating order."""
        size, endpoints = self.size, self.endpoints
        pages = self.baseline.page_latencies(size.latency_requests, size.seconds)
        inserts = self.baseline.insert_latencies(size.latency_requests, size.seconds)
        order = [("drf", endpoints.page), ("bare", endpoints.bare), ("post", None)]
        for name, call in order if index % 2 == 0 else [order[1], order[0], order[2]]:
            single = load(server, endpoints, call, self.one).load
            self.got.add(**{f"{name}_p50": single.p(0.5), f"{name}_p99": single.p(0.99)})
        chats = load(server, endpoints, endpoints.chats, self.one, endpoints.lister_headers)
        self.got.add(chats_p50=chats.load.p(0.5), chats_cpu=chats.server_cpu_ms)
        self.got.add(
            repo_p50=percentile(pages, 0.5) * 1000,
            repo_p99=percentile(pages, 0.99) * 1000,
            repo_insert_p50=percentile(inserts, 0.5) * 1000,
            repo_insert_p99=percentile(inserts, 0.99) * 1000,
        )

    def throughput(self, server: Server, prefix: str, *, bare: bool) -> None:
        """N clients: the DRF page (and the bare one), then POSTs."""
        calls = [("drf", self.endpoints.page), ("post", None)]
        if bare:
            calls.insert(1, ("bare", self.endpoints.bare))
        for name, call in calls:
            measured = load(server, self.endpoints, call, self.many)
            self.got.add(
                **{
                    f"{prefix}{name}_rps": measured.load.rate,
                    f"{prefix}{name}_load_p50": measured.load.p(0.5),
                    f"{prefix}{name}_load_p99": measured.load.p(0.99),
                    f"{prefix}{name}_errors": measured.load.errors,
                    f"{prefix}{name}_cpu": measured.server_cpu_ms,
                }
            )

    def hot(self, server: Server, name: str) -> None:
        """HOT_CLIENTS clients reading the newest page of one chat at once."""
        shape = Shape(
            HOT_CLIENTS, max(self.size.load_requests, HOT_CLIENTS * 10), self.size.seconds
        )
        measured = load(server, self.endpoints, self.endpoints.page, shape)
        self.got.add(**{f"{name}_rps": measured.load.rate, f"{name}_errors": measured.load.errors})

    def hot_driver(self) -> None:
        pages = self.hot_requests
        self.got.add(hot_driver_rps=self.baseline.hot_pages_per_second(pages, self.size.seconds))

    @property
    def hot_requests(self) -> int:
        return max(self.size.load_requests, HOT_CLIENTS * 10)


def list_and_hot_figures(got: Rounds, spec: ServerSpec) -> list[Figure]:
    part = f"{PART} [{spec.label}]"
    hot = f"hot channel, {HOT_CLIENTS} readers of one chat's newest page"
    return [
        figure(
            part,
            f"GET chat list ({LISTED} chats, previews) p50, 1 client",
            "ms",
            got["chats_p50"],
            digits=2,
            baseline_name="repository get_messages",
            baseline=got["repo_p50"],
            target=Target("<=", 3),
            key="http_chat_list_p50_ratio",
        ),
        figure(
            part,
            "GET chat list: worker CPU per request",
            "ms",
            got["chats_cpu"],
            digits=2,
            target=Target("<=", 4, unit="ms"),
            key="http_chat_list_cpu",
        ),
        figure(
            part,
            hot,
            "pages/s",
            got["hot_rps"],
            baseline_name=f"bare driver, {HOT_CLIENTS} concurrent reads",
            baseline=got["hot_driver_rps"],
            target=Target(">=", 2),
            key="http_hot_channel_ratio",
        ),
        figure(
            part,
            f"{hot}, page cache off (coalescing only)",
            "pages/s",
            got["hot_off_rps"],
            baseline_name="page cache on",
            baseline=got["hot_rps"],
            key="http_hot_channel_cache_off_ratio",
        ),
        figure(
            part,
            "hot channel errors (cache on + off)",
            "count",
            [a + b for a, b in zip(got["hot_errors"], got["hot_off_errors"], strict=True)],
        ),
    ]


def main_figures(got: Rounds, spec: ServerSpec, clients: int) -> list[Figure]:
    part = f"{PART} [{spec.label}]"
    repo, bare, n = "repository get_messages", "bare Django view", clients
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
            baseline_name=bare,
            baseline=got["bare_rps"],
            target=Target(">=", 0.7),
            key="http_get_rps",
        ),
        figure(
            part,
            f"GET page p50, {n} clients",
            "ms",
            got["drf_load_p50"],
            digits=1,
            baseline_name=bare,
            baseline=got["bare_load_p50"],
        ),
        figure(
            part,
            f"GET page p99, {n} clients",
            "ms",
            got["drf_load_p99"],
            digits=1,
            baseline_name=bare,
            baseline=got["bare_load_p99"],
        ),
        figure(
            part,
            "GET page: worker CPU per request",
            "ms",
            got["drf_cpu"],
            digits=2,
            baseline_name=bare,
            baseline=got["bare_cpu"],
            target=Target("<=", 4, unit="ms"),
            key="http_get_cpu",
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
            target=Target("<=", 4),
            key="http_post_p50_ratio",
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
        figure(part, "POST message: worker CPU per request", "ms", got["post_cpu"], digits=2),
        figure(part, "POST errors", "count", got["post_errors"]),
    ]


def other_figures(
    got: Rounds, spec: ServerSpec, main: ServerSpec, clients: int, prefix: str
) -> list[Figure]:
    part = f"{PART} [{spec.label}]"
    versus = f"[{main.label}]"
    return [
        figure(
            part,
            f"GET page, {clients} clients",
            "req/s",
            got[f"{prefix}drf_rps"],
            baseline_name=versus,
            baseline=got["drf_rps"],
        ),
        figure(
            part,
            f"GET page p99, {clients} clients",
            "ms",
            got[f"{prefix}drf_load_p99"],
            digits=1,
            baseline_name=versus,
            baseline=got["drf_load_p99"],
        ),
        figure(
            part,
            f"POST message, {clients} clients",
            "req/s",
            got[f"{prefix}post_rps"],
            baseline_name=versus,
            baseline=got["post_rps"],
        ),
        figure(
            part,
            "errors (GET + POST)",
            "count",
            [
                a + b
                for a, b in zip(
                    got[f"{prefix}drf_errors"], got[f"{prefix}post_errors"], strict=True
                )
            ],
        ),
    ]


def run(size_name: str) -> list[Figure]:
    size = SIZES[size_name]
    env, fixture = seeded(size.seed_messages)
    baseline = RepositoryBaseline(fixture)
    rounds = HttpRounds(size, Endpoints(fixture), baseline)
    specs = SERVERS[: size.servers]
    main, *others = specs
    with ExitStack() as stack:
        servers = [stack.enter_context(Server(spec, env)) for spec in specs]
        uncached = stack.enter_context(Server(main, {**env, "PAGE_CACHE_ENABLED": "false"}))
        for index in range(size.rounds):
            visits = list(enumerate(servers))
            for position, server in visits if index % 2 == 0 else visits[::-1]:
                if position == 0:
                    rounds.latencies(server, index)
                    rounds.throughput(server, "", bare=True)
                    rounds.hot(server, "hot")
                    rounds.hot(uncached, "hot_off")
                    rounds.hot_driver()
                else:
                    rounds.throughput(server, f"s{position}_", bare=False)
    baseline.close()
    figures = main_figures(rounds.got, main, size.clients)
    figures += list_and_hot_figures(rounds.got, main)
    for position, spec in enumerate(others, start=1):
        figures += other_figures(rounds.got, spec, main, size.clients, f"s{position}_")
    return figures
