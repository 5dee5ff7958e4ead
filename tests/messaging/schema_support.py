"""Helpers of the schema suites: throwaway keyspaces and copies of the migration files."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from messaging.conf import migrations_dir
from messaging.scylla import ScyllaClient
from messaging.scylla.migrations import run_ddl


@contextmanager
def scratch_keyspace(client: ScyllaClient) -> Iterator[str]:
    """A fresh keyspace name, dropped afterwards whatever the test did with it."""
    name = f"test_scratch_{uuid.uuid4().hex[:12]}"
    try:
        yield name
    finally:
        run_ddl(client.session, f"DROP KEYSPACE IF EXISTS {name}")


def copy_migrations(target: Path, *, upto: int | None = None) -> Path:
    """The project's migration files (those numbered <= upto) copied to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(migrations_dir().glob("*.cql")):
        if upto is None or int(path.name[:3]) <= upto:
            shutil.copy(path, target / path.name)
    return target


def shipped_versions() -> list[int]:
    return sorted(int(path.name[:3]) for path in migrations_dir().glob("*.cql"))
