"""``manage.py scylla_schema [--dialect ...]``: the whole CQL schema as one cqlsh script.

The keyspace statement is rendered for the detected server (or the one named
with ``--dialect``, without connecting), followed by the migration files as
written: ``manage.py scylla_schema | cqlsh`` builds the schema by hand where
the runner cannot be used. The runner is still the way to apply it, since only
it records what was applied.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from messaging.conf import ScyllaSettings, migrations_dir
from messaging.management.base import ScyllaCommand
from messaging.scylla import ScyllaClient
from messaging.scylla.dialect import Dialect, detect_dialect, parse_dialect, render_create_keyspace
from messaging.scylla.migration_files import load_migrations


class Command(ScyllaCommand):
    help = (
        "Prints the CQL schema (CREATE KEYSPACE for the detected server, then the migration "
        "files) as one script for cqlsh."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--dialect",
            help="render for this server instead of asking the live one: "
            "cassandra, scylladb-5.4, scylladb-6.2, scylladb-2025.1 ...",
        )

    def perform(self, options: dict[str, Any]) -> None:
        if options["dialect"]:
            # Offline: no connection, so this works where the store is disabled or unreachable.
            replication = ScyllaSettings.from_django().replication
            self.render(parse_dialect(options["dialect"]), options, replication)
        else:
            super().perform(options)

    def run(self, client: ScyllaClient, options: dict[str, Any]) -> None:
        self.render(detect_dialect(client.session), options, client.config.replication)

    def render(
        self, dialect: Dialect, options: dict[str, Any], replication: dict[str, Any]
    ) -> None:
        keyspace = options["keyspace"] or ScyllaSettings.from_django().keyspace
        migrations = load_migrations(migrations_dir())
        self.stdout.write(f"-- WellWon CQL schema for {dialect}, keyspace {keyspace}")
        self.stdout.write(f"{render_create_keyspace(keyspace, replication, dialect)};")
        self.stdout.write(f"USE {keyspace};")
        for migration in migrations:
            self.stdout.write(f"\n-- ===== {migration.filename}")
            self.stdout.write(migration.path.read_text(encoding="utf-8").rstrip())
