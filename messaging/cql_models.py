"""cqlengine models of the CQL tables, column for column as the migration files create them.

The seed's eight tables plus ``message_edits`` (migration 002).

They serve admin-grade queries (inspection, repair commands, shell work); the
hot paths use the message repository's prepared statements instead. The
tables come from ``schema/migrations`` applied by ``scylla_migrate``: nothing
here creates or alters a table (no ``sync_table``), and ``scylla_check``
compares these classes with the files and the live keyspace (columns, types,
keys, clustering order, declared indexes and compaction).

The keyspace is not named here: ``ScyllaClient.register_cqlengine()`` sets
cqlengine's default keyspace to SCYLLA_KEYSPACE, so the same classes serve the
production and the test keyspace. Call it before the first query.

Why plain ``cassandra.cqlengine.models.Model`` and not django-cassandra-engine's
``DjangoCassandraModel``: that class registers every subclass in Django's app
registry as an unmanaged model of the ``messaging`` app. Without a Cassandra
entry in DATABASES (deliberately absent: pytest-django would flush it as an
SQL database) nothing filters them out, so once this module is imported
``makemigrations --check`` reports a new migration ("Create model
PinnedMessage") for the PostgreSQL migrations of the app, and
contenttypes/permissions would be created for tables PostgreSQL never sees.
Django's ``_meta`` is what DjangoCassandraModel adds, and the API never puts
serializers on these models (style.md), so nothing is lost.
"""

from __future__ import annotations

from cassandra.cqlengine import columns
from cassandra.cqlengine.models import Model

TWCS_10_DAYS = {
    "class": "TimeWindowCompactionStrategy",
    "compaction_window_size": "10",
    "compaction_window_unit": "DAYS",
}


class Message(Model):
    """``messages``: partition (channel_id, 10-day bucket), newest message first."""

    __table_name__ = "messages"
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


class TelegramMessageMapping(Model):
    """``telegram_message_mapping``: (Telegram message id, chat id) -> WellWon message."""

    __table_name__ = "telegram_message_mapping"

    telegram_message_id = columns.BigInt(partition_key=True)
    telegram_chat_id = columns.BigInt(partition_key=True)
    channel_id = columns.UUID()
    bucket = columns.Integer()
    message_id = columns.BigInt()
    created_at = columns.DateTime()


class MessageReaction(Model):
    """``message_reactions``: one row per user and emoji on a message."""

    __table_name__ = "message_reactions"

    channel_id = columns.UUID(partition_key=True)
    message_id = columns.BigInt(partition_key=True)
    user_id = columns.BigInt(primary_key=True, clustering_order="ASC")
    emoji = columns.Text(primary_key=True, clustering_order="ASC")
    created_at = columns.DateTime()


class MessageReactionCount(Model):
    """``message_reaction_counts``: a counter per emoji (counter tables hold nothing else)."""

    __table_name__ = "message_reaction_counts"

    channel_id = columns.UUID(partition_key=True)
    message_id = columns.BigInt(partition_key=True)
    emoji = columns.Text(primary_key=True, clustering_order="ASC")
    reaction_count = columns.Counter()


class PinnedMessage(Model):
    """``pinned_messages``: a channel's pins, newest message id first."""

    __table_name__ = "pinned_messages"

    channel_id = columns.UUID(partition_key=True)
    message_id = columns.BigInt(primary_key=True, clustering_order="DESC")
    bucket = columns.Integer()
    pinned_by = columns.BigInt()
    pinned_at = columns.DateTime()


class TelegramSyncState(Model):
    """``telegram_sync_state``: import/webhook progress per channel, indexed by Telegram chat."""

    __table_name__ = "telegram_sync_state"

    channel_id = columns.UUID(partition_key=True)
    telegram_chat_id = columns.BigInt(index=True)
    last_telegram_message_id = columns.BigInt()
    last_update_id = columns.BigInt()
    last_sync_at = columns.DateTime()
    status = columns.Text()
    last_error = columns.Text()
    imported_count = columns.BigInt()


class ChannelMetadata(Model):
    """``channel_metadata``: buckets in use and the last message, per channel."""

    __table_name__ = "channel_metadata"

    channel_id = columns.UUID(partition_key=True)
    active_buckets = columns.Set(columns.Integer)
    last_message_id = columns.BigInt()
    last_message_at = columns.DateTime()
    last_sender_id = columns.BigInt()
    channel_name = columns.Text()
    channel_type = columns.Text()
    created_at = columns.DateTime()
    updated_at = columns.DateTime()


class MessageReadPosition(Model):
    """``message_read_positions``: how far a user has read in a channel."""

    __table_name__ = "message_read_positions"

    channel_id = columns.UUID(partition_key=True)
    user_id = columns.BigInt(partition_key=True)
    last_read_message_id = columns.BigInt()
    updated_at = columns.DateTime()


class MessageEdit(Model):
    """``message_edits``: the text each edit of a message replaced, oldest edit first."""

    __table_name__ = "message_edits"

    channel_id = columns.UUID(partition_key=True)
    message_id = columns.BigInt(partition_key=True)
    edit_id = columns.TimeUUID(primary_key=True, clustering_order="ASC")
    edited_at = columns.DateTime()
    editor_id = columns.BigInt()
    content = columns.Text()


CQL_MODELS: tuple[type[Model], ...] = (
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


def column_names(model: type[Model]) -> tuple[str, ...]:
    """A table's columns in declaration order (partition key, clustering key, the rest)."""
    return tuple(model._columns)
