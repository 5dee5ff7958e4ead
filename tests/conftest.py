"""Fixtures shared by every suite: the real stores, reached over real connections.

The CQL test keyspace is built once per test session (Cassandra DDL is slow);
tests isolate themselves with fresh random channel ids instead of TRUNCATE.
A store that is not running is a failure, never a skip: start them with
``services/stack up`` (``make test`` does).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from messaging.scylla import ScyllaClient, get_scylla_client, reset_scylla_client


def _create_test_keyspace(client: ScyllaClient) -> None:
    # Bootstrap until scylla_migrate exists: the keyspace plus schema.scylla's tables.
    replication = ", ".join(f"'{k}': {v!r}" for k, v in settings.SCYLLA_REPLICATION.items())
    client.execute(
        f"CREATE KEYSPACE IF NOT EXISTS {client.keyspace} WITH replication = {{{replication}}}",
        write=True,
    )
    text = re.sub(
        r"--[^\n]*", "", (Path(settings.BASE_DIR) / "schema" / "schema.scylla").read_text()
    )
    session = client.cluster.connect(client.keyspace)
    for statement in (s.strip() for s in text.split(";")):
        if statement and not statement.upper().startswith("CREATE KEYSPACE"):
            session.execute(statement)
    session.shutdown()


@pytest.fixture(scope="session")
def cql() -> Iterator[ScyllaClient]:
    """The CQL client bound to the test keyspace, created once per session."""
    assert settings.SCYLLA_KEYSPACE.startswith("test_"), "tests must never use a real keyspace"
    reset_scylla_client()
    client = get_scylla_client()
    _create_test_keyspace(client)
    yield client
    reset_scylla_client()
