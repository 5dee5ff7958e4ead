"""Optional OpenTelemetry traces: Django requests, PostgreSQL (psycopg), Redis and CQL.

Off by default (``TRACING_ENABLED=false``): then no OpenTelemetry module is
imported, no middleware is added and no driver method is wrapped, so tracing
costs nothing until it is turned on (a test checks that nothing is loaded).
On, each process sets up its tracer provider while Django starts (before the
handler builds its middleware and before any connection is opened) and sends
spans in batches to an OTLP/HTTP collector configured by OpenTelemetry's own
variables (``OTEL_EXPORTER_OTLP_ENDPOINT``, ``OTEL_SERVICE_NAME``...), or
prints them (``TRACING_EXPORTER=console``). The SDK restarts its export
thread in forked workers by itself.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def configure_tracing() -> None:
    """Instruments this process when TRACING_ENABLED is true; does nothing otherwise."""
    if not settings.TRACING_ENABLED:
        return
    try:
        from opentelemetry import trace
    except ImportError:
        raise ImproperlyConfigured(
            "TRACING_ENABLED=true needs the tracing extra: pip install 'wellwon[tracing]'"
        ) from None
    from opentelemetry.instrumentation.cassandra import CassandraInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        ConsoleSpanExporter,
        SpanExporter,
    )

    if settings.TRACING_EXPORTER == "console":
        exporter: SpanExporter = ConsoleSpanExporter()
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    name = os.environ.get("OTEL_SERVICE_NAME") or "wellwon"
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument()
    # Django hands its own cursor class to psycopg.connect, which the instrumentation keeps.
    PsycopgInstrumentor().instrument()
    RedisInstrumentor().instrument()
    CassandraInstrumentor().instrument()
