"""Importing a Telegram Desktop export into the message store (``manage.py telegram_import``).

The export streams by message (``export.iter_export``); each dialog goes to
its linked WellWon chat, in batches written by ``ChatWriter`` with bounded
concurrency. Guarantees:

- idempotent: the mapping table is the dedup key, so a second run of the same
  file stores nothing new (its messages count as duplicates);
- resumable: after each batch the chat's sync state records the last
  Telegram id handled; a run that died or aborted is continued after it;
- nothing half-written: a message is parsed and checked in full before any
  write; a malformed one is reported with its position and skipped, or ends
  the run (``on_error="abort"``) after everything before it was stored.

Memory does not grow with the file: one batch of messages, the failure
examples (capped) and a bounded reply cache are all that is held.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from uuid import UUID

from messaging.errors import MessagingError, TelegramMappingConflict
from messaging.models import Chat
from messaging.selectors.telegram_sync import telegram_sync_state
from messaging.services.telegram_sync import (
    FAILED,
    IDLE,
    IMPORTING,
    LIVE,
    holds_telegram_messages,
    resume_point,
    sync_record,
)
from messaging.telegram.export import ExportChat, ExportRecord, MalformedExport, iter_export
from messaging.telegram.export_parse import parse_export_message
from messaging.telegram.links import chat_for_export, chat_link
from messaging.telegram.metrics import imported_messages
from messaging.telegram.types import MalformedMessage, TelegramMessage, UnsupportedMessage
from messaging.telegram.users import bridge_user
from messaging.telegram.writer import ChatWriter, Prepared, Rejected

SKIP = "skip"
ABORT = "abort"
MAX_EXAMPLES = 50
MAX_REASONS = 50


class ImportRefused(MessagingError):
    """The import cannot start or go on (no such chat, a contradicting link): nothing more runs."""


@dataclass(frozen=True, slots=True)
class Failure:
    position: str
    reason: str


@dataclass(frozen=True)
class ImportOptions:
    chat: UUID | None = None  # None: "--chat auto", one WellWon chat per Telegram chat
    on_error: str = SKIP
    batch_size: int = 500
    concurrency: int = 64
    local_tz: tzinfo = UTC  # for exports older than date_unixtime
    owner: Any = None  # owner of chats created by "auto"; None: the bridge account


@dataclass
class ChatReport:
    chat_id: UUID
    name: str
    telegram_chat_id: int
    resumed_after: int | None = None
    imported: int = 0
    duplicates: int = 0
    failed: int = 0
    already_imported: int = 0  # skipped by the resume point
    unsupported: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None


@dataclass
class ImportSummary:
    chats: list[ChatReport] = field(default_factory=list)
    not_selected: int = 0  # messages of dialogs that are not the chosen chat's
    reasons: Counter[str] = field(default_factory=Counter)
    examples: list[Failure] = field(default_factory=list)
    aborted: Failure | None = None

    @property
    def imported(self) -> int:
        return sum(c.imported for c in self.chats)

    @property
    def duplicates(self) -> int:
        return sum(c.duplicates for c in self.chats)

    @property
    def failed(self) -> int:
        return sum(c.failed for c in self.chats)

    @property
    def processed(self) -> int:
        return sum(c.imported + c.duplicates + c.failed for c in self.chats)

    def add_failure(self, failure: Failure) -> None:
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(failure)
        kind = re.sub(r"\d+", "N", failure.reason)
        if kind in self.reasons or len(self.reasons) < MAX_REASONS:
            self.reasons[kind] += 1
        else:
            self.reasons["other reasons"] += 1


class _Aborted(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


@dataclass
class _ChatRun:
    dialog: ExportChat
    chat: Chat | None  # None: not selected, its messages are passed over
    report: ChatReport | None = None
    writer: ChatWriter | None = None
    previous_status: str | None = None
    imported_total: int = 0
    pending: list[tuple[str, TelegramMessage]] = field(default_factory=list)


class ExportImporter:
    """One import run; ``run`` may be called once."""

    def __init__(
        self,
        options: ImportOptions,
        *,
        on_failure: Callable[[Failure], None] | None = None,
        on_batch: Callable[[ImportSummary], None] | None = None,
    ) -> None:
        if options.on_error not in (SKIP, ABORT):
            raise ImportRefused(f"on_error must be {SKIP!r} or {ABORT!r}")
        if options.batch_size < 1 or options.concurrency < 1:
            raise ImportRefused("batch size and concurrency must be positive")
        self.options = options
        self.summary = ImportSummary()
        self._on_failure = on_failure
        self._on_batch = on_batch
        self._target = self._chosen_chat()
        self._current: _ChatRun | None = None

    def _chosen_chat(self) -> Chat | None:
        if self.options.chat is None:
            return None
        chat = Chat.objects.filter(pk=self.options.chat).first()
        if chat is None:
            raise ImportRefused(f"no chat {self.options.chat}")
        return chat

    # ---------------------------------------------------------------- the run
    def run(self, stream: Any) -> ImportSummary:
        try:
            try:
                self._read(stream)
            except MalformedExport as exc:
                if self._current is not None:
                    self._flush(self._current)  # what was read before the error is stored
                raise _Aborted(Failure("file", str(exc))) from None
        except _Aborted as exc:
            self._stop(exc.failure)
        except TelegramMappingConflict as exc:
            position = self._current.dialog.name if self._current else "file"
            self._stop(Failure(position, str(exc)))
        except BaseException as exc:  # a store outage, an interrupt: remember where it stopped
            self._stop(Failure("run", f"{type(exc).__name__}: {exc}"), record=False)
            raise
        return self.summary

    def _read(self, stream: Any) -> None:
        for record in iter_export(stream):
            run = self._current
            if run is None or record.chat != run.dialog:
                if run is not None:
                    self._finish(run)
                run = self._current = self._start(record.chat)
            self._take(run, record)
        if self._current is not None:
            self._finish(self._current)
            self._current = None

    def _stop(self, failure: Failure, *, record: bool = True) -> None:
        """Marks the chat being imported as failed; ``record``: the summary names the cause."""
        if record:
            self.summary.aborted = failure
        run = self._current
        if run is None or run.chat is None:
            return
        try:
            sync_record(run.chat.pk, status=FAILED, error=f"{failure.position}: {failure.reason}")
        except Exception:
            if record:  # otherwise the error that stopped the run is the one to report
                raise

    def _start(self, dialog: ExportChat) -> _ChatRun:
        chat = self._chat_for(dialog)
        run = _ChatRun(dialog, chat)
        if chat is None:
            return run
        state = telegram_sync_state(chat_id=chat.pk)
        if state is None or state.telegram_chat_id != dialog.chat_id:
            chat_link(chat=chat, telegram_chat_id=dialog.chat_id)
        run.previous_status = state.status if state else None
        run.imported_total = state.imported_count if state else 0
        run.report = ChatReport(chat.pk, dialog.name, dialog.chat_id, resume_point(state))
        run.writer = ChatWriter(
            chat,
            concurrency=self.options.concurrency,
            fresh=not holds_telegram_messages(state),
        )
        self.summary.chats.append(run.report)
        sync_record(chat.pk, status=IMPORTING, error="")
        return run

    def _chat_for(self, dialog: ExportChat) -> Chat | None:
        """The chat this dialog goes to, or None when ``--chat`` names another one."""
        chat = self._target
        if chat is None:
            owner = self.options.owner or bridge_user()
            return chat_for_export(dialog=dialog, owner=owner)
        if chat.telegram_chat_id == dialog.chat_id:
            return chat
        if dialog.in_account_export:
            if chat.telegram_chat_id is None:
                raise ImportRefused(
                    f"chat {chat.pk} is not linked to a Telegram chat, and this export holds "
                    "several: link it first (manage.py telegram_link) or use --chat auto"
                )
            return None
        if chat.telegram_chat_id is not None:
            raise ImportRefused(
                f"chat {chat.pk} mirrors Telegram chat {chat.telegram_chat_id}, "
                f"but this export is of chat {dialog.chat_id} ({dialog.name!r})"
            )
        return chat_link(chat=chat, telegram_chat_id=dialog.chat_id)

    def _take(self, run: _ChatRun, record: ExportRecord) -> None:
        report = run.report
        if report is None:
            self.summary.not_selected += 1
            return
        raw_id = record.raw.get("id") if isinstance(record.raw, dict) else None
        resume = report.resumed_after
        if resume is not None and isinstance(raw_id, int) and 0 < raw_id <= resume:
            report.already_imported += 1
            return
        try:
            message = parse_export_message(
                record.raw, chat_id=run.dialog.chat_id, local_tz=self.options.local_tz
            )
        except UnsupportedMessage:
            report.unsupported += 1
            return
        except MalformedMessage as exc:
            self._flush(run)  # everything before it is stored first
            self._fail(run, Failure(record.position, str(exc)))
            return
        run.pending.append((record.position, message))
        if len(run.pending) >= self.options.batch_size:
            self._flush(run)

    def _fail(self, run: _ChatRun, failure: Failure) -> None:
        if run.report is not None:
            run.report.failed += 1
        imported_messages.labels("failed").inc()
        self.summary.add_failure(failure)
        if self._on_failure is not None:
            self._on_failure(failure)
        if self.options.on_error == ABORT:
            raise _Aborted(failure)

    def _flush(self, run: _ChatRun) -> None:
        pending, run.pending = run.pending, []
        if not pending or run.writer is None or run.report is None or run.chat is None:
            return
        results = run.writer.prepare([message for _, message in pending])
        accepted: list[Prepared] = []
        aborted: _Aborted | None = None
        handled = pending[-1][1].message_id
        for (position, _), result in zip(pending, results, strict=True):
            if isinstance(result, Rejected):
                try:
                    self._fail(run, Failure(position, result.reason))
                except _Aborted as exc:
                    aborted = exc
                    handled = accepted[-1].message.message_id if accepted else 0
                    break
            else:
                accepted.append(result)
        report = run.report
        for item in run.writer.write(accepted):
            if item.created:
                report.imported += 1
                run.imported_total += 1
            else:
                report.duplicates += 1
            imported_messages.labels("imported" if item.created else "duplicate").inc()
            moment = item.message.date
            report.first_at = min(report.first_at or moment, moment)
            report.last_at = max(report.last_at or moment, moment)
        sync_record(
            run.chat.pk,
            last_telegram_message_id=handled or None,
            imported_count=run.imported_total,
        )
        if self._on_batch is not None:
            self._on_batch(self.summary)
        if aborted is not None:
            raise aborted

    def _finish(self, run: _ChatRun) -> None:
        self._flush(run)
        if run.chat is not None:
            status = LIVE if run.previous_status == LIVE else IDLE
            sync_record(run.chat.pk, status=status, error="")
