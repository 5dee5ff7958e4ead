"""What goes into the repository (``MessageData``) and what comes out of it.

Results are frozen dataclasses with tz-aware UTC datetimes: the driver hands
back naive datetimes that mean UTC, and JSON text columns (attachments,
entities) are decoded here once, so callers never see CQL's representation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

MAX_CONTENT_LENGTH = 4096  # characters of a message's text: any Telegram text fits
MAX_PAGE_LIMIT = 100
MESSAGE_SOURCES = frozenset({"web", "api", "telegram", "import"})
SYNC_STATUSES = frozenset({"idle", "importing", "live", "failed"})


@dataclass
class MessageData:
    """A message to store. ``created_at=None`` means now; the id is minted from it."""

    channel_id: UUID
    content: str
    sender_id: int  # 0 is the system
    message_type: str = "text"
    source: str = "web"  # web, api, telegram, import
    reply_to_id: int | None = None
    attachments: list[dict[str, Any]] | None = None
    mentions: set[int] | None = None
    entities: list[dict[str, Any]] | None = None
    telegram_message_id: int | None = None
    telegram_chat_id: int | None = None
    created_at: datetime | None = None
    message_id: int | None = None  # pre-assigned id: a retry writes the same row again
    edited_at: datetime | None = None  # edited before it reached us (Telegram history)


@dataclass(frozen=True)
class StoredMessage:
    """One row of ``messages``, decoded.

    No ``__slots__``: reading a page builds 50 of these, and without slots
    ``codec.decode_message`` can fill the instance dict in one step instead of
    the frozen ``__init__``'s 18 ``object.__setattr__`` calls (3x faster).
    """

    channel_id: UUID
    bucket: int
    message_id: int
    sender_id: int
    content: str
    message_type: str
    source: str
    reply_to_id: int | None
    attachments: list[dict[str, Any]]
    mentions: frozenset[int]
    entities: list[dict[str, Any]]
    created_at: datetime
    edited_at: datetime | None
    is_deleted: bool
    deleted_at: datetime | None
    telegram_message_id: int | None
    telegram_chat_id: int | None
    # False: nobody ever reacted; True: reacted to once at least; None: unknown (a row
    # written before schema migration 003).
    has_reactions: bool | None = None

    @property
    def may_have_reactions(self) -> bool:
        """Whether a reaction read can find anything (False only when known to be empty)."""
        return self.has_reactions is not False

    @classmethod
    def as_written(cls, data: MessageData, message_id: int) -> StoredMessage:
        """The row an insert of ``data`` just wrote, for the followers of a send or an
        import, without reading it back (a LOCAL_ONE read may not see it yet)."""
        from messaging.scylla.snowflake import calculate_message_bucket, snowflake_to_datetime

        return cls(
            channel_id=data.channel_id,
            bucket=calculate_message_bucket(message_id),
            message_id=message_id,
            sender_id=data.sender_id,
            content=data.content,
            message_type=data.message_type,
            source=data.source,
            reply_to_id=data.reply_to_id,
            attachments=list(data.attachments or []),
            mentions=frozenset(data.mentions or ()),
            entities=list(data.entities or []),
            created_at=data.created_at or snowflake_to_datetime(message_id),
            edited_at=data.edited_at,
            is_deleted=False,
            deleted_at=None,
            telegram_message_id=data.telegram_message_id,
            telegram_chat_id=data.telegram_chat_id,
            has_reactions=False,
        )


@dataclass(frozen=True, slots=True)
class ReactionSummary:
    emoji: str
    count: int
    me: bool


@dataclass(frozen=True, slots=True)
class Pin:
    message_id: int
    bucket: int
    pinned_by: int
    pinned_at: datetime


@dataclass(frozen=True, slots=True)
class TelegramSyncState:
    channel_id: UUID
    telegram_chat_id: int | None
    last_telegram_message_id: int | None
    last_update_id: int | None
    last_sync_at: datetime | None
    status: str | None
    last_error: str | None
    imported_count: int


@dataclass(frozen=True, slots=True)
class ChannelMetadata:
    channel_id: UUID
    active_buckets: tuple[int, ...]  # ascending
    last_message_id: int | None
    last_message_at: datetime | None
    last_sender_id: int | None
    channel_name: str | None
    channel_type: str | None
    created_at: datetime | None
    updated_at: datetime | None


def utc(moment: datetime | None) -> datetime | None:
    """A driver datetime (naive, meaning UTC) as an aware one."""
    return None if moment is None else moment.replace(tzinfo=UTC)
