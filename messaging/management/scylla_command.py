"""The base of the ``scylla_*`` schema commands: one client, one way to fail.

Every expected failure (store down or disabled, a refused migration, a server
that cannot host the schema) becomes a ``CommandError``: one clear line on
stderr and exit status 1, which is what CI jobs and Kubernetes init containers
read. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from messaging.scylla import MessageStoreError, ScyllaClient, get_scylla_client
from messaging.scylla.dialect import UnsupportedServerError
from messaging.scylla.migration_files import MigrationError

EXPECTED_ERRORS = (MessageStoreError, MigrationError, UnsupportedServerError, ValueError)


class ScyllaCommand(BaseCommand):
    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--keyspace",
            help="the keyspace to work on (default: SCYLLA_KEYSPACE)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.perform(options)
        except EXPECTED_ERRORS as exc:
            raise CommandError(str(exc)) from exc

    def perform(self, options: dict[str, Any]) -> None:
        self.run(get_scylla_client(), options)

    def run(self, client: ScyllaClient, options: dict[str, Any]) -> None:
        raise NotImplementedError

    def server(self, client: ScyllaClient) -> str:
        config = client.config
        return f"{', '.join(config.contact_points)}:{config.port}"
