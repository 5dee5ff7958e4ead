"""OpenTelemetry tracing: nothing loaded or wrapped when off, one trace across the stores when on.

Instrumentation patches drivers for the whole process, so each case runs in a
``manage.py shell`` of its own, against the real stores: the readiness probe
touches PostgreSQL, Redis and CQL in one request. Spans are printed by the
console exporter and read back from its output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings

SCRIPT = """
import sys
from django.conf import settings
from django.test import Client
status = Client().get("/health/ready").status_code
# redis-py imports OpenTelemetry's API for metrics of its own (off unless initialised); what
# the setting governs is the instrumentation and the SDK's tracing.
ours = ("opentelemetry.instrumentation", "opentelemetry.sdk.trace")
loaded = sorted(m for m in sys.modules if m.startswith(ours))
middleware = [m for m in settings.MIDDLEWARE if "opentelemetry" in m]
print("RESULT " + __import__("json").dumps([status, loaded, middleware]), flush=True)
"""


@pytest.fixture
def shell(django_db_setup: Any) -> Any:
    """Runs SCRIPT with the test settings on the test database; returns (result, stdout)."""

    def run(**env: str) -> tuple[list[Any], str]:
        child = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings", **env)
        child.pop("DATABASE_URL", None)
        child["POSTGRES_DB"] = settings.DATABASES["default"]["NAME"]
        done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", "shell", "-c", SCRIPT],
            env=child,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
        result: list[Any] = json.loads(line.removeprefix("RESULT "))
        return result, done.stdout

    return run


def spans(output: str) -> list[dict[str, Any]]:
    """The JSON objects the console exporter printed, one after another."""
    decoder = json.JSONDecoder()
    found, index = [], output.find("{")
    while index != -1:
        span, end = decoder.raw_decode(output, index)
        found.append(span)
        index = output.find("{", end)
    return found


def test_off_by_default_nothing_is_loaded_added_or_wrapped(shell: Any) -> None:
    (status, loaded, middleware), _ = shell()
    assert status == 200
    assert loaded == [] and middleware == []


def test_on_one_request_is_one_trace_through_every_store(shell: Any) -> None:
    (status, loaded, middleware), output = shell(
        TRACING_ENABLED="true", TRACING_EXPORTER="console", OTEL_SERVICE_NAME="wellwon-test"
    )
    assert status == 200 and middleware and loaded  # what the off case must not have
    found = spans(output.split("RESULT ")[1].split("\n", 1)[1])
    (request,) = [span for span in found if span["name"] == "GET health/ready"]
    trace_id = request["context"]["trace_id"]
    systems = {
        span["attributes"].get("db.system") or span["attributes"].get("db.system.name")
        for span in found
        if span["context"]["trace_id"] == trace_id and span is not request
    }
    assert {"postgresql", "redis", "cassandra"} <= systems
    assert request["resource"]["attributes"]["service.name"] == "wellwon-test"
