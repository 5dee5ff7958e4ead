"""Typed errors of the use cases, mapped to HTTP answers by ``messaging.api.exceptions``.

Services and selectors raise these instead of DRF exceptions so that they stay
usable from management commands and the Telegram bridge, where there is no
request to answer.
"""

from __future__ import annotations


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
