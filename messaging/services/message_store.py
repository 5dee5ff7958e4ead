"""Storing messages written elsewhere first (a Telegram export, a webhook delivery).

``message_send`` is someone typing in WellWon: role checks, an
``Idempotency-Key``, one row, the sender's read position. ``messages_store``
takes a batch of checked ``MessageData`` whose ids, times, senders and
Telegram ids the caller already settled, and:

1. inserts them in bulk with bounded concurrency; the repository claims each
   (Telegram message id, chat id) in the mapping table first, so a message
   stored before (an earlier run, the webhook) keeps its id and is not
   stored twice;
2. gives a message stored before a newer edit through ``message_edit_apply``
   (history row, new text and formatting, search), the one edit write;
3. runs the batch followers (search index, unread counts, the chat's place
   in the chat list) for new messages and duplicates alike, so an
   interrupted run is completed by the next.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from messaging import events
from messaging.errors import InvalidMessageInput, MessageNotFound
from messaging.repository.base import DEFAULT_CONCURRENCY
from messaging.repository.data import MessageData, StoredMessage
from messaging.repository.validation import MAX_FUTURE_SKEW, check_message_data
from messaging.scylla.snowflake import MIN_TIME, generate_snowflake_id
from messaging.selectors.messages import messages_by_ids
from messaging.services.batch_followers import after_store
from messaging.services.messages import edit_is_newer, message_edit_apply
from messaging.stores import message_repo

__all__ = [
    "MessageData",
    "StoreResult",
    "message_data_problem",
    "message_id_of",
    "messages_store",
]


@dataclass(frozen=True, slots=True)
class StoreResult:
    message_id: int
    created: bool  # False: the mapping table already held it (the stored id is kept)


def message_data_problem(data: MessageData) -> str | None:
    """Why ``messages_store`` would refuse ``data`` (None: it takes it), before any write.

    A message without an id gets one minted at its own time here, so the
    caller can link replies to it within the batch.
    """
    sent = data.created_at or datetime.now(UTC)
    if sent < MIN_TIME:
        return f"sent {sent:%Y-%m-%d %H:%M:%S}Z, before 1970-01-01: message ids cannot hold it"
    if sent > datetime.now(UTC) + MAX_FUTURE_SKEW:
        return f"sent {sent:%Y-%m-%d %H:%M:%S}Z, in the future"
    if data.message_id is None:
        data.message_id = generate_snowflake_id(at=data.created_at)
    try:
        check_message_data(data)
    except InvalidMessageInput as exc:
        return str(exc)
    return None


def message_id_of(data: MessageData) -> int:
    """The id ``message_data_problem`` minted (or the caller gave)."""
    if data.message_id is None:
        raise InvalidMessageInput("message_id", "not minted yet: check the message first")
    return data.message_id


def messages_store(
    *,
    chat_id: uuid.UUID,
    messages: Sequence[MessageData],
    concurrency: int = DEFAULT_CONCURRENCY,
) -> list[StoreResult]:
    """Stores a batch of one chat's messages; one result per message, in order."""
    if not messages:
        return []
    batch = [
        m
        if m.message_id is not None
        else dataclasses.replace(m, message_id=generate_snowflake_id(at=m.created_at))
        for m in messages
    ]
    ids = message_repo().insert_messages(batch, concurrency=concurrency)
    results = [StoreResult(i, i == m.message_id) for m, i in zip(batch, ids, strict=True)]
    existing = messages_by_ids(
        chat_id=chat_id, message_ids=[r.message_id for r in results if not r.created]
    )
    rows: list[StoredMessage] = []
    created: list[StoredMessage] = []
    for data, result in zip(batch, results, strict=True):
        if result.created:
            created.append(StoredMessage.as_written(data, result.message_id))
            rows.append(created[-1])
            continue
        stored = existing.get(result.message_id)
        if stored is None:
            continue
        if not stored.is_deleted and edit_is_newer(stored, data.edited_at):
            with contextlib.suppress(MessageNotFound):  # deleted in WellWon meanwhile: stays so
                stored = message_edit_apply(
                    current=stored,
                    content=data.content,
                    editor_id=stored.sender_id,
                    edited_at=data.edited_at,
                    entities=data.entities or [],
                )
        rows.append(stored)
    after_store(chat_id, rows)
    events.messages_stored(created)
    return results
