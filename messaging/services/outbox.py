"""The follower outbox: record owed PostgreSQL work before a CQL write, heal what failed.

``follow_up_record`` commits a ``FollowerTask`` before the CQL write;
``follow_up_done`` deletes it inside the followers' own ledger transaction, so
a task outlives its request only when the followers did not commit.
``outbox_drain`` takes the tasks past their ``due_at`` and heals each from the
message as CQL holds it now (read at the fresh consistency, under the chat's
ledger lock so a concurrent follower of the same chat waits its turn):

- a live message gets its index row (added, or its text updated); a deleted
  or missing one loses it; when the set of rows changed, every participant's
  unread count is recounted from the ledger and the chat's cached message
  count dropped (rebuilt from PostgreSQL on the next read);
- a send also moves the sender's read position and the chat's ordering;
- a message not in CQL yet is waited for until MESSAGING_OUTBOX_ABSENT_AFTER
  (the write may still be in flight), then the task is dropped: the write failed
  and its request answered an error.

A failed attempt (PostgreSQL or CQL unavailable, the ledger lock busy) is
retried later, the wait doubling from the drain interval up to
MESSAGING_OUTBOX_RETRY_MAX; so is a task that fails for any other reason (a
bug, logged with its traceback), which never holds up the tasks behind it.
Who drains: each server process's drainer thread (``messaging.outbox_worker``)
and ``manage.py outbox_drain``.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import DatabaseError
from django.db.models import F
from django.utils import timezone

from messaging.conf import OutboxSettings
from messaging.metrics import OUTBOX_TASKS
from messaging.models import Chat, FollowerTask, FollowUp, Participant, SearchEntry
from messaging.repository.data import StoredMessage
from messaging.scylla.errors import MessageStoreError
from messaging.selectors.counters import chat_message_counter
from messaging.selectors.stores import message_repo
from messaging.services.ledger import chat_ledger
from messaging.services.search_index import indexable_text, search_entry_add, search_entry_update
from messaging.services.unread import read_position_advance, unread_rebuild

logger = logging.getLogger(__name__)

#: What makes an attempt fail for now (a store unavailable, a lock busy), as opposed to a bug.
TRANSIENT = (DatabaseError, MessageStoreError)


def follow_up_record(
    *, kind: FollowUp, chat_id: uuid.UUID, message_id: int, user_id: int | None = None
) -> int:
    """Writes the task (in the caller's transaction, if any) and returns its id."""
    grace = timedelta(seconds=OutboxSettings.from_django().grace)
    task = FollowerTask.objects.create(
        kind=kind,
        chat_id=chat_id,
        message_id=message_id,
        user_id=user_id,
        due_at=timezone.now() + grace,
    )
    return task.pk


def follow_up_done(task_id: int | None) -> None:
    """The work is done: called inside the transaction that did it."""
    if task_id is not None:
        FollowerTask.objects.filter(pk=task_id).delete()


@dataclass
class DrainReport:
    healed: int = 0
    dropped: int = 0  # the message never reached CQL: nothing was owed
    waiting: int = 0  # the message is not in CQL yet: looked at again later
    failed: int = 0  # the attempt failed: retried later

    @property
    def total(self) -> int:
        return self.healed + self.dropped + self.waiting + self.failed


DRAIN_BATCH = 100


def outbox_drain(*, limit: int = DRAIN_BATCH) -> DrainReport:
    """Heals up to ``limit`` due tasks, oldest first."""
    report = DrainReport()
    due = FollowerTask.objects.filter(due_at__lte=timezone.now()).order_by("due_at")
    for task_id in list(due.values_list("pk", flat=True)[:limit]):
        try:
            outcome = follow_up_heal(task_id)
        except Exception as exc:  # one task that cannot be healed never holds up the others
            if not isinstance(exc, TRANSIENT):
                logger.exception("outbox: task %s cannot be healed", task_id)
            report.failed += 1
            OUTBOX_TASKS.labels("failed").inc()
            _retry_later(task_id, exc)
            continue
        if outcome is not None:
            setattr(report, outcome, getattr(report, outcome) + 1)
            OUTBOX_TASKS.labels(outcome).inc()
    return report


def follow_up_heal(task_id: int) -> str | None:
    """Redoes one task; "healed", "dropped", "waiting", or None if it is gone (done meanwhile)."""
    chat_id = FollowerTask.objects.filter(pk=task_id).values_list("chat_id", flat=True).first()
    if chat_id is None:
        return None
    recount = False
    with chat_ledger(chat_id):
        task = FollowerTask.objects.select_for_update(skip_locked=True).filter(pk=task_id).first()
        if task is None:
            return None
        message = message_repo().get_message(chat_id, task.message_id, fresh=True)
        if message is None and timezone.now() - task.created_at < _seconds("absent_after"):
            task.due_at = timezone.now() + _seconds("retry_base")
            task.save(update_fields=["due_at"])
            return "waiting"
        recount = _reconcile_entry(chat_id, task.message_id, message)
        if recount:
            unread_rebuild(chat_id=chat_id)
        if task.kind == FollowUp.SEND and message is not None and task.user_id is not None:
            _after_send(chat_id, task.user_id, message)
        task.delete()
    if recount:
        chat_message_counter.delete_many([chat_id])
    logger.info("outbox: %s of message %s in chat %s healed", task.kind, task.message_id, chat_id)
    return "healed" if message is not None else "dropped"


def _reconcile_entry(chat_id: uuid.UUID, message_id: int, message: StoredMessage | None) -> bool:
    """The index row as CQL says it should be; True if a row came or went."""
    entry = SearchEntry.objects.filter(chat_id=chat_id, message_id=message_id).first()
    live = message is not None and not message.is_deleted
    if message is not None and live and entry is None:
        return search_entry_add(message=message)
    if message is not None and live and entry is not None:
        if entry.content != indexable_text(message.content):
            search_entry_update(chat_id=chat_id, message_id=message_id, content=message.content)
        return False
    if entry is not None:
        entry.delete()
        return True
    return False


def _after_send(chat_id: uuid.UUID, user_id: int, message: StoredMessage) -> None:
    sender = Participant.objects.filter(chat_id=chat_id, user_id=user_id).first()
    if sender is not None:
        read_position_advance(participant=sender, message_id=message.message_id)
    Chat.objects.filter(pk=chat_id, updated_at__lt=message.created_at).update(
        updated_at=message.created_at
    )


def _retry_later(task_id: int, exc: Exception) -> None:
    logger.warning("outbox: task %s failed, will retry: %s", task_id, exc)
    config = OutboxSettings.from_django()
    try:
        attempts = (
            FollowerTask.objects.filter(pk=task_id).values_list("attempts", flat=True).first()
        )
        if attempts is None:
            return
        wait = min(config.retry_base * 2**attempts, config.retry_max)
        FollowerTask.objects.filter(pk=task_id).update(
            attempts=F("attempts") + 1,
            due_at=timezone.now() + timedelta(seconds=wait),
            last_error=str(exc)[:2000],
        )
    except DatabaseError as again:  # PostgreSQL itself is down: the task stays due
        logger.warning("outbox: could not reschedule task %s: %s", task_id, again)


def _seconds(name: str) -> timedelta:
    return timedelta(seconds=getattr(OutboxSettings.from_django(), name))
