"""WellWon messaging: chats in PostgreSQL, messages in ScyllaDB/Cassandra.

A pluggable Django app. A project that installs it adds ``"messaging"`` and
``"messaging.cql"`` (the CQL tables' models) to ``INSTALLED_APPS`` (and
``"messaging.telegram"`` for the bridge), ``"messaging.db_router.CassandraRouter"``
to ``DATABASE_ROUTERS``, ``{"cql": None}`` to ``MIGRATION_MODULES`` and, for
django-cassandra-engine, ``DATABASES["cassandra"] = messaging.conf.cassandra_database(...)``.
Its settings come from ``django.conf.settings`` with the defaults in ``messaging.conf``;
without the ``presence`` app, Snowflake worker ids come from ``SNOWFLAKE_WORKER_ID``.
"""
