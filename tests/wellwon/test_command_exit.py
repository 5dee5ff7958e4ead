"""A command that used the CQL store ends without the driver's 5 s wait at exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from messaging.scylla import ScyllaClient

ROOT = Path(__file__).resolve().parent.parent.parent
READ = (
    "from messaging.scylla import get_scylla_client; "
    "print(get_scylla_client().execute('SELECT release_version FROM system.local').one()[0])"
)


def test_a_command_closes_the_driver_before_exit(cql: ScyllaClient) -> None:
    env = {**os.environ, "SCYLLA_KEYSPACE": settings.SCYLLA_KEYSPACE, "LOG_LEVEL": "WARNING"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "shell", "-c", READ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1].split(".")[0].isdigit()  # a release version
    # Left to the driver's exit hook, the event loop is not woken and the driver
    # gives up after 5 s with this warning.
    assert "Event loop thread could not be joined" not in done.stderr
