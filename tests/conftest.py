"""Fixtures shared by every suite: the real stores, reached over real connections.

The CQL test keyspace is built once per test session (Cassandra DDL is slow);
tests isolate themselves with fresh random channel ids instead of TRUNCATE.
A store that is not running is a failure, never a skip: start them with
``services/stack up`` (``make test`` does).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings

from messaging.scylla import ScyllaClient, get_scylla_client, reset_scylla_client
from messaging.scylla.migrations import apply_migrations


def _create_test_keyspace(client: ScyllaClient) -> None:
    # The migration runner, as in production: creates the keyspace if missing and
    # applies what is pending (a no-op on a keyspace that is up to date).
    apply_migrations(client)


@pytest.fixture(scope="session")
def cql() -> Iterator[ScyllaClient]:
    """The CQL client bound to the test keyspace, migrated once per session."""
    assert settings.SCYLLA_KEYSPACE.startswith("test_"), "tests must never use a real keyspace"
    reset_scylla_client()
    client = get_scylla_client()
    _create_test_keyspace(client)
    yield client
    reset_scylla_client()


@pytest.fixture
def stores(cql: ScyllaClient, db: None) -> ScyllaClient:
    """Real CQL (test keyspace) and PostgreSQL; a module takes them for every test with
    ``pytestmark = pytest.mark.usefixtures("stores")``."""
    return cql
