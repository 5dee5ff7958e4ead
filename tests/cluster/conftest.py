"""The 3-node Cassandra cluster suite (``pytest -m cluster``).

Runs in its own phase of ``make test`` against ``services/stack up --nodes 3``
with SCYLLA_CONTACT_POINTS naming the three nodes and SCYLLA_REPLICATION
``datacenter1:3``. Tests stop and start nodes for real; every test leaves all
three nodes running again.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from messaging.scylla import ScyllaClient

STACK = Path(settings.BASE_DIR) / "services" / "stack"


def log(message: str) -> None:
    """Progress lines that show in the test log (node stops/starts, counts)."""
    print(f"[cluster {time.strftime('%H:%M:%S')}] {message}", flush=True)


def node_address(n: int) -> str:
    return settings.SCYLLA_CONTACT_POINTS[n - 1]


def stop_node(n: int) -> None:
    log(f"stopping node {n} ({node_address(n)})")
    subprocess.run([str(STACK), "cassandra-stop", "--nodes", "3", str(n)], check=True, timeout=120)  # noqa: S603


def start_node(n: int) -> None:
    log(f"starting node {n} ({node_address(n)})")
    subprocess.run([str(STACK), "cassandra-start", "--nodes", "3", str(n)], check=True, timeout=300)  # noqa: S603


def nodetool(n: int, *args: str) -> None:
    """Cassandra's nodetool on node ``n`` (through services/stack)."""
    command = [str(STACK), "nodetool", "--nodes", "3", str(n), *args]
    subprocess.run(command, check=True, timeout=120)  # noqa: S603


def hints_dropped(*nodes: int) -> None:
    """The nodes forget the hints they hold: a node that missed writes keeps missing them."""
    for n in nodes:
        nodetool(n, "truncatehints")


def wait_until(check: Callable[[], bool], *, timeout: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen within {timeout}s")


def host_up(client: ScyllaClient, address: str) -> bool:
    return any(
        str(h.endpoint.address) == address and h.is_up for h in client.cluster.metadata.all_hosts()
    )


@pytest.fixture(scope="session")
def cluster_cql(cql: ScyllaClient) -> ScyllaClient:
    """The test keyspace on the cluster, with replication factor 3."""
    assert len(settings.SCYLLA_CONTACT_POINTS) == 3, "the cluster suite needs 3 contact points"
    assert settings.SCYLLA_REPLICATION.get("datacenter1") == 3, "the cluster suite needs RF 3"
    hosts = cql.cluster.metadata.all_hosts()
    assert len(hosts) == 3 and all(h.is_up for h in hosts), f"not 3 nodes up: {hosts}"
    return cql


@pytest.fixture
def all_nodes_back(cluster_cql: ScyllaClient) -> Iterator[None]:
    """Whatever a test stops, all three nodes answer again afterwards."""
    yield
    for n in (1, 2, 3):
        start_node(n)
        wait_until(
            lambda n=n: host_up(cluster_cql, node_address(n)),
            timeout=60,
            what=f"the driver seeing node {n} up",
        )
