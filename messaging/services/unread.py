"""Unread counts: messages by others, not deleted, newer than my read position.

``Participant.unread_count`` is the durable count, maintained incrementally
inside ``chat_ledger`` (a send adds one for everyone else who has not read
past it, a delete takes one back from the same people) and recomputed
exactly from the ledger when a read position moves or by
``manage.py rebuild_unread``. Read positions never move backwards.
"""

from __future__ import annotations

import uuid

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from messaging.models import Participant, SearchEntry
from messaging.scylla.snowflake import MIN_SNOWFLAKE

# Below every message id (imported history before 2024 has negative ids): "nothing read".
NOTHING_READ = MIN_SNOWFLAKE - 1


def unread_count_exact(*, chat_id: uuid.UUID, user_id: int, last_read: int | None) -> int:
    """The count from the ledger: one index range scan."""
    rows = SearchEntry.objects.filter(chat_id=chat_id).exclude(sender_id=user_id)
    if last_read is not None:
        rows = rows.filter(message_id__gt=last_read)
    return rows.count()


def unread_after_add(*, chat_id: uuid.UUID, message_id: int, sender_id: int) -> int:
    """A new live message: +1 for every other participant who has not read past it."""
    return (
        Participant.objects.filter(chat_id=chat_id)
        .exclude(user_id=sender_id)
        .filter(Q(last_read_message_id__isnull=True) | Q(last_read_message_id__lt=message_id))
        .update(unread_count=F("unread_count") + 1)
    )


def unread_after_remove(*, chat_id: uuid.UUID, message_id: int, sender_id: int | None) -> int:
    """A message left the ledger: -1 for those who counted it."""
    counted = Participant.objects.filter(chat_id=chat_id, unread_count__gt=0).filter(
        Q(last_read_message_id__isnull=True) | Q(last_read_message_id__lt=message_id)
    )
    if sender_id is not None:
        counted = counted.exclude(user_id=sender_id)
    return counted.update(unread_count=F("unread_count") - 1)


def read_position_advance(*, participant: Participant, message_id: int) -> Participant:
    """Moves the read position forward (never back) and recounts exactly.

    Runs inside the chat's ledger transaction, as one statement (it is on every send's
    path): the UPDATE locks the row and reads its current position, so two concurrent
    reads of one user both end at the larger position, and the count is the ledger's
    (``unread_count_exact``'s rule: by others or the system, newer than the position).
    """
    participants, entries = Participant._meta.db_table, SearchEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {participants} AS p"
            " SET last_read_message_id = GREATEST(p.last_read_message_id, %s),"
            f" unread_count = (SELECT COUNT(*) FROM {entries} AS e WHERE e.chat_id = p.chat_id"
            " AND e.message_id > GREATEST(p.last_read_message_id, %s)"
            " AND (e.sender_id IS NULL OR e.sender_id <> p.user_id))"
            f" WHERE p.{Participant._meta.pk.column} = %s"
            " RETURNING p.last_read_message_id, p.unread_count",
            [message_id, message_id, participant.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise Participant.DoesNotExist(f"participant {participant.pk} is gone")
    participant.last_read_message_id, participant.unread_count = row
    return participant


def unread_per_participant(entries: QuerySet[SearchEntry]) -> Coalesce:
    """For an UPDATE of participants: how many of ``entries`` each one has not read.

    Counts the entries by others newer than the participant's read position, as
    a correlated subquery (0 when none).
    """
    count = (
        entries.exclude(sender_id=OuterRef("user_id"))
        .filter(message_id__gt=Coalesce(OuterRef("last_read_message_id"), Value(NOTHING_READ)))
        .order_by()
        .values("chat_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def unread_rebuild(*, chat_id: uuid.UUID) -> int:
    """Recomputes every participant's count of a chat from the ledger (one UPDATE)."""
    entries = SearchEntry.objects.filter(chat_id=chat_id)
    return Participant.objects.filter(chat_id=chat_id).update(
        unread_count=unread_per_participant(entries)
    )
