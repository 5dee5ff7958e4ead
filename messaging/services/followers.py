"""The followers of the CQL store, updated after a message write has succeeded.

Each follower is best-effort: the message is already stored, so a follower
failure is logged and the request still succeeds. The PostgreSQL work
(search/unread ledger, read position, chat ordering) was recorded in the
outbox before the CQL write (``messaging.services.outbox``); it is marked
done in the same transaction, so if it fails the outbox drainer redoes it
within seconds. ``manage.py reindex_search`` and ``manage.py rebuild_unread``
stay for disasters (a lost database); Redis counters rebuild themselves
when they expire or are deleted; the CQL read position mirror is rewritten
by the next read; chat names are mirrored again by the next rename.
"""

from __future__ import annotations

import logging
import uuid

from django.db import DatabaseError
from django.utils import timezone

from messaging.errors import MessageRepositoryError
from messaging.metrics import FOLLOWER_FAILURES
from messaging.models import Chat, Participant
from messaging.repository.data import StoredMessage
from messaging.scylla.errors import MessageStoreDisabled, MessageStoreError
from messaging.selectors.counters import chat_message_counter
from messaging.services.ledger import chat_ledger
from messaging.services.outbox import follow_up_done
from messaging.services.search_index import (
    search_entry_add,
    search_entry_remove,
    search_entry_update,
)
from messaging.services.unread import (
    read_position_advance,
    unread_after_add,
    unread_after_remove,
)
from messaging.stores import message_repo
from presence.store import REDIS_DOWN
from presence.typing import stop_typing

logger = logging.getLogger(__name__)

# For the Telegram importer, whose batches are not in the outbox.
REPAIR_HINT = "repair: manage.py reindex_search --chat %s && manage.py rebuild_unread --chat %s"


def _ledger_failed(action: str, chat_id: uuid.UUID, message_id: int, exc: Exception) -> None:
    FOLLOWER_FAILURES.labels("ledger").inc()
    logger.error(
        "ledger follower failed after %s of message %s in chat %s (%s); "
        "the outbox drainer will redo it",
        action,
        message_id,
        chat_id,
        exc,
    )


def after_send(
    *,
    message: StoredMessage,
    sender: Participant,
    task: int | None = None,
    position_mirrored: bool = False,
) -> None:
    """Index the message, count it unread for the others, move the sender's read position.

    Idempotent (a retried send finds the row indexed and counts nothing twice).
    ``task``: the outbox task this work settles. ``position_mirrored``: the message's
    own CQL write already moved the sender's CQL read position (a send's batch).
    """
    chat_id, message_id = message.channel_id, message.message_id
    added = False
    try:
        with chat_ledger(chat_id):
            added = search_entry_add(message=message)
            if added:
                unread_after_add(
                    chat_id=chat_id, message_id=message_id, sender_id=message.sender_id
                )
            read_position_advance(participant=sender, message_id=message_id)
            Chat.objects.filter(pk=chat_id).update(updated_at=timezone.now())
            follow_up_done(task)
    except DatabaseError as exc:
        _ledger_failed("send", chat_id, message_id, exc)
    if added:
        chat_message_counter.incr_many([chat_id])
    if not position_mirrored:
        mirror_read_position(chat_id=chat_id, user_id=sender.user_id, message_id=message_id)
    try:
        stop_typing(chat_id, sender.user_id)
    except REDIS_DOWN as exc:
        logger.warning("could not clear the typing indicator in chat %s: %s", chat_id, exc)


def after_edit(
    *, chat_id: uuid.UUID, message_id: int, content: str, task: int | None = None
) -> None:
    try:
        with chat_ledger(chat_id):
            search_entry_update(chat_id=chat_id, message_id=message_id, content=content)
            follow_up_done(task)
    except DatabaseError as exc:
        _ledger_failed("edit", chat_id, message_id, exc)


def after_delete(*, chat_id: uuid.UUID, message_id: int, task: int | None = None) -> None:
    """Drop the ledger row (uncounting it from unread), the count and any pin."""
    removed = None
    try:
        with chat_ledger(chat_id):
            removed = search_entry_remove(chat_id=chat_id, message_id=message_id)
            if removed is not None:
                unread_after_remove(
                    chat_id=chat_id, message_id=message_id, sender_id=removed.sender_id
                )
            follow_up_done(task)
    except DatabaseError as exc:
        _ledger_failed("delete", chat_id, message_id, exc)
    if removed is not None:
        chat_message_counter.incr_many([chat_id], by=-1)
    try:
        message_repo().unpin_message(chat_id, message_id)
    except (MessageStoreError, MessageRepositoryError) as exc:
        FOLLOWER_FAILURES.labels("unpin").inc()
        logger.error("could not unpin deleted message %s in chat %s: %s", message_id, chat_id, exc)


def mirror_read_position(*, chat_id: uuid.UUID, user_id: int, message_id: int) -> None:
    """Copies a read position to CQL ``message_read_positions`` (PostgreSQL is authoritative)."""
    try:
        message_repo().set_read_position(chat_id, user_id, message_id)
    except (MessageStoreError, MessageRepositoryError) as exc:
        FOLLOWER_FAILURES.labels("read_position").inc()
        logger.warning("read position of %s in chat %s not mirrored: %s", user_id, chat_id, exc)


def mirror_chat_metadata(*, chat: Chat) -> None:
    """Copies a chat's name and type to CQL ``channel_metadata`` (PostgreSQL is authoritative)."""
    try:
        message_repo().update_channel_metadata(
            chat.pk, channel_name=chat.name, channel_type=chat.type, created_at=chat.created_at
        )
    except MessageStoreDisabled:
        return
    except (MessageStoreError, MessageRepositoryError) as exc:
        FOLLOWER_FAILURES.labels("chat_metadata").inc()
        logger.warning("name and type of chat %s not mirrored to CQL: %s", chat.pk, exc)
