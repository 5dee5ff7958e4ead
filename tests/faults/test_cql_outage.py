"""The CQL store goes away and comes back while Django keeps running."""

from __future__ import annotations

import asyncio
import time

import pytest
from django.test import Client

from messaging.scylla import MessageStoreUnavailable, ScyllaClient
from tests.faults.conftest import stack, wait_until
from tests.messaging.api_support import client_of, create_chat, make_user, messages_url

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


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


def test_message_endpoints_fail_fast_while_the_rest_works_and_resume(
    cql: ScyllaClient, cassandra_restored: None
) -> None:
    owner, member = make_user("owner"), make_user("member")
    chat_id = create_chat(owner, member)["id"]
    api = client_of(owner)
    assert api.post(messages_url(chat_id), {"content": "before"}, format="json").status_code == 201

    stack("cassandra-stop", "1")
    timings = []
    for _ in range(8):
        started = time.monotonic()
        response = api.post(messages_url(chat_id), {"content": "while down"}, format="json")
        timings.append(time.monotonic() - started)
        assert response.status_code == 503, response.data
        assert "message store" in str(response.data["detail"]).lower()
    listing = api.get(messages_url(chat_id))
    assert listing.status_code == 503
    print(f"503 answers while down: {[round(t * 1000) for t in timings]} ms")
    # The first request can meet the dead node before the driver has marked it down:
    # the driver then waits for a pooled connection (its fixed 2 s borrow timeout).
    # From then on the breaker answers at once.
    assert timings[0] < 3.0
    assert max(timings[1:]) < 0.5
    assert cql.breaker.state.value in {"open", "half_open"}
    # What does not need the message store still works.
    assert api.get("/api/templates/").status_code == 200
    assert api.post("/api/presence/", {"status": "online"}, format="json").status_code == 204
    assert api.get(f"/api/chats/{chat_id}/participants/").status_code == 200

    stack("cassandra-start", "1")
    took = wait_until(
        lambda: (
            api.post(messages_url(chat_id), {"content": "back"}, format="json").status_code == 201
        ),
        timeout=60,
        what="sending recovering by itself",
    )
    print(f"sending resumed {took:.1f}s after the node answered CQL")
    contents = [m["content"] for m in api.get(messages_url(chat_id)).data["results"]]
    assert "before" in contents and "back" in contents and "while down" not in contents


def test_acknowledged_messages_survive_kill_9_of_the_single_node(
    cql: ScyllaClient, cassandra_restored: None
) -> None:
    """Cassandra's periodic commit log acknowledges before fsync, but its segments are
    memory-mapped: a killed process loses nothing the kernel already holds (power
    loss could lose up to commitlog_sync_period; README states the trade-off)."""
    owner, member = make_user("owner"), make_user("member")
    chat_id = create_chat(owner, member)["id"]
    api = client_of(owner)
    acknowledged = []
    for i in range(150):
        response = api.post(messages_url(chat_id), {"content": f"burst {i}"}, format="json")
        assert response.status_code == 201, response.data
        acknowledged.append(response.data["id"])

    stack("cassandra-kill", "1")
    stack("cassandra-start", "1")
    wait_until(
        lambda: api.get(messages_url(chat_id)).status_code == 200,
        timeout=60,
        what="reads recovering after the restart",
    )
    found: list[str] = []
    url: str | None = messages_url(chat_id) + "?limit=100"
    while url:
        page = api.get(url)
        assert page.status_code == 200
        found += [m["id"] for m in page.data["results"]]
        url = page.data["next"]
    print(f"after kill -9 and restart: {len(found)} of {len(acknowledged)} acknowledged found")
    assert sorted(found) == sorted(acknowledged)


def test_async_statements_fail_fast_while_the_node_is_down_and_resume(
    cql: ScyllaClient, cassandra_restored: None
) -> None:
    # Async statements are sent by the driver's I/O thread (messaging.scylla.handoff);
    # with every connection gone that thread may have stopped, and no await may hang.
    query = "SELECT release_version FROM system.local"

    async def burst() -> list[object]:
        calls = (cql.execute_aio(query) for _ in range(20))
        return await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 15)

    assert all(isinstance(rows, list) for rows in asyncio.run(burst()))
    stack("cassandra-stop", "1")
    started = time.monotonic()
    outcomes = [asyncio.run(burst()) for _ in range(3)]
    elapsed = time.monotonic() - started
    errors = [o for burst_outcomes in outcomes for o in burst_outcomes]
    assert all(isinstance(o, MessageStoreUnavailable) for o in errors), errors[:3]
    print(f"60 async statements failed in {elapsed:.1f}s with the node down")

    stack("cassandra-start", "1")
    wait_until(
        lambda: all(isinstance(rows, list) for rows in asyncio.run(burst())),
        timeout=60,
        what="async statements answering again",
    )
