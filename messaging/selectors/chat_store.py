"""What the CQL store holds for one chat, as staff see it in the admin.

Read through the repository, like every other read (the cqlengine models
would send unprepared statements and know nothing of buckets): the newest
messages paged by id with their reactions, the chat's pins and its Telegram
sync state. No participant check: the admin site lets only staff in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from messaging.repository.data import Pin, ReactionSummary, StoredMessage, TelegramSyncState
from messaging.stores import message_repo

ADMIN_PAGE_SIZE = 50


@dataclass(frozen=True)
class StoredMessageRow:
    message: StoredMessage
    reactions: list[ReactionSummary]
    pinned: bool


@dataclass(frozen=True)
class ChatStorePage:
    messages: list[StoredMessageRow]  # newest first
    older_than: int | None  # the next page's ``before`` id; None: this is the oldest page
    pins: list[Pin]
    sync_state: TelegramSyncState | None


def chat_store_page(
    *, chat_id: uuid.UUID, before_id: int | None = None, limit: int = ADMIN_PAGE_SIZE
) -> ChatStorePage:
    """One page of a chat's stored messages (deleted ones included), newest first."""
    repo = message_repo()
    messages = repo.get_messages(chat_id, limit=limit, before_id=before_id)
    with_reactions = [m.message_id for m in messages if m.may_have_reactions]
    reactions = repo.get_reactions(chat_id, with_reactions) if with_reactions else {}
    pins = repo.get_pinned_messages(chat_id)
    pinned = {pin.message_id for pin in pins}
    return ChatStorePage(
        messages=[
            StoredMessageRow(m, reactions.get(m.message_id, []), m.message_id in pinned)
            for m in messages
        ],
        older_than=messages[-1].message_id if len(messages) == limit else None,
        pins=pins,
        sync_state=repo.get_telegram_sync_state(chat_id),
    )
