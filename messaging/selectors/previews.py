"""What a page of chats shows besides the chat rows: last message and message count.

The last message of each chat comes from the CQL ``channel_metadata``
(one ``IN`` query for the page), its text from the PostgreSQL ledger (one
query for the page) and its sender's profile from the profile cache. A last message without a ledger
row is read from CQL: it was deleted (and shows so), or its follower has not
run yet (a failure the outbox is healing), and then it shows as it is. The
message counts come from Redis counters. When the message store is disabled
or down, chats are still listed, without last messages.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from messaging.models import Chat, SearchEntry
from messaging.repository.data import StoredMessage
from messaging.scylla.errors import MessageStoreError
from messaging.selectors.counters import chat_message_counts
from messaging.selectors.messages import profiles_for
from messaging.selectors.users import UserProfile
from messaging.stores import message_repo

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Indexed:
    """A last message's ledger row (sender 0: the system)."""

    sender_id: int
    content: str
    created_at: datetime


@dataclass(frozen=True)
class MessagePreview:
    id: int
    content: str
    sender: UserProfile
    created_at: datetime | None
    deleted: bool


def chat_previews(*, chats: Sequence[Chat]) -> dict[str, Any]:
    """Serializer context for a page of chats: ``last_messages`` and ``message_counts``."""
    chat_ids = [chat.pk for chat in chats]
    if not chat_ids:
        return {"last_messages": {}, "message_counts": {}}
    try:
        metadata = message_repo().get_channel_metadata_many(chat_ids)
    except MessageStoreError as exc:  # chats are PostgreSQL's: list them without previews
        logger.warning("chat list without last messages: %s", exc)
        metadata = {}
    last_ids = {
        chat_id: meta.last_message_id
        for chat_id, meta in metadata.items()
        if meta.last_message_id is not None
    }
    entries: dict[tuple[uuid.UUID, int], _Indexed] = {}
    if last_ids:
        # Two IN lists, not one OR of pairs: Django builds twenty ORed filters in about
        # as much CPU as the rest of the page. The pairs are matched here; plain values,
        # not model instances, and the senders from the profile cache.
        wanted = set(last_ids.items())
        rows = SearchEntry.objects.filter(
            chat_id__in=list(last_ids), message_id__in=list(last_ids.values())
        ).values_list("chat_id", "message_id", "sender_id", "content", "created_at")
        for row_chat, row_message, sender_id, content, created_at in rows:
            if (row_chat, row_message) in wanted:
                entries[(row_chat, row_message)] = _Indexed(sender_id or 0, content, created_at)
    unindexed = {
        chat_id: _unindexed(chat_id, message_id)
        for chat_id, message_id in last_ids.items()
        if (chat_id, message_id) not in entries
    }
    senders = [entry.sender_id for entry in entries.values()] + [
        message.sender_id if message is not None else metadata[chat_id].last_sender_id or 0
        for chat_id, message in unindexed.items()
    ]
    profiles = profiles_for(sorted(set(senders))) if senders else {}
    previews: dict[uuid.UUID, MessagePreview | None] = {}
    for chat_id in chat_ids:
        message_id = last_ids.get(chat_id)
        meta = metadata.get(chat_id)
        if message_id is None or meta is None:
            previews[chat_id] = None
            continue
        found = entries.get((chat_id, message_id))
        if found is None:
            stored = unindexed[chat_id]
            previews[chat_id] = MessagePreview(
                id=message_id,
                content=stored.content if stored is not None and not stored.is_deleted else "",
                sender=profiles[
                    stored.sender_id if stored is not None else meta.last_sender_id or 0
                ],
                created_at=stored.created_at if stored is not None else meta.last_message_at,
                deleted=stored is None or stored.is_deleted,
            )
            continue
        previews[chat_id] = MessagePreview(
            id=message_id,
            content=found.content,
            sender=profiles[found.sender_id],
            created_at=found.created_at,
            deleted=False,
        )
    return {"last_messages": previews, "message_counts": chat_message_counts(chat_ids=chat_ids)}


def _unindexed(chat_id: uuid.UUID, message_id: int) -> StoredMessage | None:
    """A last message the ledger lacks, from CQL; None if it is gone there too."""
    try:
        return message_repo().get_message(chat_id, message_id)
    except MessageStoreError:
        return None
