"""What the ``telegram_*`` management commands share: expected errors become one clear line.

A store that is down, a link that contradicts another, a chat that does not
exist: each is a ``CommandError`` (one line on stderr, exit status 1). Anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from messaging.models import Chat
from messaging.repository import MessageRepositoryError
from messaging.scylla import MessageStoreError
from messaging.telegram.importer import ImportRefused
from messaging.telegram.links import TelegramLinkError

EXPECTED_ERRORS = (MessageStoreError, MessageRepositoryError, TelegramLinkError, ImportRefused)


class TelegramCommand(BaseCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.perform(options)
        except EXPECTED_ERRORS as exc:
            raise CommandError(str(exc)) from exc

    def perform(self, options: dict[str, Any]) -> None:
        raise NotImplementedError


def chat_by_id(value: str) -> Chat:
    try:
        chat_id = uuid.UUID(value)
    except ValueError:
        raise CommandError(f"not a chat id (a UUID): {value!r}") from None
    chat = Chat.objects.filter(pk=chat_id).first()
    if chat is None:
        raise CommandError(f"no chat {chat_id}")
    return chat
