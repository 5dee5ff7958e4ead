"""Which WellWon chat mirrors which Telegram chat.

The link is ``Chat.telegram_chat_id`` (unique, Bot API form) in PostgreSQL,
and a ``telegram_sync_state`` row in CQL that records how far the import and
the webhook got. ``chat_link`` writes both; ``chat_for_export`` finds or
creates the chat for an exported dialog (``telegram_import --chat auto``).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from messaging.errors import MessagingError
from messaging.models import Chat, ChatType
from messaging.services.chats import chat_create
from messaging.services.telegram_sync import sync_link
from messaging.telegram.export import ExportChat

_NAME_LENGTH = 200


class TelegramLinkError(MessagingError, ValueError):
    """The link asked for contradicts an existing one."""


def chat_link(*, chat: Chat, telegram_chat_id: int) -> Chat:
    """Ties ``chat`` to a Telegram chat; linking it again to the same id is a no-op."""
    if chat.telegram_chat_id not in (None, telegram_chat_id):
        raise TelegramLinkError(
            f"chat {chat.pk} already mirrors Telegram chat {chat.telegram_chat_id}; unlink it first"
        )
    holder = Chat.objects.filter(telegram_chat_id=telegram_chat_id).exclude(pk=chat.pk).first()
    if holder is not None:
        raise TelegramLinkError(
            f"Telegram chat {telegram_chat_id} is already mirrored by chat {holder.pk}"
        )
    if chat.telegram_chat_id is None:
        try:
            with transaction.atomic():
                chat.telegram_chat_id = telegram_chat_id
                chat.save(update_fields=["telegram_chat_id"])
        except IntegrityError:
            chat.telegram_chat_id = None
            raise TelegramLinkError(
                f"Telegram chat {telegram_chat_id} was just linked to another chat"
            ) from None
    sync_link(chat.pk, telegram_chat_id)
    return chat


def chat_unlink(*, chat: Chat) -> None:
    """Stops mirroring: the webhook ignores the Telegram chat from now on; messages stay."""
    chat.telegram_chat_id = None
    chat.save(update_fields=["telegram_chat_id"])


def chat_for_export(*, dialog: ExportChat, owner: Any) -> Chat:
    """The chat linked to this dialog, or a new one owned by ``owner`` and linked to it."""
    existing = Chat.objects.filter(telegram_chat_id=dialog.chat_id).first()
    if existing is not None:
        return existing
    chat = chat_create(
        creator=owner,
        name=(dialog.name or str(dialog.chat_id))[:_NAME_LENGTH],
        type=ChatType.CHANNEL if dialog.is_broadcast else ChatType.GROUP,
    )
    return chat_link(chat=chat, telegram_chat_id=dialog.chat_id)
