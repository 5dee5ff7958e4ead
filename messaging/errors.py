"""Every typed error of the app, mapped to HTTP answers by ``messaging.api.exceptions``.

A leaf module that the repository, selectors, services, the API and the
Telegram bridge all import, so no layer reaches into another for an error
type. Two families:

- the use cases' errors (``MessagingError``): services and selectors raise
  these instead of DRF exceptions so that they stay usable from management
  commands and the Telegram bridge, where there is no request to answer;
- the repository's input errors (``MessageRepositoryError``): the caller's
  mistakes, raised before anything is written.

Store outages are not here: they are ``messaging.scylla.MessageStoreUnavailable`` (503).
"""

from __future__ import annotations

from uuid import UUID


class MessagingError(Exception):
    """Base class of the use-case errors."""


class NotFound(MessagingError):
    """What a path names does not exist for this caller (answered 404)."""

    default_detail = "Not found."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.default_detail)


class ChatNotFound(NotFound):
    """No such chat, or the caller is not a participant (the two are not told apart)."""


class MessageNotFoundInChat(NotFound):
    default_detail = "No such message in this chat."


class ParticipantNotFound(NotFound):
    default_detail = "This user is not a participant."


class TemplateNotFound(NotFound):
    default_detail = "No such template."


class NotPermitted(MessagingError):
    """The caller is a participant but lacks the role (or ownership) the action needs."""


class AlreadyDone(MessagingError):
    """The request is well formed but the state already has what it asks for (answered 409)."""


class InvalidInput(MessagingError):
    """Input that cannot be acted on, named by field so the API answers 400 per field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


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
