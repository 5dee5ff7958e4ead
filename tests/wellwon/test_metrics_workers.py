"""``/metrics`` of a real gunicorn server with several workers: sync, gthread, uvicorn (ASGI).

Requests spread over the workers must add up, exactly, in whichever worker
answers the scrape; a worker that dies keeps its counts in the totals and
takes its live gauges with it. The server runs the test settings and answers
anonymous requests only (401s and probes), so it needs no test data. All
three worker kinds start from ``wellwon.gunicorn_conf``, as the README says.
"""

from __future__ import annotations

import http.client
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks.server import Server, ServerSpec
from tests.wellwon.scrape import Scrape

REQUESTS = 60
CLIENTS = 6
COUNT = "wellwon_http_request_duration_seconds_count"


def get(port: int, path: str, accept: str = "") -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Accept": accept} if accept else {})
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


def scrape(port: int) -> Scrape:
    status, text = get(port, "/metrics")
    assert status == 200, text[:500]
    return Scrape(text)


@contextmanager
def serving(spec: ServerSpec, tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    directory = tmp_path / "prometheus"
    directory.mkdir()
    stale = directory / "counter_1.db"  # an earlier run's file: the start must remove it
    stale.write_bytes(b"not a metrics file")
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="tests.settings",
        PROMETHEUS_MULTIPROC_DIR=str(directory),
        LOG_LEVEL="WARNING",
    )
    with Server(spec, env) as running:
        assert not stale.exists()
        yield running, directory
    assert directory.is_dir()  # the operator's directory is emptied at start, never removed


def spread_requests(port: int) -> None:
    def one(_: int) -> int:
        return get(port, "/api/chats/")[0]

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(pool.map(one, range(REQUESTS)))
    assert statuses == [401] * REQUESTS


def writers(directory: Path, kind: str) -> set[int]:
    """The pids that wrote ``kind`` files (``histogram``, ``gauge_livemax``...)."""
    return {int(path.stem.rsplit("_", 1)[1]) for path in directory.glob(f"{kind}_*.db")}


@pytest.mark.parametrize(
    "spec",
    [
        ServerSpec(3, "sync"),
        ServerSpec(2, "gthread", 2),
        ServerSpec(2, "uvicorn.workers.UvicornWorker"),
    ],
    ids=lambda spec: spec.label,
)
def test_requests_over_every_worker_add_up_in_any_scrape(spec: ServerSpec, tmp_path: Path) -> None:
    with serving(spec, tmp_path) as (running, directory):
        spread_requests(running.port)
        assert len(writers(directory, "histogram")) >= 2, "the requests reached one worker only"
        for _ in range(4):  # answered by different workers, the same totals
            got = scrape(running.port)
            assert got.total(COUNT, route="chat-list", method="GET", status="4xx") == REQUESTS
            assert got.id_like_labels() == []
            buckets = got.samples(
                "wellwon_http_request_duration_seconds_bucket", route="chat-list", le="+Inf"
            )
            assert sum(sample.value for sample in buckets) == REQUESTS


def test_a_dead_worker_keeps_its_counts_and_loses_its_live_gauges(tmp_path: Path) -> None:
    with serving(ServerSpec(3, "sync"), tmp_path) as (running, directory):
        spread_requests(running.port)
        kill_a_worker(running, directory)
        assert scrape(running.port).total(COUNT, route="chat-list", status="4xx") == REQUESTS


def kill_a_worker(running: Server, directory: Path) -> None:
    live = writers(directory, "gauge_livemax")
    victim = next(pid for pid in running.worker_pids() if pid in live)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while victim in writers(directory, "gauge_livemax") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert victim not in writers(directory, "gauge_livemax")
    assert victim in writers(directory, "histogram")


def test_without_a_directory_the_server_makes_one_and_removes_it_at_exit() -> None:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings", LOG_LEVEL="WARNING")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with Server(ServerSpec(2, "sync"), env) as running:
        spread_requests(running.port)
        (directory,) = directories_of(running.worker_pids())
        assert scrape(running.port).total(COUNT, route="chat-list") == REQUESTS
    assert not directory.exists()


def directories_of(pids: list[int]) -> set[Path]:
    """The temporary multiprocess directories the workers ``pids`` write to."""
    made = Path(tempfile.gettempdir()).glob("wellwon-prometheus-*")
    return {directory for directory in made if writers(directory, "histogram") & set(pids)}
