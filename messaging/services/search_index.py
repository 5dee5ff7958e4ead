"""Rows of the full-text search index (``SearchEntry``), one per live message.

Called inside ``chat_ledger`` by the message use cases (add, edit, remove)
and by ``manage.py reindex_search``. The text search configuration is
MESSAGING_SEARCH_CONFIG (default ``english``: stemming, so "pinned" finds
"pin"); the search query must use the same one, and changing it needs a
reindex.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Value

from messaging.conf import search_config
from messaging.models import SearchEntry
from messaging.repository.data import StoredMessage


def indexable_text(content: str) -> str:
    """The text as the index holds it: without NUL, which PostgreSQL text cannot store.

    The API refuses NUL in what it is sent, but CQL text holds it, so a message
    from Telegram or an import may carry one; it must not make indexing fail.
    """
    return content.replace("\x00", "")


def _vector(content: str) -> SearchVector:
    return SearchVector(Value(content), config=search_config())


def _sender(message: StoredMessage) -> int | None:
    return message.sender_id or None  # 0 is the system


def search_entry_add(*, message: StoredMessage) -> bool:
    """Indexes a message; False if it already was (a retried send adds nothing twice).

    One statement (a send's hot path): the unique constraint decides, not a read first.
    """
    content = indexable_text(message.content)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SearchEntry._meta.db_table}"
            " (chat_id, message_id, sender_id, created_at, content, search_vector)"
            " VALUES (%s, %s, %s, %s, %s, to_tsvector(%s::regconfig, %s))"
            " ON CONFLICT (chat_id, message_id) DO NOTHING RETURNING 1",
            [
                message.channel_id,
                message.message_id,
                _sender(message),
                message.created_at,
                content,
                search_config(),
                content,
            ],
        )
        return cursor.fetchone() is not None


def search_entry_update(*, chat_id: uuid.UUID, message_id: int, content: str) -> int:
    """New text for an indexed message; returns the number of rows changed (0 or 1)."""
    content = indexable_text(content)
    return SearchEntry.objects.filter(chat_id=chat_id, message_id=message_id).update(
        content=content, search_vector=_vector(content)
    )


def search_entry_remove(*, chat_id: uuid.UUID, message_id: int) -> SearchEntry | None:
    """Drops a message's row; returns it (its sender matters to unread counts) or None."""
    entry = SearchEntry.objects.filter(chat_id=chat_id, message_id=message_id).first()
    if entry is not None:
        entry.delete()
    return entry
