"""The CQL store goes away and comes back while Django keeps running."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from messaging.scylla import ScyllaClient
from tests.faults.conftest import stack, wait_until

pytestmark = pytest.mark.faults


@pytest.mark.django_db(transaction=True)
def test_ready_names_cql_while_cassandra_is_stopped_and_recovers(
    cql: ScyllaClient, cassandra_restored: None
) -> None:
    client = Client()
    before = client.get("/health/ready")
    assert before.status_code == 200, before.json()
    assert set(before.json()["stores"]) == {"postgresql", "redis", "cql"}

    stack("cassandra-stop", "1")
    started = time.monotonic()
    down = client.get("/health/ready")
    elapsed = time.monotonic() - started
    assert down.status_code == 503
    assert down.json()["failed"] == ["cql"]
    assert down.json()["stores"]["postgresql"]["ok"] and down.json()["stores"]["redis"]["ok"]
    assert elapsed < 5, f"readiness took {elapsed:.1f}s with the CQL store down"
    # Liveness does no I/O: still alive.
    assert client.get("/health/live").status_code == 200

    stack("cassandra-start", "1")
    took = wait_until(
        lambda: client.get("/health/ready").status_code == 200,
        timeout=60,
        what="readiness recovering without restarting Django",
    )
    print(f"readiness back {took:.1f}s after the node answered CQL")
