"""Typed errors of the message repository, each mapping to one 4xx answer.

Store outages are not here: they are ``messaging.scylla.MessageStoreUnavailable``
(503). These are the caller's mistakes, raised before anything is written.
"""

from __future__ import annotations

from uuid import UUID


class MessageRepositoryError(Exception):
    """Base class of the repository's input errors."""


class InvalidMessageInput(MessageRepositoryError, ValueError):
    """A field's value is not acceptable (400): ``field`` names it, ``message`` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class MessageNotFound(MessageRepositoryError, LookupError):
    """No such message in this channel (404), including an id from another channel."""

    def __init__(self, channel_id: UUID, message_id: int) -> None:
        super().__init__(f"message {message_id} does not exist in channel {channel_id}")
        self.channel_id = channel_id
        self.message_id = message_id


class MessageDeleted(MessageNotFound):
    """The message was soft-deleted; it cannot be edited, reacted to or pinned (404)."""


class TelegramMappingConflict(MessageRepositoryError):
    """This Telegram message is already mirrored into another channel (409)."""

    def __init__(self, telegram_message_id: int, telegram_chat_id: int, channel_id: UUID) -> None:
        super().__init__(
            f"Telegram message {telegram_message_id} of chat {telegram_chat_id} "
            f"is already stored in channel {channel_id}"
        )
        self.channel_id = channel_id
