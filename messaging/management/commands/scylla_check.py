"""``manage.py scylla_check``: the live keyspace vs the migration files vs the cqlengine models.

Exit status 0 when all three agree, 1 with every difference listed otherwise:
usable as a CI step or a Kubernetes init container before the web pods start.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from messaging.management.base import ScyllaCommand
from messaging.scylla import ScyllaClient
from messaging.scylla.schema_check import check_schema


class Command(ScyllaCommand):
    help = (
        "Compares the live CQL keyspace, schema/migrations and the cqlengine models (tables, "
        "columns, types, keys, clustering order, indexes, compaction, tablets, replication). "
        "Exits 1 and lists every difference when they disagree. Needs CREATE/DROP KEYSPACE: "
        "the files are applied to a throwaway keyspace to read their exact shape."
    )

    def run(self, client: ScyllaClient, options: dict[str, Any]) -> None:
        report = check_schema(client, keyspace=options["keyspace"])
        self.stdout.write(
            f"{report.dialect} at {self.server(client)}, keyspace {report.keyspace}: "
            f"{len(report.tables)} tables in the migration files"
        )
        if report.clean:
            self.stdout.write(
                self.style.SUCCESS(
                    "Schema OK: the live keyspace, the migration files and the cqlengine "
                    "models agree."
                )
            )
            return
        for difference in report.differences:
            self.stdout.write(f"  - [{difference.kind}] {difference}")
        raise CommandError(
            f"{len(report.differences)} schema difference(s) in {report.keyspace}; see above."
        )
