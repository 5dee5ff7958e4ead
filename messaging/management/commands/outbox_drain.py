"""``manage.py outbox_drain [--forever]``: heal the follower tasks that are due.

The server processes drain the outbox themselves (``messaging.outbox_worker``);
this is for deployments that turn their drainer off
(MESSAGING_OUTBOX_DRAIN_INTERVAL=0) and run it from cron or as a sidecar, and
for an operator who wants to see what is pending.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from messaging.conf import OutboxSettings
from messaging.services.outbox import outbox_drain


class Command(BaseCommand):
    help = "Redoes the PostgreSQL follow-ups (search index, unread, ordering) that failed."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--forever", action="store_true", help="keep draining every drain interval"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = OutboxSettings.from_django().retry_base
        while True:
            report = outbox_drain()
            self.stdout.write(
                f"healed {report.healed}, dropped {report.dropped}, "
                f"waiting {report.waiting}, failed {report.failed}"
            )
            if not options["forever"]:
                return
            time.sleep(interval)
