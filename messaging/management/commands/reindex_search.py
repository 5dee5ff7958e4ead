"""``manage.py reindex_search [--chat UUID ...]``: rebuild the search index rows from CQL.

Run it after a follower failure was logged (or after changing
MESSAGING_SEARCH_CONFIG), then ``rebuild_unread`` for the same chats.
"""

from __future__ import annotations

import uuid

from messaging.management.base import ChatsCommand
from messaging.services.repair import search_reindex_chat


class Command(ChatsCommand):
    help = "Reconciles the PostgreSQL search index of chats with their messages in CQL."

    def handle_chat(self, chat_id: uuid.UUID) -> str:
        report = search_reindex_chat(chat_id=chat_id)
        return (
            f"{report.seen} messages read, {report.added} added, "
            f"{report.updated} updated, {report.removed} removed"
        )
