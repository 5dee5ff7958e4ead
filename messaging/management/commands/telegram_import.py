"""``manage.py telegram_import PATH --chat <uuid|auto>``: a Telegram Desktop export into WellWon.

PATH is the export's ``result.json`` (or the folder holding it): "Export chat
history" of one chat, or "Export Telegram data" of a whole account (every
dialog of ``chats`` and ``left_chats``). ``--chat auto`` finds or creates one
WellWon chat per Telegram chat; ``--chat <uuid>`` imports into that chat (an
account export: only the dialog that chat is linked to).

Running it again is safe: already stored messages count as duplicates; a run
that stopped continues where the chat's sync state says it stopped.
"""

from __future__ import annotations

import sys
import time
import uuid
from argparse import ArgumentParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import reset_queries
from tqdm import tqdm

from messaging.management.base import MessagingCommand
from messaging.telegram.export import CountingReader
from messaging.telegram.importer import (
    ABORT,
    MAX_EXAMPLES,
    SKIP,
    ExportImporter,
    Failure,
    ImportOptions,
    ImportSummary,
)

AUTO = "auto"


class Command(MessagingCommand):
    help = "Imports a Telegram Desktop JSON export (result.json) into the message store."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="result.json of the export, or its folder")
        parser.add_argument(
            "--chat",
            required=True,
            help='the WellWon chat id (UUID), or "auto": one chat per Telegram chat',
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--on-error",
            choices=(SKIP, ABORT),
            default=SKIP,
            help="a malformed message is reported and skipped (default) or stops the import",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="messages per write")
        parser.add_argument("--concurrency", type=int, default=64, help="writes in flight")
        parser.add_argument(
            "--export-timezone",
            default="UTC",
            help="the exporting machine's timezone, for old exports without date_unixtime",
        )
        parser.add_argument(
            "--owner", help='username owning chats made by "--chat auto" (default: the bridge)'
        )

    def perform(self, options: dict[str, Any]) -> None:
        path = _export_file(Path(options["path"]))
        import_options = ImportOptions(
            chat=_chat_option(options["chat"]),
            on_error=options["on_error"],
            batch_size=_positive(options["batch_size"], "--batch-size"),
            concurrency=_positive(options["concurrency"], "--concurrency"),
            local_tz=_timezone(options["export_timezone"]),
            owner=_owner(options["owner"]),
        )
        started = time.monotonic()
        with path.open("rb") as stream:
            reader = CountingReader(stream)
            show_bar = not options["no_progress"] and self.stderr.isatty()
            bar = tqdm(
                total=path.stat().st_size,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc="telegram import",
                file=sys.stderr,
                disable=not show_bar,
            )
            printed = 0

            def on_failure(failure: Failure) -> None:
                nonlocal printed
                printed += 1
                line = f"failed: {failure.position}: {failure.reason}"
                if printed > MAX_EXAMPLES:
                    return
                if show_bar:
                    tqdm.write(line, file=sys.stderr)
                else:
                    self.stderr.write(line)

            def on_batch(summary: ImportSummary) -> None:
                # With DEBUG on, Django keeps the last 9000 SQL statements (some of them
                # 500-row inserts): memory would grow with the file for no one's benefit.
                reset_queries()
                bar.update(reader.bytes_read - bar.n)
                elapsed = max(time.monotonic() - started, 1e-9)
                bar.set_postfix(
                    imported=summary.imported,
                    duplicates=summary.duplicates,
                    failed=summary.failed,
                    msg_s=f"{summary.processed / elapsed:.0f}",
                    refresh=False,
                )

            importer = ExportImporter(import_options, on_failure=on_failure, on_batch=on_batch)
            try:
                summary = importer.run(reader)
            finally:
                bar.update(reader.bytes_read - bar.n)
                bar.close()
        self._report(summary, time.monotonic() - started)

    def _report(self, summary: ImportSummary, elapsed: float) -> None:
        rate = summary.processed / elapsed if elapsed > 0 else 0.0
        self.stdout.write(
            f"{summary.imported} imported, {summary.duplicates} duplicates skipped, "
            f"{summary.failed} failed, in {elapsed:.1f} s ({rate:.0f} messages/s)."
        )
        for chat in summary.chats:
            span = ""
            if chat.first_at and chat.last_at:
                span = f", {chat.first_at:%Y-%m-%d %H:%M:%S}Z .. {chat.last_at:%Y-%m-%d %H:%M:%S}Z"
            resumed = (
                f", resumed after Telegram message {chat.resumed_after} "
                f"({chat.already_imported} passed over)"
                if chat.resumed_after is not None
                else ""
            )
            unsupported = f", {chat.unsupported} unsupported" if chat.unsupported else ""
            self.stdout.write(
                f"  {chat.name!r} (Telegram {chat.telegram_chat_id}) -> chat {chat.chat_id}: "
                f"{chat.imported} imported, {chat.duplicates} duplicates, {chat.failed} failed"
                f"{unsupported}{resumed}{span}"
            )
        if summary.not_selected:
            self.stdout.write(f"  {summary.not_selected} messages of other chats passed over.")
        if summary.reasons:
            self.stdout.write("Failures by reason:")
            for reason, count in summary.reasons.most_common():
                self.stdout.write(f"  {count:>7}  {reason}")
        if summary.aborted is not None:
            raise CommandError(
                f"import stopped at {summary.aborted.position}: {summary.aborted.reason} "
                "(fix it and run the same command again: it continues from there)"
            )
        if not summary.chats:
            raise CommandError("nothing imported: no dialog of the export went to the chat")
        self.stdout.write(self.style.SUCCESS("Import finished."))


def _export_file(path: Path) -> Path:
    if path.is_dir():
        path = path / "result.json"
    if not path.is_file():
        raise CommandError(f"no export file at {path}")
    return path


def _chat_option(value: str) -> uuid.UUID | None:
    if value == AUTO:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise CommandError(f'--chat takes a chat id (UUID) or "auto", not {value!r}') from None


def _positive(value: int, name: str) -> int:
    if value < 1:
        raise CommandError(f"{name} must be at least 1")
    return value


def _timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError(f"unknown timezone {name!r}") from None


def _owner(username: str | None) -> Any:
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r}")
    return user
