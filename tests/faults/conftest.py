"""Fault tests: they stop, kill and restart the real services on purpose.

Every module here sets ``pytestmark = pytest.mark.faults``: they run in their
own phase of ``make test`` (``pytest -m faults``), after the main suite,
because a stopped store would break tests running beside them.
Every test leaves the services running again, even when it fails.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

STACK = Path(settings.BASE_DIR) / "services" / "stack"


def stack(*args: str) -> None:
    """Runs services/stack with ``args`` and fails the test if it fails."""
    subprocess.run([str(STACK), *args], check=True, timeout=300)  # noqa: S603


def wait_until(check: Callable[[], bool], *, timeout: float, what: str) -> float:
    """Polls ``check`` until true; returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen within {timeout}s")


@pytest.fixture
def cassandra_restored() -> Iterator[None]:
    """Whatever the test does to node 1, it answers again afterwards."""
    yield
    stack("cassandra-start", "1")


def pg_cluster(*action: str) -> int:
    """Runs Debian's pg_ctlcluster on the newest cluster; returns its exit code."""
    version = sorted(p.name for p in Path("/usr/lib/postgresql").iterdir())[-1]
    command = ["pg_ctlcluster", version, "main", *action]
    return subprocess.run(command, check=False, timeout=120).returncode  # noqa: S603


@pytest.fixture
def postgres_restored() -> Iterator[None]:
    """Whatever the test does to PostgreSQL, it runs again afterwards."""
    yield
    if pg_cluster("status") != 0:  # 0: running
        assert pg_cluster("start") == 0
    for conn in connections.all(initialized_only=True):
        conn.close()
