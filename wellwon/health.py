"""Kubernetes probes: ``/health/live`` (no I/O) and ``/health/ready`` (every store).

Ready answers 200 only when PostgreSQL, Redis and (unless SCYLLA_ENABLED is
false) the CQL cluster each answer within HEALTH_CHECK_TIMEOUT; otherwise 503
naming the store that failed. Probes are not throttled and need no login.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from messaging.scylla import MessageStoreError, get_scylla_client, liveness_probe, readiness_probe


def _timed(check: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, **detail, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def _postgres() -> dict[str, Any]:
    timeout_ms = int(settings.HEALTH_CHECK_TIMEOUT * 1000)
    with transaction.atomic(), connection.cursor() as cursor:
        # set_config, not SET: a SET takes no bound parameter when the server binds them.
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{timeout_ms}ms"])
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _redis() -> dict[str, Any]:
    client = cache.client.get_client(write=True)  # type: ignore[attr-defined]
    if not client.ping():
        raise ConnectionError("PING did not answer PONG")
    return {}


def _cql() -> dict[str, Any]:
    probe = readiness_probe(get_scylla_client(), timeout=settings.HEALTH_CHECK_TIMEOUT)
    if not probe["ready"]:
        raise MessageStoreError(probe["connection"].get("error", "not ready"))
    return {"nodes_up": probe["nodes_up"], "nodes_down": probe["nodes_down"]}


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "alive", **liveness_probe()})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    stores = {"postgresql": _timed(_postgres), "redis": _timed(_redis)}
    if settings.SCYLLA_ENABLED:
        stores["cql"] = _timed(_cql)
    failed = [name for name, state in stores.items() if not state["ok"]]
    body = {"status": "ready" if not failed else "unavailable", "failed": failed, "stores": stores}
    return JsonResponse(body, status=503 if failed else 200)
