"""``manage.py telegram_link CHAT TELEGRAM_CHAT_ID``: a WellWon chat mirrors a Telegram chat.

The Telegram id is the Bot API's (``-1001234567890`` for a supergroup or
channel, ``-123`` for a basic group, the user id for a private chat); an id
copied from an export (``"id": 1234567890``) is converted when its export
``--type`` is given. ``--unlink`` stops the mirroring (the messages stay).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from messaging.management.base import MessagingCommand, chat_by_id
from messaging.telegram.ids import EXPORT_CHAT_KINDS, export_chat_id
from messaging.telegram.links import chat_link, chat_unlink
from messaging.telegram.types import MalformedMessage


class Command(MessagingCommand):
    help = "Ties a WellWon chat to a Telegram chat id (webhook and imports go to it)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("chat", help="the WellWon chat's id (UUID)")
        parser.add_argument(
            "telegram_chat_id",
            nargs="?",
            type=int,
            help="Bot API chat id (-100... for supergroups and channels)",
        )
        parser.add_argument(
            "--type",
            choices=sorted(EXPORT_CHAT_KINDS),
            help="the id is an export's bare id of this dialog type: convert it",
        )
        parser.add_argument("--unlink", action="store_true", help="stop mirroring")

    def perform(self, options: dict[str, Any]) -> None:
        chat = chat_by_id(options["chat"])
        if options["unlink"]:
            chat_unlink(chat=chat)
            self.stdout.write(f"Chat {chat.pk} no longer mirrors a Telegram chat.")
            return
        telegram_id = options["telegram_chat_id"]
        if telegram_id is None:
            raise CommandError("give the Telegram chat id, or --unlink")
        if options["type"]:
            try:
                telegram_id = export_chat_id(options["type"], telegram_id)
            except MalformedMessage as exc:
                raise CommandError(str(exc)) from None
        chat_link(chat=chat, telegram_chat_id=telegram_id)
        self.stdout.write(f"Chat {chat.pk} ({chat.name}) mirrors Telegram chat {telegram_id}.")
