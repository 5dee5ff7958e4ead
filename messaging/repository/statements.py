"""Every CQL statement of the hot paths, as text, for one keyspace.

Statements are prepared on first use through ``ScyllaClient.prepare`` (an LRU
shared by the process) and reused; values are always bound, never formatted
in. Table names carry the keyspace because the session has none.

Two choices that keep writes free of tombstones:

* ``messages`` rows are written with ``UPDATE ... SET mentions = mentions + ?``
  rather than ``INSERT``: an ``INSERT`` (or ``SET mentions = ?``) of a
  non-frozen collection first deletes the old collection, which is a range
  tombstone on every message, mentions or not. Appending writes only cells.
* absent optional values are bound as ``UNSET_VALUE``, so the column is not
  written at all (binding ``None`` would write a tombstone).

A new row is written with ``has_reactions = false`` and the first reaction sets
it true, so a page read skips the reaction partitions of messages nobody
reacted to. A send is never written over a row that exists (a retry reads
first, an import claims the Telegram mapping first), so the false never
hides a reaction.
"""

from __future__ import annotations

from messaging import cql_models
from messaging.cql_models import column_names

# Column lists come from the cqlengine models, the one declaration of the tables'
# columns (checked against the migration files and the live keyspace by
# ``scylla_check``). The decoders unpack rows in this order;
# tests/messaging/test_repository_columns.py holds every statement, decoder and
# data class to the models.
MESSAGE_COLUMNS = column_names(cql_models.Message)
SYNC_COLUMNS = column_names(cql_models.TelegramSyncState)
METADATA_COLUMNS = column_names(cql_models.ChannelMetadata)


class Statements:
    """The statement texts for ``keyspace``; attributes name what each does."""

    def __init__(self, keyspace: str) -> None:
        ks = keyspace
        cols = ", ".join(MESSAGE_COLUMNS)
        in_bucket = f"FROM {ks}.messages WHERE channel_id = ? AND bucket = ?"

        # messages
        self.write_message = (
            f"UPDATE {ks}.messages SET sender_id = ?, content = ?, message_type = ?, source = ?,"
            " reply_to_id = ?, attachments = ?, mentions = mentions + ?, entities = ?,"
            " created_at = ?, edited_at = ?, telegram_message_id = ?, telegram_chat_id = ?,"
            " has_reactions = false WHERE channel_id = ? AND bucket = ? AND message_id = ?"
        )
        self.select_message = f"SELECT {cols} {in_bucket} AND message_id = ?"
        self.select_messages_in = f"SELECT {cols} {in_bucket} AND message_id IN ?"
        self.select_older = f"SELECT {cols} {in_bucket} AND message_id < ? LIMIT ?"
        self.select_older_or_equal = f"SELECT {cols} {in_bucket} AND message_id <= ? LIMIT ?"
        self.select_newer = (
            f"SELECT {cols} {in_bucket} AND message_id > ? ORDER BY message_id ASC LIMIT ?"
        )
        self.edit_message = (
            f"UPDATE {ks}.messages SET content = ?, entities = ?, edited_at = ?"
            " WHERE channel_id = ? AND bucket = ? AND message_id = ?"
        )
        # Deleting is meant to leave tombstones: the body's columns are removed, not blanked.
        self.delete_message = (
            f"UPDATE {ks}.messages SET content = '', attachments = null, mentions = null,"
            " entities = null, is_deleted = true, deleted_at = ?"
            " WHERE channel_id = ? AND bucket = ? AND message_id = ?"
        )

        # telegram_message_mapping
        self.map_telegram = (
            f"INSERT INTO {ks}.telegram_message_mapping (telegram_message_id, telegram_chat_id,"
            " channel_id, bucket, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?) IF NOT EXISTS"
        )
        self.select_telegram = (
            f"SELECT channel_id, bucket, message_id FROM {ks}.telegram_message_mapping"
            " WHERE telegram_message_id = ? AND telegram_chat_id = ?"
        )

        # channel_metadata
        self.touch_channel = (
            f"UPDATE {ks}.channel_metadata USING TIMESTAMP ? SET"
            " active_buckets = active_buckets + ?, last_message_id = ?, last_message_at = ?,"
            " last_sender_id = ? WHERE channel_id = ?"
        )
        self.select_buckets = (
            f"SELECT active_buckets FROM {ks}.channel_metadata WHERE channel_id = ?"
        )
        metadata_cols = ", ".join(METADATA_COLUMNS)
        self.select_metadata = (
            f"SELECT {metadata_cols} FROM {ks}.channel_metadata WHERE channel_id = ?"
        )
        self.select_metadata_in = (
            f"SELECT {metadata_cols} FROM {ks}.channel_metadata WHERE channel_id IN ?"
        )
        self.update_metadata = (
            f"UPDATE {ks}.channel_metadata SET channel_name = ?, channel_type = ?,"
            " created_at = ?, updated_at = ? WHERE channel_id = ?"
        )

        # reactions
        self.add_reaction = (
            f"INSERT INTO {ks}.message_reactions (channel_id, message_id, user_id, emoji,"
            " created_at) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS"
        )
        self.remove_reaction = (
            f"DELETE FROM {ks}.message_reactions"
            " WHERE channel_id = ? AND message_id = ? AND user_id = ? AND emoji = ? IF EXISTS"
        )
        self.count_reaction = (
            f"UPDATE {ks}.message_reaction_counts SET reaction_count = reaction_count + ?"
            " WHERE channel_id = ? AND message_id = ? AND emoji = ?"
        )
        self.flag_reactions = (
            f"UPDATE {ks}.messages SET has_reactions = true"
            " WHERE channel_id = ? AND bucket = ? AND message_id = ?"
        )
        self.select_reaction_counts = (
            f"SELECT message_id, emoji, reaction_count FROM {ks}.message_reaction_counts"
            " WHERE channel_id = ? AND message_id IN ?"
        )
        self.select_my_reactions = (
            f"SELECT message_id, emoji FROM {ks}.message_reactions"
            " WHERE channel_id = ? AND message_id IN ? AND user_id = ?"
        )

        # pinned_messages
        self.pin = (
            f"INSERT INTO {ks}.pinned_messages (channel_id, message_id, bucket, pinned_by,"
            " pinned_at) VALUES (?, ?, ?, ?, ?)"
        )
        self.select_pin = (
            f"SELECT message_id FROM {ks}.pinned_messages WHERE channel_id = ? AND message_id = ?"
        )
        self.unpin = f"DELETE FROM {ks}.pinned_messages WHERE channel_id = ? AND message_id = ?"
        self.select_pins = (
            f"SELECT message_id, bucket, pinned_by, pinned_at FROM {ks}.pinned_messages"
            " WHERE channel_id = ? LIMIT ?"
        )

        # message_read_positions
        self.set_read_position = (
            f"UPDATE {ks}.message_read_positions USING TIMESTAMP ?"
            " SET last_read_message_id = ?, updated_at = ? WHERE channel_id = ? AND user_id = ?"
        )
        self.select_read_position = (
            f"SELECT last_read_message_id FROM {ks}.message_read_positions"
            " WHERE channel_id = ? AND user_id = ?"
        )

        # telegram_sync_state
        sync_cols = ", ".join(SYNC_COLUMNS)
        self.select_sync = f"SELECT {sync_cols} FROM {ks}.telegram_sync_state WHERE channel_id = ?"
        self.select_sync_by_chat = (
            f"SELECT {sync_cols} FROM {ks}.telegram_sync_state WHERE telegram_chat_id = ?"
        )
        self.update_sync = (
            f"UPDATE {ks}.telegram_sync_state SET telegram_chat_id = ?,"
            " last_telegram_message_id = ?, last_update_id = ?, last_sync_at = ?, status = ?,"
            " last_error = ?, imported_count = ? WHERE channel_id = ?"
        )

    def names(self) -> dict[str, str]:
        """Each statement's text -> its attribute name, the name its latency series carries."""
        return {text: name for name, text in vars(self).items()}
