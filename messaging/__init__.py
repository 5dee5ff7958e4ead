"""WellWon messaging: chats in PostgreSQL, messages in ScyllaDB/Cassandra.

A pluggable Django app: add ``"messaging"`` to ``INSTALLED_APPS``. Its settings
come from ``django.conf.settings`` with the defaults in ``messaging.conf``.
"""
