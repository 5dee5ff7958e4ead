"""``manage.py rebuild_unread [--chat UUID ...]``: recompute unread counts from the ledger.

The "unread twin" of ``reindex_search`` (run that first: unread counts are
derived from the search index rows).
"""

from __future__ import annotations

import uuid

from messaging.management.base import ChatsCommand
from messaging.services.repair import unread_rebuild_chat


class Command(ChatsCommand):
    help = "Recomputes every participant's unread count of chats from the PostgreSQL ledger."

    def handle_chat(self, chat_id: uuid.UUID) -> str:
        return f"{unread_rebuild_chat(chat_id=chat_id)} participants recounted"
