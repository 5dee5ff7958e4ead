"""Health checks of the CQL store with the seed's names.

``liveness_probe`` does no I/O (a live process whose store is down must not be
restarted for it); ``readiness_probe`` asks the cluster within a deadline.
"""

from __future__ import annotations

import time
from typing import Any

from messaging.scylla.client import ScyllaClient
from messaging.scylla.errors import MessageStoreError


def check_connection_health(client: ScyllaClient, *, timeout: float = 2.0) -> dict[str, Any]:
    """Whether one query round trip succeeds, with its latency."""
    started = time.perf_counter()
    try:
        row = client.execute("SELECT release_version FROM system.local", timeout=timeout).one()
    except MessageStoreError as exc:
        return {"healthy": False, "error": str(exc), "breaker": client.breaker.state.value}
    return {
        "healthy": True,
        "release_version": row.release_version,
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
        "breaker": client.breaker.state.value,
    }


def check_cluster_health(client: ScyllaClient, *, timeout: float = 2.0) -> dict[str, Any]:
    """Every node the driver knows, up or down, plus the connection check."""
    connection = check_connection_health(client, timeout=timeout)
    hosts: list[dict[str, Any]] = []
    if connection["healthy"]:
        for host in client.cluster.metadata.all_hosts():
            hosts.append(
                {
                    "address": str(host.endpoint.address),
                    "datacenter": host.datacenter,
                    "rack": host.rack,
                    "up": bool(host.is_up),
                }
            )
    down = [h["address"] for h in hosts if not h["up"]]
    return {
        "healthy": connection["healthy"] and not down,
        "connection": connection,
        "nodes": hosts,
        "nodes_up": len(hosts) - len(down),
        "nodes_down": down,
    }


def readiness_probe(client: ScyllaClient, *, timeout: float = 2.0) -> dict[str, Any]:
    """Ready when a query answers; nodes that are down are reported, not fatal."""
    cluster = check_cluster_health(client, timeout=timeout)
    return {"ready": cluster["connection"]["healthy"], **cluster}


def liveness_probe(client: ScyllaClient | None = None) -> dict[str, Any]:
    """Alive: the process answers. No I/O, whatever the store's state."""
    state = client.breaker.state.value if client is not None else "n/a"
    return {"alive": True, "breaker": state}
