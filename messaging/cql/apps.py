"""The app that holds the CQL tables' ``DjangoCassandraModel`` classes (``messaging.cql_models``).

Django registers those classes as unmanaged models. Under the ``messaging``
app they would ask ``makemigrations`` for PostgreSQL migrations of tables
that live in CQL; under this label, which ``MIGRATION_MODULES`` marks as
having no migrations (``{"cql": None}``), they never do, and the router
(``messaging.db_router``) keeps them and the ``cassandra`` database alias
apart from everything the ORM migrates. The tables themselves come from
``schema/migrations`` through ``manage.py scylla_migrate``.
"""

from django.apps import AppConfig


class CqlConfig(AppConfig):
    name = "messaging.cql"
    label = "cql"
    verbose_name = "CQL tables"

    def ready(self) -> None:
        # The models live in messaging.cql_models (imported by the repository's
        # statements too); importing them here registers them whatever loads first.
        from messaging import cql_models  # noqa: F401
