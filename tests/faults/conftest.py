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
