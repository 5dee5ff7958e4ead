"""Rows to result dataclasses, and ``MessageData`` to bound values.

Kept apart from the statements so that the per-row cost of a page read is
visible in one place: one tuple unpack, one dataclass, two JSON decodes when
the row has attachments or entities.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cassandra.query import UNSET_VALUE

from messaging.repository.data import (
    ChannelMetadata,
    MessageData,
    StoredMessage,
    TelegramSyncState,
    utc,
)
from messaging.repository.validation import check_time, json_text
from messaging.scylla.snowflake import (
    calculate_message_bucket,
    generate_snowflake_id,
    snowflake_to_datetime,
)

_EMPTY: frozenset[int] = frozenset()
_new = object.__new__


def unset_if_none(value: Any) -> Any:
    """The driver's "leave this column alone" for an absent value (None would be a tombstone)."""
    return UNSET_VALUE if value is None else value


def decode_message(row: Any) -> StoredMessage:
    """A ``messages`` row (columns in ``MESSAGE_COLUMNS`` order) as a ``StoredMessage``.

    The hot loop of every page read: the instance is created without its frozen
    ``__init__`` and its dict filled at once (see ``StoredMessage``).
    """
    (
        channel_id,
        bucket,
        message_id,
        sender_id,
        content,
        message_type,
        source,
        reply_to_id,
        attachments,
        mentions,
        entities,
        created_at,
        edited_at,
        is_deleted,
        deleted_at,
        telegram_message_id,
        telegram_chat_id,
        has_reactions,
    ) = row
    message: StoredMessage = _new(StoredMessage)
    message.__dict__.update(
        {
            "channel_id": channel_id,
            "bucket": bucket,
            "message_id": message_id,
            "sender_id": sender_id,
            "content": content or "",
            "message_type": message_type or "text",
            "source": source or "web",
            "reply_to_id": reply_to_id,
            "attachments": json.loads(attachments) if attachments else [],
            "mentions": frozenset(mentions) if mentions else _EMPTY,
            "entities": json.loads(entities) if entities else [],
            "created_at": (
                created_at.replace(tzinfo=UTC) if created_at else snowflake_to_datetime(message_id)
            ),
            "edited_at": edited_at and edited_at.replace(tzinfo=UTC),
            "is_deleted": bool(is_deleted),
            "deleted_at": deleted_at and deleted_at.replace(tzinfo=UTC),
            "telegram_message_id": telegram_message_id,
            "telegram_chat_id": telegram_chat_id,
            "has_reactions": has_reactions,
        }
    )
    return message


def decode_sync_state(row: Any) -> TelegramSyncState:
    return TelegramSyncState(
        channel_id=row[0],
        telegram_chat_id=row[1],
        last_telegram_message_id=row[2],
        last_update_id=row[3],
        last_sync_at=utc(row[4]),
        status=row[5],
        last_error=row[6],
        imported_count=row[7] or 0,
    )


def decode_metadata(row: Any) -> ChannelMetadata:
    return ChannelMetadata(
        channel_id=row[0],
        active_buckets=tuple(sorted(row[1] or ())),
        last_message_id=row[2],
        last_message_at=utc(row[3]),
        last_sender_id=row[4],
        channel_name=row[5],
        channel_type=row[6],
        created_at=utc(row[7]),
        updated_at=utc(row[8]),
    )


@dataclass(slots=True)
class EncodedMessage:
    """A validated ``MessageData`` with its id: what the write statements bind.

    Internal and short-lived (one per message of a bulk insert), so not frozen:
    a frozen ``__init__`` costs a microsecond or two per message for nothing.
    """

    channel_id: UUID
    message_id: int
    bucket: int
    sender_id: int
    created_at: datetime
    telegram_message_id: int | None
    telegram_chat_id: int | None
    row_values: tuple[Any, ...]  # write_message's bound values, in statement order


def encode_message(data: MessageData, message_id: int | None = None) -> EncodedMessage:
    """Mints the id (from ``created_at`` when given) unless ``data`` or the caller has one."""
    if message_id is None:
        message_id = data.message_id
    if message_id is None:
        message_id = generate_snowflake_id(data.created_at)
        created_at = data.created_at or snowflake_to_datetime(message_id)
    else:
        minted_at = check_time(snowflake_to_datetime(message_id), "message_id")
        created_at = data.created_at or minted_at
    bucket = calculate_message_bucket(message_id)
    row_values = (
        data.sender_id,
        data.content,
        data.message_type,
        data.source,
        unset_if_none(data.reply_to_id),
        unset_if_none(json_text(data.attachments, "attachments")),
        set(data.mentions) if data.mentions else UNSET_VALUE,
        unset_if_none(json_text(data.entities, "entities")),
        created_at,
        unset_if_none(data.edited_at),
        unset_if_none(data.telegram_message_id),
        unset_if_none(data.telegram_chat_id),
        data.channel_id,
        bucket,
        message_id,
    )
    return EncodedMessage(
        channel_id=data.channel_id,
        message_id=message_id,
        bucket=bucket,
        sender_id=data.sender_id,
        created_at=created_at,
        telegram_message_id=data.telegram_message_id,
        telegram_chat_id=data.telegram_chat_id,
        row_values=row_values,
    )
