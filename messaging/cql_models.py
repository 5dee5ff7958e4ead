"""cqlengine models of the CQL tables, column for column as the migration files create them.

The seed's eight tables plus ``message_edits`` (migration 002). They are the
one declaration of the tables' columns: the repository's column lists come
from them (``column_names``), and ``scylla_check`` compares them with the
migration files and the live keyspace (columns, types, keys, clustering
order, declared indexes and compaction).

They serve admin-grade queries (inspection, repair commands, shell work); the
hot paths use the message repository's prepared statements instead. The
tables come from ``schema/migrations`` applied by ``scylla_migrate``: nothing
here creates or alters a table (``sync_cassandra`` is refused).

They are django-cassandra-engine's ``DjangoCassandraModel``: Django knows them
(``_meta``, unmanaged) under the app ``messaging.cql`` (label ``cql``), which
has no migrations, and ``messaging.db_router.CassandraRouter`` keeps them off
SQL databases; see ``messaging/cql/apps.py``. The connection is declared in
``DATABASES["cassandra"]``; queries run on the process's ``ScyllaClient``
session, which ``ScyllaClient.register_cqlengine()`` makes cqlengine's
default (created after fork, never at import), with SCYLLA_KEYSPACE as the
default keyspace so the same classes serve the production and the test
keyspace.
"""

from __future__ import annotations

from typing import Any

from cassandra.cqlengine import columns
from django_cassandra_engine.models import DjangoCassandraModel

from messaging.conf import CQL_APP_LABEL

TWCS_10_DAYS = {
    "class": "TimeWindowCompactionStrategy",
    "compaction_window_size": "10",
    "compaction_window_unit": "DAYS",
}


class CqlModel(DjangoCassandraModel):
    """The base of the tables' models: registered with Django under the ``cql`` app."""

    __abstract__ = True


def cql_meta(pk_field: str) -> type:
    """A model's ``Meta``: the ``cql`` app, and the key column Django's ``pk`` stands for
    (django-cassandra-engine needs one named when the primary key has several)."""
    return type("Meta", (), {"app_label": CQL_APP_LABEL, "get_pk_field": pk_field})


class Message(CqlModel):
    """``messages``: partition (channel_id, 10-day bucket), newest message first."""

    __table_name__ = "messages"
    Meta = cql_meta("message_id")
    __options__ = {"compaction": TWCS_10_DAYS}

    channel_id = columns.UUID(partition_key=True)
    bucket = columns.Integer(partition_key=True)
    message_id = columns.BigInt(primary_key=True, clustering_order="DESC")
    sender_id = columns.BigInt()
    content = columns.Text()
    message_type = columns.Text()
    source = columns.Text()
    reply_to_id = columns.BigInt()
    attachments = columns.Text()
    mentions = columns.Set(columns.BigInt)
    entities = columns.Text()
    created_at = columns.DateTime()
    edited_at = columns.DateTime()
    is_deleted = columns.Boolean()
    deleted_at = columns.DateTime()
    telegram_message_id = columns.BigInt()
    telegram_chat_id = columns.BigInt()
    has_reactions = columns.Boolean()  # migration 003: see schema.scylla


class TelegramMessageMapping(CqlModel):
    """``telegram_message_mapping``: (Telegram message id, chat id) -> WellWon message."""

    __table_name__ = "telegram_message_mapping"
    Meta = cql_meta("telegram_message_id")

    telegram_message_id = columns.BigInt(partition_key=True)
    telegram_chat_id = columns.BigInt(partition_key=True)
    channel_id = columns.UUID()
    bucket = columns.Integer()
    message_id = columns.BigInt()
    created_at = columns.DateTime()


class MessageReaction(CqlModel):
    """``message_reactions``: one row per user and emoji on a message."""

    __table_name__ = "message_reactions"
    Meta = cql_meta("user_id")

    channel_id = columns.UUID(partition_key=True)
    message_id = columns.BigInt(partition_key=True)
    user_id = columns.BigInt(primary_key=True, clustering_order="ASC")
    emoji = columns.Text(primary_key=True, clustering_order="ASC")
    created_at = columns.DateTime()


class MessageReactionCount(CqlModel):
    """``message_reaction_counts``: a counter per emoji (counter tables hold nothing else)."""

    __table_name__ = "message_reaction_counts"
    Meta = cql_meta("emoji")

    channel_id = columns.UUID(partition_key=True)
    message_id = columns.BigInt(partition_key=True)
    emoji = columns.Text(primary_key=True, clustering_order="ASC")
    reaction_count = columns.Counter()


class PinnedMessage(CqlModel):
    """``pinned_messages``: a channel's pins, newest message id first."""

    __table_name__ = "pinned_messages"
    Meta = cql_meta("message_id")

    channel_id = columns.UUID(partition_key=True)
    message_id = columns.BigInt(primary_key=True, clustering_order="DESC")
    bucket = columns.Integer()
    pinned_by = columns.BigInt()
    pinned_at = columns.DateTime()


class TelegramSyncState(CqlModel):
    """``telegram_sync_state``: import/webhook progress per channel, indexed by Telegram chat."""

    __table_name__ = "telegram_sync_state"
    Meta = cql_meta("channel_id")

    channel_id = columns.UUID(partition_key=True)
    telegram_chat_id = columns.BigInt(index=True)
    last_telegram_message_id = columns.BigInt()
    last_update_id = columns.BigInt()
    last_sync_at = columns.DateTime()
    status = columns.Text()
    last_error = columns.Text()
    imported_count = columns.BigInt()


class ChannelMetadata(CqlModel):
    """``channel_metadata``: buckets in use and the last message, per channel."""

    __table_name__ = "channel_metadata"
    Meta = cql_meta("channel_id")

    channel_id = columns.UUID(partition_key=True)
    active_buckets = columns.Set(columns.Integer)
    last_message_id = columns.BigInt()
    last_message_at = columns.DateTime()
    last_sender_id = columns.BigInt()
    channel_name = columns.Text()
    channel_type = columns.Text()
    created_at = columns.DateTime()
    updated_at = columns.DateTime()


class MessageReadPosition(CqlModel):
    """``message_read_positions``: how far a user has read in a channel."""

    __table_name__ = "message_read_positions"
    Meta = cql_meta("user_id")

    channel_id = columns.UUID(partition_key=True)
    user_id = columns.BigInt(partition_key=True)
    last_read_message_id = columns.BigInt()
    updated_at = columns.DateTime()


class MessageEdit(CqlModel):
    """``message_edits``: the text each edit of a message replaced, oldest edit first."""

    __table_name__ = "message_edits"
    Meta = cql_meta("edit_id")

    channel_id = columns.UUID(partition_key=True)
    message_id = columns.BigInt(partition_key=True)
    edit_id = columns.TimeUUID(primary_key=True, clustering_order="ASC")
    edited_at = columns.DateTime()
    editor_id = columns.BigInt()
    content = columns.Text()


CQL_MODELS: tuple[type[CqlModel], ...] = (
    Message,
    TelegramMessageMapping,
    MessageReaction,
    MessageReactionCount,
    PinnedMessage,
    TelegramSyncState,
    ChannelMetadata,
    MessageReadPosition,
    MessageEdit,
)


def column_names(model: type[Any]) -> tuple[str, ...]:
    """A table's columns in declaration order (partition key, clustering key, the rest)."""
    return tuple(model._columns)
