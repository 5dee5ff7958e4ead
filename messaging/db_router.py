"""Keeps the ORM's apps off the ``cassandra`` database alias, and the CQL models off SQL.

``DATABASES["cassandra"]`` declares the CQL connection the Django way
(django-cassandra-engine); nothing the ORM migrates may ever go there, and
the CQL models (app label ``cql``) are never migrated anywhere: their
tables come from the versioned CQL migrations (``manage.py scylla_migrate``).
Add ``"messaging.db_router.CassandraRouter"`` to ``DATABASE_ROUTERS``.
"""

from __future__ import annotations

from typing import Any

from messaging.conf import CASSANDRA_ALIAS, CQL_APP_LABEL


class CassandraRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        return CASSANDRA_ALIAS if model._meta.app_label == CQL_APP_LABEL else None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return self.db_for_read(model)

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        cql = [obj._meta.app_label == CQL_APP_LABEL for obj in (obj1, obj2)]
        return False if any(cql) and not all(cql) else None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        if db == CASSANDRA_ALIAS or app_label == CQL_APP_LABEL:
            return False
        return None
