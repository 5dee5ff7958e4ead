"""Input checks: each raises ``InvalidMessageInput`` naming the field, before any write.

The repository cannot know whether a channel exists (chats live in
PostgreSQL); the API checks that. Everything it can know about a value is
checked here, so a bad request is a 400 and never a driver error (a 500).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from uuid import UUID

from messaging.errors import InvalidMessageInput
from messaging.repository.data import (
    MAX_CONTENT_LENGTH,
    MAX_PAGE_LIMIT,
    MESSAGE_SOURCES,
    MessageData,
)
from messaging.scylla.snowflake import MAX_SNOWFLAKE, MIN_SNOWFLAKE, MIN_TIME

MAX_BIGINT = (1 << 63) - 1
MAX_EMOJI_LENGTH = 64
MAX_IDS_PER_CALL = 500
# How far ahead of this server's clock a message time may be (other hosts' clocks).
MAX_FUTURE_SKEW = timedelta(minutes=1)
_MESSAGE_TYPE = re.compile(r"[a-z][a-z0-9_]{0,31}")


def check_channel_id(value: Any) -> UUID:
    if not isinstance(value, UUID):
        raise InvalidMessageInput("channel_id", "must be a UUID")
    return value


def check_message_id(value: Any, field: str = "message_id") -> int:
    valid = isinstance(value, int) and not isinstance(value, bool)
    if not valid or not MIN_SNOWFLAKE <= value <= MAX_SNOWFLAKE:
        raise InvalidMessageInput(field, "must be a message id (a 64-bit integer since 1970)")
    return cast(int, value)


def check_message_ids(values: Iterable[Any], field: str = "message_ids") -> list[int]:
    ids = list(dict.fromkeys(check_message_id(v, field) for v in values))
    if len(ids) > MAX_IDS_PER_CALL:
        raise InvalidMessageInput(field, f"at most {MAX_IDS_PER_CALL} ids per call")
    return ids


def check_user_id(value: Any, field: str = "user_id") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_BIGINT:
        raise InvalidMessageInput(field, "must be a non-negative 64-bit integer")
    return cast(int, value)


def check_optional_bigint(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_BIGINT:
        raise InvalidMessageInput(field, "must be a 64-bit integer")
    return cast(int, value)


def check_limit(limit: Any) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_LIMIT:
        raise InvalidMessageInput("limit", f"must be an integer from 1 to {MAX_PAGE_LIMIT}")
    return cast(int, limit)


def check_content(content: Any) -> str:
    if not isinstance(content, str):
        raise InvalidMessageInput("content", "must be a string")
    if len(content) > MAX_CONTENT_LENGTH:
        raise InvalidMessageInput(
            "content", f"is {len(content)} characters; the maximum is {MAX_CONTENT_LENGTH}"
        )
    return content


def check_time(value: Any, field: str) -> datetime:
    """An aware datetime the Snowflake range holds: from 1970 to a minute from now."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidMessageInput(field, "must be a timezone-aware datetime")
    if value < MIN_TIME:
        raise InvalidMessageInput(field, "must not be before 1970-01-01T00:00:00Z")
    if value > datetime.now(UTC) + MAX_FUTURE_SKEW:
        raise InvalidMessageInput(field, "must not be in the future")
    return value


def check_emoji(emoji: Any) -> str:
    if not isinstance(emoji, str) or not emoji.strip() or len(emoji) > MAX_EMOJI_LENGTH:
        raise InvalidMessageInput("emoji", f"must be 1 to {MAX_EMOJI_LENGTH} characters")
    return emoji


def json_text(value: list[dict[str, Any]] | None, field: str) -> str | None:
    """The JSON text stored for a list of objects; None when there is nothing to store."""
    if value is None or value == []:
        return None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InvalidMessageInput(field, "must be a list of objects")
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise InvalidMessageInput(field, f"is not JSON-serialisable: {exc}") from None


def check_message_data(data: Any) -> MessageData:
    if not isinstance(data, MessageData):
        raise InvalidMessageInput("message", "must be a MessageData")
    check_channel_id(data.channel_id)
    check_content(data.content)
    check_user_id(data.sender_id, "sender_id")
    if not isinstance(data.message_type, str) or not _MESSAGE_TYPE.fullmatch(data.message_type):
        raise InvalidMessageInput("message_type", "must be a lowercase word of 1-32 characters")
    if data.source not in MESSAGE_SOURCES:
        raise InvalidMessageInput("source", f"must be one of {', '.join(sorted(MESSAGE_SOURCES))}")
    if data.reply_to_id is not None:
        check_message_id(data.reply_to_id, "reply_to_id")
    if data.mentions is not None:
        if not isinstance(data.mentions, set | frozenset | list | tuple):
            raise InvalidMessageInput("mentions", "must be a set of user ids")
        for user_id in data.mentions:
            check_user_id(user_id, "mentions")
    check_optional_bigint(data.telegram_message_id, "telegram_message_id")
    check_optional_bigint(data.telegram_chat_id, "telegram_chat_id")
    if (data.telegram_message_id is None) != (data.telegram_chat_id is None):
        raise InvalidMessageInput(
            "telegram_chat_id", "telegram_message_id and telegram_chat_id go together"
        )
    if data.created_at is not None:
        check_time(data.created_at, "created_at")
    if data.message_id is not None:
        check_message_id(data.message_id)
    if data.edited_at is not None:
        check_time(data.edited_at, "edited_at")
    return data
