"""Production settings: ``manage.py check --deploy`` is clean, HTTPS is enforced but not on probes.

The settings are read from the environment at import, so production is
checked in a subprocess with production's variables (DEBUG=false, a real
SECRET_KEY, ALLOWED_HOSTS), exactly as an operator would run the check.
"""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra: str) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_", "CSRF_", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="wellwon.settings",
        DEBUG="false",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        ALLOWED_HOSTS="example.com",
        # No default with DEBUG=false; the development account's, on this machine.
        POSTGRES_PASSWORD=os.environ.get("POSTGRES_PASSWORD", "wellwon"),
        **extra,
    )
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our interpreter, our manage.py
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing_with_production_settings() -> None:
    done = run(production_env(), "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "no issues" in output and "WARNINGS" not in output, output


def test_check_deploy_does_flag_a_weakened_setting() -> None:
    """The check is not vacuous: turning HSTS off in production is reported."""
    env = production_env(SECURE_HSTS_SECONDS="0")
    done = run(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0 and "security.W004" in done.stdout + done.stderr


PRINT_SECURITY = (
    "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps("
    "{n: getattr(s, n) for n in ('DEBUG', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE',"
    " 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_CONTENT_TYPE_NOSNIFF')}))"
)


def security_settings(env: dict[str, str]) -> dict[str, Any]:
    done = run(env, "-c", PRINT_SECURITY)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_production_defaults_are_secure_and_each_can_be_overridden() -> None:
    production = security_settings(production_env())
    assert production == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
    }
    loopback = security_settings(production_env(SECURE_SSL_REDIRECT="false"))
    assert loopback["SECURE_SSL_REDIRECT"] is False
    development = security_settings({**production_env(), "DEBUG": "true"})
    assert development["SECURE_SSL_REDIRECT"] is False


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = production_env()
    del env["SECRET_KEY"]
    done = run(env, "manage.py", "check")
    assert done.returncode != 0 and "SECRET_KEY" in done.stderr


@pytest.mark.django_db
def test_plain_http_is_redirected_except_the_probes() -> None:
    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()
        redirected = client.get("/api/chats/")
        assert redirected.status_code == 301
        assert redirected["Location"] == "https://testserver/api/chats/"
        assert client.get("/api/chats/", HTTP_X_FORWARDED_PROTO="https").status_code == 401
        assert client.get("/health/live").status_code == 200
        assert client.get("/metrics").status_code == 200
