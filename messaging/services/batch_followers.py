"""The PostgreSQL and Redis followers of stored messages (``messages_store``), one batch at a time.

``messaging.services.followers.after_send`` indexes one message per
transaction and moves the sender's read position: right for a message
someone just typed, too slow for an export of 100,000 (and nobody "read" an
imported message). A batch is indexed here with one insert and one vector
update inside the chat's ledger lock, every participant's unread count
grows by the batch's new rows in one UPDATE, and the chat moves up the chat
list. Like every follower it is best-effort after the CQL write: a failure
is logged with the repair commands, the messages stay stored, and a
re-import (which finds them as duplicates) indexes whatever is still missing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from django.contrib.postgres.search import SearchVector
from django.db import DatabaseError
from django.db.models import F
from django.utils import timezone

from messaging.conf import search_config
from messaging.metrics import FOLLOWER_FAILURES
from messaging.models import Chat, Participant, SearchEntry
from messaging.repository.data import StoredMessage
from messaging.selectors.counters import chat_message_counter
from messaging.services.followers import REPAIR_HINT
from messaging.services.ledger import chat_ledger
from messaging.services.search_index import indexable_text
from messaging.services.unread import unread_per_participant
from presence.store import REDIS_DOWN

logger = logging.getLogger(__name__)


def after_store(chat_id: uuid.UUID, messages: Sequence[StoredMessage]) -> int:
    """Adds the live messages not yet in the search index/ledger; returns how many were added.

    A chat that gained messages rises in everyone's chat list, as after a send.
    """
    live = {m.message_id: m for m in messages if not m.is_deleted}
    if not live:
        return 0
    try:
        with chat_ledger(chat_id):
            present = set(
                SearchEntry.objects.filter(chat_id=chat_id, message_id__in=live).values_list(
                    "message_id", flat=True
                )
            )
            missing = [m for message_id, m in live.items() if message_id not in present]
            if not missing:
                return 0
            SearchEntry.objects.bulk_create(
                [
                    SearchEntry(
                        chat_id=chat_id,
                        message_id=m.message_id,
                        sender_id=m.sender_id or None,  # 0 is the system
                        created_at=m.created_at,
                        content=indexable_text(m.content),
                    )
                    for m in missing
                ],
                ignore_conflicts=True,
            )
            added = [m.message_id for m in missing]
            SearchEntry.objects.filter(chat_id=chat_id, message_id__in=added).update(
                search_vector=SearchVector("content", config=search_config())
            )
            _unread_after_add_many(chat_id, added)
            Chat.objects.filter(pk=chat_id).update(updated_at=timezone.now())
    except DatabaseError as exc:
        FOLLOWER_FAILURES.labels("ledger").inc()
        logger.error(
            "indexing %d stored messages of chat %s failed (%s); " + REPAIR_HINT,
            len(live),
            chat_id,
            exc,
            chat_id,
            chat_id,
        )
        return 0
    try:
        chat_message_counter.incr_many([chat_id], by=len(missing))
    except REDIS_DOWN as exc:
        logger.warning("message counter of chat %s not bumped: %s", chat_id, exc)
    return len(missing)


def _unread_after_add_many(chat_id: uuid.UUID, message_ids: list[int]) -> None:
    """``unread_after_add`` for a batch in one UPDATE: each participant gains the new rows
    by others newer than their read position (a recount of the chat would grow with it)."""
    entries = SearchEntry.objects.filter(chat_id=chat_id, message_id__in=message_ids)
    Participant.objects.filter(chat_id=chat_id).update(
        unread_count=F("unread_count") + unread_per_participant(entries)
    )
