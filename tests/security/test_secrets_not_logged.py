"""Secrets come only from the environment and never appear in logs or answers.

A subprocess (``tests.security.request_cycle``) gets distinctive values for
every secret, wrong credentials or closed ports for every store, and
LOG_LEVEL=DEBUG; it runs a request cycle that makes each store connection
fail. Nothing it prints or logs may contain a secret's value, while the
failures themselves must be there (so the test sees the paths it means to).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_secret_value_appears_in_a_failing_request_cycle() -> None:
    secrets = {
        name: f"{name.lower()}-{uuid.uuid4().hex}"
        for name in (
            "SECRET_KEY",
            "POSTGRES_PASSWORD",
            "SCYLLA_PASSWORD",
            "TELEGRAM_WEBHOOK_SECRET",
            "REDIS_PASSWORD",
        )
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update({k: v for k, v in secrets.items() if k != "REDIS_PASSWORD"})
    env.update(
        DJANGO_SETTINGS_MODULE="wellwon.settings",
        DEBUG="true",
        LOG_LEVEL="DEBUG",
        # PostgreSQL answers, and refuses the password; Redis and CQL are not there at all.
        POSTGRES_HOST="127.0.0.1",
        POSTGRES_PORT="5432",
        POSTGRES_USER="wellwon",
        REDIS_URL=f"redis://:{secrets['REDIS_PASSWORD']}@127.0.0.1:1/0",
        SCYLLA_CONTACT_POINTS="127.0.0.1",
        SCYLLA_PORT="1",
        SCYLLA_USERNAME="cassandra",
        SCYLLA_CONNECT_TIMEOUT="1",
        HEALTH_CHECK_TIMEOUT="1",
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.security.request_cycle"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    # The failing paths ran: every store failed, and said so.
    assert "password authentication failed" in output, output[-3000:]
    assert '"failed": ["postgresql", "redis", "cql"]' in output, output[-3000:]
    assert "CQL:" in output
    leaked = [name for name, value in secrets.items() if value in output]
    assert not leaked, f"{leaked} appear in the output"
