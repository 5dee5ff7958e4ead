"""The short chaos run of the cluster phase: one node kill, Redis and PostgreSQL stopped.

``benchmarks.chaos`` (``make chaos`` runs it for 5 minutes with three kills)
in a child process, for 90 s of writing: clients send, edit, react and mark
read while node 2 is killed with ``kill -9`` and restarted, Redis is stopped
and started, and PostgreSQL is stopped and started. Nothing acknowledged may be
lost or undone, no answer may be a 5xx other than 503, and search and unread
must be exact once the outbox has drained.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.cluster.conftest import log

pytestmark = pytest.mark.cluster


def test_a_short_chaos_run_loses_nothing(tmp_path: Path, all_nodes_back: None) -> None:
    out = tmp_path / "chaos.json"
    command = [sys.executable, "-m", "benchmarks.chaos", "--duration", "90", "--kills", "1"]
    finished = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*command, "--json", str(out)], cwd=settings.BASE_DIR, timeout=900, check=False
    )
    figures = json.loads(out.read_text())
    log(f"chaos: {json.dumps({k: v for k, v in figures.items() if k != 'statuses'})}")
    assert figures["acknowledged_sends"] > 0
    assert figures["sends_found_at_all"] == figures["acknowledged_sends"]
    assert figures["edits_undone"] == 0
    assert figures["server_errors_not_503_samples"] == []
    assert (figures["search_drift"], figures["unread_drift"]) == (0, 0)
    assert finished.returncode == 0
