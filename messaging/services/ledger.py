"""The per-chat message ledger in PostgreSQL: search rows and unread counts, kept together.

``SearchEntry`` has one row per live message of a chat; unread counts are
derived from it ("rows newer than my read position, not sent by me").
Every change to a chat's rows and counts runs in one transaction holding a
per-chat advisory lock, so concurrent sends, deletes and reads of one chat
apply one after another and the incremental counts stay exact (a read that
counts rows and a send that adds one cannot interleave). Different chats
never wait for each other.

The lock wait is bounded (MESSAGING_LEDGER_LOCK_TIMEOUT, seconds): a
follower that cannot get it fails, is logged, and the outbox drainer
(``messaging.services.outbox``) redoes its work a few seconds later. The same
bound stays on the rest of the transaction's lock waits (row locks behind the
ledger lock fail the same way), so setting it and taking the lock is one
round trip.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from messaging.conf import ledger_lock_timeout


def ledger_lock_key(chat_id: uuid.UUID) -> int:
    # pg_advisory_xact_lock takes a signed bigint; 64 bits of a random UUID are plenty.
    return int.from_bytes(chat_id.bytes[:8], "big", signed=True)


@contextmanager
def chat_ledger(chat_id: uuid.UUID) -> Iterator[None]:
    """A transaction holding the chat's ledger lock (released at commit or rollback)."""
    timeout = ledger_lock_timeout()
    with transaction.atomic(), connection.cursor() as cursor:
        # The volatile subquery runs first (PostgreSQL neither flattens nor drops it).
        cursor.execute(
            "SELECT bound.lock_timeout, pg_advisory_xact_lock(%s)"
            " FROM (SELECT set_config('lock_timeout', %s, true) AS lock_timeout) AS bound",
            [ledger_lock_key(chat_id), f"{max(1, int(timeout * 1000))}ms"],
        )
        yield
