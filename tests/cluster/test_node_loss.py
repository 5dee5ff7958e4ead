"""Nothing acknowledged is lost when a node goes away; too few nodes fail fast and clearly."""

from __future__ import annotations

import time
import uuid

import pytest
from cassandra import ConsistencyLevel
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.policies import DCAwareRoundRobinPolicy, WhiteListRoundRobinPolicy
from django.test import Client

from messaging.models import SearchEntry
from messaging.scylla import ScyllaClient, calculate_message_bucket, check_cluster_health
from tests.cluster.conftest import host_up, log, node_address, start_node, stop_node, wait_until
from tests.messaging.api_support import client_of, create_chat, make_user, messages_url

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


def _post(user, chat_id: str, content: str):  # type: ignore[no-untyped-def]
    return client_of(user).post(messages_url(chat_id), {"content": content}, format="json")


def _all_ids(user, chat_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    ids: list[str] = []
    url: str | None = messages_url(chat_id) + "?limit=100"
    while url:
        page = client_of(user).get(url)
        assert page.status_code == 200, page.data
        ids += [m["id"] for m in page.data["results"]]
        url = page.data["next"]
    return ids


def _stored_ids(
    cql: ScyllaClient, chat_id: uuid.UUID, acknowledged: list[str], *, only: str | None = None
) -> set[str]:
    """Message ids read at ALL (every replica asked), or at ONE from node ``only`` alone.

    The buckets come from the acknowledged ids themselves, not from channel_metadata: a
    node that has just rejoined may not have received that row's updates yet.
    """
    if only is None:
        profile = ExecutionProfile(
            load_balancing_policy=DCAwareRoundRobinPolicy(), consistency_level=ConsistencyLevel.ALL
        )
        contact = list(cql.config.contact_points)
    else:
        profile = ExecutionProfile(
            load_balancing_policy=WhiteListRoundRobinPolicy([only]),
            consistency_level=ConsistencyLevel.ONE,
        )
        contact = [only]
    cluster = Cluster(
        contact, execution_profiles={EXEC_PROFILE_DEFAULT: profile}, protocol_version=4
    )
    try:
        session = cluster.connect()
        select = session.prepare(
            f"SELECT message_id FROM {cql.keyspace}.messages WHERE channel_id = ? AND bucket IN ?"
        )
        buckets = sorted({calculate_message_bucket(int(i)) for i in acknowledged})
        rows = session.execute(select, (chat_id, buckets))
        return {str(row.message_id) for row in rows}
    finally:
        cluster.shutdown()


def test_quorum_writes_with_one_node_down_are_all_there_after_it_rejoins(
    cluster_cql: ScyllaClient, all_nodes_back: None
) -> None:
    owner, member = make_user("owner"), make_user("member")
    chat_id = create_chat(owner, member)["id"]

    stop_node(3)
    wait_until(lambda: not host_up(cluster_cql, node_address(3)), timeout=30, what="node 3 down")
    acknowledged: list[str] = []
    for i in range(40):
        response = _post(owner if i % 2 else member, chat_id, f"sent while node 3 is down #{i}")
        assert response.status_code == 201, response.data
        acknowledged.append(response.data["id"])
    log(f"{len(acknowledged)} messages acknowledged at LOCAL_QUORUM with node 3 down")
    assert sorted(_all_ids(owner, chat_id)) == sorted(acknowledged)

    start_node(3)
    wait_until(lambda: host_up(cluster_cql, node_address(3)), timeout=60, what="node 3 up")
    # A read at ALL involves node 3; a digest mismatch would repair its copy.
    at_all = _stored_ids(cluster_cql, uuid.UUID(chat_id), acknowledged)
    assert at_all == set(acknowledged)
    on_node_3 = _stored_ids(cluster_cql, uuid.UUID(chat_id), acknowledged, only=node_address(3))
    log(
        f"after rejoin: {len(at_all)} read at ALL, {len(on_node_3)} held by node 3 itself, "
        f"{len(acknowledged)} acknowledged"
    )
    assert on_node_3 == set(acknowledged)


def test_two_nodes_down_fail_fast_with_503_and_recover_by_themselves(
    cluster_cql: ScyllaClient, all_nodes_back: None
) -> None:
    owner, member = make_user("owner"), make_user("member")
    chat_id = create_chat(owner, member)["id"]
    assert _post(owner, chat_id, "before").status_code == 201

    stop_node(2)
    stop_node(3)
    wait_until(
        lambda: (
            not host_up(cluster_cql, node_address(2)) and not host_up(cluster_cql, node_address(3))
        ),
        timeout=30,
        what="nodes 2 and 3 down",
    )
    entries_before = SearchEntry.objects.filter(chat_id=chat_id).count()
    for _ in range(3):
        started = time.monotonic()
        response = _post(owner, chat_id, "cannot reach a quorum")
        elapsed = time.monotonic() - started
        assert response.status_code == 503, response.data
        assert "message store" in str(response.data["detail"]).lower()
        assert elapsed < 6, f"a failing write took {elapsed:.1f}s"
        log(f"write with 2 of 3 nodes down: 503 in {elapsed * 1000:.0f} ms")
    # Nothing half-written: no follower row for the refused messages.
    assert SearchEntry.objects.filter(chat_id=chat_id).count() == entries_before

    start_node(2)
    took = wait_until(
        lambda: _post(owner, chat_id, "after one node returned").status_code == 201,
        timeout=90,
        what="writes recovering once a quorum is back",
    )
    log(f"writes accepted again {took:.1f}s after node 2 answered")


def test_health_reports_the_down_node(cluster_cql: ScyllaClient, all_nodes_back: None) -> None:
    stop_node(3)
    wait_until(lambda: not host_up(cluster_cql, node_address(3)), timeout=30, what="node 3 down")
    health = check_cluster_health(cluster_cql)
    assert health["healthy"] is False
    assert health["nodes_down"] == [node_address(3)]
    ready = Client().get("/health/ready")
    # One node down is not fatal (quorum holds) but readiness names it.
    assert ready.status_code == 200, ready.json()
    assert ready.json()["stores"]["cql"]["nodes_down"] == [node_address(3)]
    log(f"readiness with node 3 down: {ready.json()['stores']['cql']}")
