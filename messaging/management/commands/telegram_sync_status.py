"""``manage.py telegram_sync_status``: every linked chat and where its Telegram sync stands."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from messaging.management.base import MessagingCommand
from messaging.models import Chat
from messaging.selectors.telegram_sync import telegram_sync_state

_COLUMNS = ("chat", "name", "telegram", "status", "last msg", "last update", "imported", "synced")


class Command(MessagingCommand):
    help = "Lists the Telegram sync state (telegram_sync_state) of every linked chat."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--errors", action="store_true", help="only chats with a last error")

    def perform(self, options: dict[str, Any]) -> None:
        chats = Chat.objects.filter(telegram_chat_id__isnull=False).order_by("name")
        rows = []
        for chat in chats:
            state = telegram_sync_state(chat_id=chat.pk)
            if options["errors"] and not (state and state.last_error):
                continue
            rows.append(
                (
                    str(chat.pk),
                    chat.name[:30],
                    str(chat.telegram_chat_id),
                    (state.status if state else None) or "-",
                    _text(state.last_telegram_message_id if state else None),
                    _text(state.last_update_id if state else None),
                    _text(state.imported_count if state else None),
                    state.last_sync_at.isoformat(timespec="seconds")
                    if state and state.last_sync_at
                    else "-",
                    (state.last_error if state else None) or "",
                )
            )
        if not rows:
            self.stdout.write(
                "No chat is linked to Telegram" + (" with errors." if options["errors"] else ".")
            )
            return
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(_COLUMNS)]
        self.stdout.write("  ".join(c.ljust(w) for c, w in zip(_COLUMNS, widths, strict=True)))
        for row in rows:
            line = "  ".join(v.ljust(w) for v, w in zip(row[:-1], widths, strict=True))
            self.stdout.write(line.rstrip())
            if row[-1]:
                self.stdout.write(self.style.ERROR(f"    last error: {row[-1]}"))


def _text(value: int | None) -> str:
    return "-" if value is None else str(value)
