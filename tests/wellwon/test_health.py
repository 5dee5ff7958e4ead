"""The probes against the running stores (outages are in ``tests/faults``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client


@pytest.mark.django_db(transaction=True)
def test_ready_when_every_store_answers() -> None:
    answer = Client().get("/health/ready")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["status"] == "ready"
    assert {name: store["ok"] for name, store in body["stores"].items()} == {
        "postgresql": True,
        "redis": True,
        "cql": True,
    }


@pytest.mark.django_db(transaction=True)
def test_the_probe_timeout_stays_inside_the_probe() -> None:
    # The probe bounds its own query; the connection, reused by the next request,
    # keeps the server's statement_timeout.
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (before,) = cursor.fetchone()
    assert Client().get("/health/ready").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (after,) = cursor.fetchone()
    assert after == before
