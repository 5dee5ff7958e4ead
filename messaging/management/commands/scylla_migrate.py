"""``manage.py scylla_migrate [--plan]``: applies the pending CQL migrations in order."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from messaging.management.base import ScyllaCommand
from messaging.scylla import ScyllaClient
from messaging.scylla.migrations import DEFAULT_LOCK_TIMEOUT, MigrationReport, apply_migrations


class Command(ScyllaCommand):
    verbosity = 1
    help = (
        "Creates the CQL keyspace for the detected server (ScyllaDB or Apache Cassandra) and "
        "applies schema/migrations/NNN_name.cql not yet applied, in order, waiting for schema "
        "agreement. Safe to run twice and from two processes at once."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--plan", action="store_true", help="show what would be applied, change nothing"
        )
        parser.add_argument(
            "--lock-timeout",
            type=float,
            default=DEFAULT_LOCK_TIMEOUT,
            help="seconds to wait for another running scylla_migrate (default %(default)s)",
        )

    def run(self, client: ScyllaClient, options: dict[str, Any]) -> None:
        self.verbosity = options["verbosity"]
        report = apply_migrations(
            client,
            keyspace=options["keyspace"],
            plan_only=options["plan"],
            lock_timeout=options["lock_timeout"],
        )
        self.stdout.write(f"{report.dialect} at {self.server(client)}, keyspace {report.keyspace}")
        if report.plan_only:
            self._print_plan(report)
        else:
            self._print_done(report)

    def _print_plan(self, report: MigrationReport) -> None:
        if report.keyspace_ddl:
            self.stdout.write(f"Would create the keyspace: {report.keyspace_ddl};")
        for migration in report.applied:
            self.stdout.write(
                f"Would apply {migration.filename} ({len(migration.statements)} statements)"
            )
            if self.verbosity > 1:
                for statement in migration.statements:
                    self.stdout.write(f"    {statement};")
        if not report.applied:
            self.stdout.write(self._up_to_date(report))

    def _print_done(self, report: MigrationReport) -> None:
        if report.keyspace_ddl:
            self.stdout.write(f"Created the keyspace: {report.keyspace_ddl};")
        if report.lock_wait_seconds >= 1:
            self.stdout.write(
                f"Waited {report.lock_wait_seconds:.1f}s for another scylla_migrate to finish."
            )
        for migration in report.applied:
            self.stdout.write(
                f"Applied {migration.filename} ({len(migration.statements)} statements)"
            )
        if report.applied:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Applied {len(report.applied)} migration(s); the cluster agrees on the schema."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(self._up_to_date(report)))

    def _up_to_date(self, report: MigrationReport) -> str:
        latest = report.already_applied[-1] if report.already_applied else None
        last = f" (latest {latest.version:03d}_{latest.name})" if latest else ""
        return f"Nothing to apply: {len(report.already_applied)} migration(s) applied{last}."
