"""``GET /metrics`` in Prometheus text format, and the middleware that counts requests.

Counts are per process (each gunicorn worker answers for itself), which is how a
Prometheus scrape of several workers behind one port usually works with the
multiprocess collector replaced by per-pod scraping. The CQL figures come from
the client's own metrics; the endpoint never opens a CQL connection itself.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from prometheus_client import generate_latest

from messaging.scylla.client import peek_scylla_client

_lock = threading.Lock()
_requests: Counter[tuple[str, str]] = Counter()
_latency_sum = 0.0


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        global _latency_sum
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        with _lock:
            _requests[(request.method or "GET", str(response.status_code))] += 1
            _latency_sum += elapsed
        return response


def _line(name: str, value: float, labels: str = "") -> str:
    return f"{name}{{{labels}}} {value}" if labels else f"{name} {value}"


def metrics_view(request: HttpRequest) -> HttpResponse:
    lines = [
        "# HELP wellwon_http_requests_total HTTP requests answered, by method and status.",
        "# TYPE wellwon_http_requests_total counter",
    ]
    with _lock:
        for (method, status), count in sorted(_requests.items()):
            lines.append(
                _line("wellwon_http_requests_total", count, f'method="{method}",status="{status}"')
            )
        lines += [
            "# TYPE wellwon_http_request_seconds_sum counter",
            _line("wellwon_http_request_seconds_sum", round(_latency_sum, 6)),
        ]
    client = peek_scylla_client()
    if client is not None:
        snap = client.metrics.snapshot()
        breaker = client.breaker.state.value
        lines += [
            "# HELP wellwon_cql_queries_total CQL statements executed.",
            "# TYPE wellwon_cql_queries_total counter",
            _line("wellwon_cql_queries_total", snap.queries),
            "# TYPE wellwon_cql_errors_total counter",
            _line("wellwon_cql_errors_total", snap.errors),
            "# TYPE wellwon_cql_latency_ms gauge",
            _line("wellwon_cql_latency_ms", round(snap.latency_avg_ms, 3), 'stat="avg"'),
            _line("wellwon_cql_latency_ms", round(snap.latency_p50_ms, 3), 'stat="p50"'),
            _line("wellwon_cql_latency_ms", round(snap.latency_p95_ms, 3), 'stat="p95"'),
            _line("wellwon_cql_latency_ms", round(snap.latency_p99_ms, 3), 'stat="p99"'),
            "# HELP wellwon_cql_prepared_statements Prepared statements cached (LRU).",
            "# TYPE wellwon_cql_prepared_statements gauge",
            _line("wellwon_cql_prepared_statements", client.prepared_cache_size),
            "# HELP wellwon_cql_circuit_breaker_open 1 when the breaker fails requests fast.",
            "# TYPE wellwon_cql_circuit_breaker_open gauge",
            _line("wellwon_cql_circuit_breaker_open", 1 if breaker == "open" else 0),
            _line("wellwon_cql_circuit_breaker_state", 1, f'state="{breaker}"'),
        ]
    exposition = "\n".join(lines) + "\n" + generate_latest().decode()  # prometheus_client's
    return HttpResponse(exposition, content_type="text/plain; version=0.0.4")
