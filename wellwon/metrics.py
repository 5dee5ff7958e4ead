"""``GET /metrics`` (prometheus-client's exposition) and the middleware that times requests.

Under gunicorn or an ASGI server with several workers each process keeps its
values in its own file of ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's
multiprocess mode, set up by ``wellwon.gunicorn_conf``), and whichever worker
answers a scrape sums every file: the totals are the server's, not one
worker's. Without the directory (runserver, tests) the process's own registry
is served. Every metric declared with ``prometheus_client`` in any module (the
CQL client's, the messaging app's, the gateway's) is collected, none listed here.

Requests are labelled by route name (the resolver's view name, or its route
pattern), method and status class, never by path, so ids never make series.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.http import HttpRequest, HttpResponse
from prometheus_client import REGISTRY, CollectorRegistry, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

UNRESOLVED = "<unresolved>"  # a path no URL pattern matched (the 404s of scanners)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUEST_SECONDS = Histogram(
    "wellwon_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by route, method and status class.",
    ["route", "method", "status"],
)
HTTP_POSTGRES_SECONDS = Histogram(
    "wellwon_http_request_postgres_seconds",
    "Time a request spent in PostgreSQL queries, by route.",
    ["route"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)


def route_name(request: HttpRequest) -> str:
    """The matched URL's name (``namespace:name``), its pattern if unnamed, never the path."""
    match = request.resolver_match
    if match is None:
        return UNRESOLVED
    return match.view_name if match.url_name else match.route


class PostgresTimer:
    """A connection ``execute_wrapper`` adding up the time of every query it wraps."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


class RequestMetricsMiddleware:
    """Observes each request's duration and PostgreSQL time; absent when METRICS_ENABLED=false."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not settings.METRICS_ENABLED:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        postgres = PostgresTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(postgres):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        route = route_name(request)
        method = request.method if request.method in METHODS else "other"
        status = f"{response.status_code // 100}xx"
        HTTP_REQUEST_SECONDS.labels(route, method, status).observe(elapsed)
        HTTP_POSTGRES_SECONDS.labels(route).observe(postgres.seconds)
        return response


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The exposition format the scraper asks for (OpenMetrics or text), as the library's
    own HTTP handlers negotiate it."""
    registry = REGISTRY
    if settings.METRICS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        # prometheus_client leaves MultiProcessCollector.__init__ unannotated.
        MultiProcessCollector(registry, path=settings.METRICS_MULTIPROC_DIR)  # type: ignore[no-untyped-call]
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encode(registry), content_type=content_type)
