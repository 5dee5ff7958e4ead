"""Safe by default: a deployment that sets nothing is production, not development.

``DEBUG`` is off unless set; with it off, the PostgreSQL password has no
default (a forgotten variable must stop start-up, not log in as the
development account); ``seed_demo`` creates its known-password superuser in
development only. ``make run`` and the test settings set the development
values explicitly.
"""

from __future__ import annotations

import subprocess
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from tests.security.test_production_settings import ROOT, production_env, run, security_settings


def test_debug_is_off_when_not_set() -> None:
    env = production_env()
    del env["DEBUG"]
    assert security_settings(env)["DEBUG"] is False


def test_production_refuses_to_start_without_a_postgres_password() -> None:
    env = production_env()
    env.pop("POSTGRES_PASSWORD")
    env.pop("DATABASE_URL", None)
    done = run(env, "manage.py", "check")
    assert done.returncode != 0
    assert "POSTGRES_PASSWORD is not set" in done.stderr


def test_development_keeps_its_postgres_password_default() -> None:
    env = {**production_env(), "DEBUG": "true"}
    env.pop("POSTGRES_PASSWORD")
    env.pop("DATABASE_URL", None)
    done = run(env, "-c", "import django; django.setup()")
    assert done.returncode == 0, done.stderr


@pytest.mark.django_db
def test_seed_demo_refuses_a_known_password_superuser_outside_development(cql: Any) -> None:
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG=true"):
        call_command("seed_demo", stdout=StringIO())
    assert not get_user_model().objects.filter(username="demo").exists()


def test_make_run_sets_the_development_values() -> None:
    """What ``make run`` would run (``make -n`` prints, runs nothing): each Django command
    (three manage.py commands, then the ASGI server) in development mode."""
    done = subprocess.run(
        ["make", "-n", "run"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    commands = [
        line for line in done.stdout.splitlines() if "manage.py" in line or "wellwon.asgi" in line
    ]
    assert len(commands) == 4, done.stdout
    assert all(line.startswith("DEBUG=true ") for line in commands), commands
