"""``manage.py prune_idempotency_keys [--older-than-hours 24]``: forget old send keys.

Every ``POST`` with an ``Idempotency-Key`` leaves a row; run this from cron
(hourly is plenty) so the table holds about a day of posts, not all of them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import CommandError, CommandParser

from messaging.errors import InvalidInput
from messaging.management.base import MessagingCommand
from messaging.services.messages import idempotency_keys_prune


class Command(MessagingCommand):
    help = "Deletes Idempotency-Key records older than the retry window."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=24.0,
            help="keys older than this are forgotten (default 24)",
        )

    def perform(self, options: dict[str, Any]) -> None:
        try:
            deleted = idempotency_keys_prune(
                older_than=timedelta(hours=options["older_than_hours"])
            )
        except InvalidInput as exc:
            raise CommandError(f"--older-than-hours {exc.message}") from None
        self.stdout.write(f"{deleted} idempotency key(s) older than the window deleted.")
