"""``manage.py sync_cassandra`` is refused: the CQL schema comes from versioned migrations.

django-cassandra-engine's command creates and alters tables from the models
(cqlengine's ``sync_table``), which is for development only: it cannot drop
or rename a column, records nothing, and would race other processes. The
tables come from ``schema/migrations/NNN_*.cql`` applied by
``manage.py scylla_migrate``, and ``manage.py scylla_check`` shows any
difference between the models, those files and the live keyspace.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from messaging.management.base import MessagingCommand


class Command(MessagingCommand):
    help = "Refused: apply the versioned CQL migrations with scylla_migrate instead."

    def perform(self, options: dict[str, Any]) -> None:
        raise CommandError(
            "sync_cassandra is refused: the CQL schema comes from schema/migrations; "
            "run manage.py scylla_migrate (and manage.py scylla_check to compare)"
        )
