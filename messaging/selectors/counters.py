"""Per-chat message counts: Redis counters in front of the PostgreSQL ledger.

Counting a chat's messages in PostgreSQL is a scan of its ledger rows; the
count is cached in Redis (``presence.counters``), bumped by sends and
deletes after their ledger change commits, and rebuilt for a whole page of
chats with one ``GROUP BY`` when Redis lost it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db.models import Count

from messaging.models import SearchEntry
from presence.counters import CachedCounter


def _count_from_ledger(chat_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = (
        SearchEntry.objects.filter(chat_id__in=chat_ids)
        .order_by()
        .values_list("chat_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


chat_message_counter: CachedCounter[uuid.UUID] = CachedCounter(
    "chat-messages", rebuild=_count_from_ledger
)


def chat_message_counts(*, chat_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Live messages per chat: one Redis round trip (plus one query for what Redis lost)."""
    return chat_message_counter.get_many(chat_ids)
