"""The neutral shape both Telegram sources are parsed into, and the parse errors.

Parsing is pure (no store, no ORM): the export reader and the webhook turn
their JSON into a ``TelegramMessage`` first and write only a fully parsed
message, so a malformed one is never half-written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from messaging.telegram.ids import Peer

# A text entity as stored in the messages' ``entities`` column: the Bot API's
# MessageEntity fields (type, offset and length in UTF-16 code units, plus
# url / user_id / language / custom_emoji_id where the type has one).
Entity = dict[str, Any]
# An attachment description as stored in ``attachments``: type, file_name,
# size, mime_type, duration, width, height, and where the file is (``path`` in
# the export, ``telegram_file_id`` from the Bot API) or why it is not (``note``).
Attachment = dict[str, Any]


class MalformedMessage(ValueError):
    """Input that cannot become a message; the reason names the field."""


class UnsupportedMessage(ValueError):
    """A message Telegram itself could not export (``"type": "unsupported"``): no date, no body."""


@dataclass(frozen=True, slots=True)
class ReactionCount:
    """One reaction on a message: the emoji, how many, and the reactors the source names."""

    emoji: str
    count: int
    reactors: tuple[Peer, ...] = ()


@dataclass(frozen=True, slots=True)
class TelegramMessage:
    """A Telegram message from either source, ready to be stored."""

    chat_id: int  # Bot API form (-100... for supergroups and channels)
    message_id: int
    date: datetime  # UTC
    sender: Peer | None
    text: str
    entities: list[Entity] = field(default_factory=list)
    message_type: str = "text"
    attachments: list[Attachment] = field(default_factory=list)
    reply_to_message_id: int | None = None
    edited_at: datetime | None = None
    reactions: list[ReactionCount] = field(default_factory=list)
    mentioned: list[Peer] = field(default_factory=list)
