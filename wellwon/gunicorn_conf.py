"""gunicorn's configuration for WellWon: prometheus-client's multiprocess mode.

    gunicorn -c python:wellwon.gunicorn_conf wellwon.wsgi -w 4 -k gthread --threads 4
    gunicorn -c python:wellwon.gunicorn_conf wellwon.asgi -w 4 -k uvicorn.workers.UvicornWorker

Every worker keeps its metric values in files of one directory, and a scrape
answered by any worker sums them. The directory must be set before a worker
imports ``prometheus_client`` and must start empty (files of an earlier run
would be added in), so it is prepared here, in the master, before any worker
forks:

* ``PROMETHEUS_MULTIPROC_DIR`` set: that directory, created if missing and
  emptied when the server starts;
* unset: a new temporary directory, removed when the server stops.

When a worker dies its live gauges (``livesum``/``livemax``: open
connections, prepared statements, breaker state) are dropped, so they
describe the workers that serve; counters and histograms keep its counts,
and the totals never go down. This module imports neither Django nor
prometheus-client at load time, so the environment is set before either.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

ENV = "PROMETHEUS_MULTIPROC_DIR"

_owned = not os.environ.get(ENV)
if _owned:
    os.environ[ENV] = tempfile.mkdtemp(prefix="wellwon-prometheus-")


def _directory() -> Path:
    return Path(os.environ[ENV])


def on_starting(server: Any) -> None:
    """Once per server start (not on reload): an empty directory for this run's workers."""
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    for leftover in directory.glob("*.db"):
        leftover.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """Drops the dead worker's live gauges; its counters stay in the totals."""
    from prometheus_client import multiprocess

    # prometheus_client leaves mark_process_dead unannotated.
    multiprocess.mark_process_dead(worker.pid, path=str(_directory()))  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    if _owned:
        shutil.rmtree(_directory(), ignore_errors=True)
