"""The base of the repair commands: which chats to work on (``--chat``, or all)."""

from __future__ import annotations

import uuid
from argparse import ArgumentParser
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from messaging.models import Chat


class ChatsCommand(BaseCommand):
    """Runs ``handle_chat`` for each chat named by ``--chat`` (repeatable), or every chat."""

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--chat",
            action="append",
            default=[],
            metavar="UUID",
            help="a chat to repair (repeat for several); default: every chat",
        )

    def chat_ids(self, names: list[str]) -> Iterator[uuid.UUID]:
        if not names:
            yield from Chat.objects.order_by("created_at").values_list("pk", flat=True).iterator()
            return
        for name in names:
            try:
                chat_id = uuid.UUID(name)
            except ValueError:
                raise CommandError(f"--chat {name!r} is not a UUID") from None
            if not Chat.objects.filter(pk=chat_id).exists():
                raise CommandError(f"no chat {chat_id}")
            yield chat_id

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for chat_id in self.chat_ids(options["chat"]):
            self.stdout.write(f"{chat_id}: {self.handle_chat(chat_id)}")
            count += 1
        self.stdout.write(self.style.SUCCESS(f"{count} chat(s) done"))

    def handle_chat(self, chat_id: uuid.UUID) -> str:
        raise NotImplementedError
