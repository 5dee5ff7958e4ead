"""The full-text search index: one row per live message, a follower of the CQL store.

The CQL store is the source of truth for message bodies; this table copies
each message's text into PostgreSQL so ``tsvector`` search (GIN index) and
ranking can run where the chats and their participants are. It doubles as the
per-chat ledger of live messages that unread counts are computed from
(messages by others newer than a read position): a delete removes the row.
``manage.py reindex_search`` rebuilds it from CQL after a follower failure.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from messaging.models.chats import Chat


class SearchEntry(models.Model):
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="search_entries")
    message_id = models.BigIntegerField()
    # No database constraint: a sender may be an account that is gone, or a Telegram
    # user without one; the index must still take the message. Null = the system.
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField()
    content = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True, blank=True)

    class Meta:
        verbose_name = "search index entry"
        verbose_name_plural = "search index"
        constraints = [
            models.UniqueConstraint(fields=["chat", "message_id"], name="search_unique_message")
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="search_vector_gin"),
            # Unread counting: "messages in this chat newer than X not sent by me".
            models.Index(fields=["chat", "message_id", "sender"], name="search_chat_message_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.chat_id}/{self.message_id}"
