"""Bringing the PostgreSQL followers back in line with CQL (the repair commands).

``search_reindex_chat`` walks a chat's history in CQL, newest first, one
page at a time, and reconciles the ledger rows of each page's id range
under the chat's ledger lock: missing live messages are added, changed
texts updated, rows of deleted or vanished messages removed. Rows older
than the oldest message in CQL are removed at the end. Messages sent while
the walk runs are newer than its first page and left alone (their own
followers index them). ``unread_rebuild_chat`` then recomputes every
participant's unread count from the repaired ledger.

The walk holds the lock one page at a time, so live sends wait at most one
page's reconciliation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from messaging.metrics import FOLLOWER_REPAIRS
from messaging.models import SearchEntry
from messaging.repository.data import StoredMessage
from messaging.selectors.counters import chat_message_counter
from messaging.services.ledger import chat_ledger
from messaging.services.search_index import (
    indexable_text,
    search_entry_add,
    search_entry_update,
)
from messaging.services.unread import unread_rebuild
from messaging.stores import message_repo

PAGE = 100


@dataclass
class ReindexReport:
    seen: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0


def search_reindex_chat(*, chat_id: uuid.UUID) -> ReindexReport:
    report = ReindexReport()
    repo = message_repo()
    before: int | None = None
    while True:
        page = repo.get_messages(chat_id, limit=PAGE, before_id=before)
        if not page:
            break
        report.seen += len(page)
        _reconcile(chat_id, page, report)
        before = page[-1].message_id
        if len(page) < PAGE:
            break
    with chat_ledger(chat_id):
        stale = SearchEntry.objects.filter(chat_id=chat_id)
        if before is not None:
            stale = stale.filter(message_id__lt=before)
        report.removed += stale.delete()[0]
    chat_message_counter.delete_many([chat_id])
    for kind in ("added", "updated", "removed"):
        FOLLOWER_REPAIRS.labels(f"search_{kind}").inc(getattr(report, kind))
    return report


def _reconcile(chat_id: uuid.UUID, page: list[StoredMessage], report: ReindexReport) -> None:
    newest, oldest = page[0].message_id, page[-1].message_id
    live = {m.message_id: m for m in page if not m.is_deleted}
    with chat_ledger(chat_id):
        indexed = dict(
            SearchEntry.objects.filter(
                chat_id=chat_id, message_id__gte=oldest, message_id__lte=newest
            ).values_list("message_id", "content")
        )
        gone = [message_id for message_id in indexed if message_id not in live]
        if gone:
            report.removed += SearchEntry.objects.filter(
                chat_id=chat_id, message_id__in=gone
            ).delete()[0]
        for message_id, message in live.items():
            if message_id not in indexed:
                report.added += int(search_entry_add(message=message))
            elif indexed[message_id] != indexable_text(message.content):
                report.updated += search_entry_update(
                    chat_id=chat_id, message_id=message_id, content=message.content
                )


def unread_rebuild_chat(*, chat_id: uuid.UUID) -> int:
    """Every participant's unread count from the ledger; returns how many were rewritten."""
    with chat_ledger(chat_id):
        rewritten = unread_rebuild(chat_id=chat_id)
    FOLLOWER_REPAIRS.labels("unread_recounted").inc(rewritten)
    return rewritten
