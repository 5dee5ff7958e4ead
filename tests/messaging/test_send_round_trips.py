"""A send's PostgreSQL work: few round trips, and the ledger still exact after them.

The send is the product's hottest write; each statement is a round trip to
PostgreSQL under the chat's ledger lock (issue: the web tier's cost). The
budget below is what the send needs today; a change that adds a statement to
every send has to raise it here, on purpose.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.models import Participant, SearchEntry
from messaging.scylla import ScyllaClient
from messaging.services.unread import unread_count_exact
from tests.messaging.api_support import create_chat, make_user, post_message


@pytest.fixture(autouse=True)
def _stores(cql: ScyllaClient, transactional_db: Any) -> None:
    """Real CQL and PostgreSQL, with real transactions (no test savepoints in the count)."""


# The outbox row (its own commit, before the CQL write), then one ledger transaction:
# BEGIN, lock, index row, the others' unread counts, the sender's read position and exact
# count, chat order, outbox row done, COMMIT. It was 14 before the statements were merged.
SEND_STATEMENTS = 9


def test_a_send_takes_at_most_its_budget_of_postgresql_statements() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    post_message(alice, chat_id, "warms the membership and profile caches")
    with CaptureQueriesContext(connection) as pg:
        post_message(alice, chat_id, "counted")
    statements = [q["sql"] for q in pg.captured_queries]
    assert len(statements) <= SEND_STATEMENTS, "\n".join(statements)
    assert sum("pg_advisory_xact_lock" in sql for sql in statements) == 1
    assert not any("lock_timeout" in sql and "advisory" not in sql for sql in statements)


def test_a_send_is_one_cql_request_that_also_moves_the_senders_read_position() -> None:
    from messaging.stores import message_repo

    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    post_message(alice, chat_id, "warms the statements")
    repo = message_repo()  # the repository the API uses (its client counts its requests)
    before = repo.client.metrics.snapshot().queries
    sent = post_message(alice, chat_id, "counted")
    assert repo.client.metrics.snapshot().queries - before == 1  # row, metadata, position
    assert repo.get_read_position(uuid.UUID(chat_id), alice.pk) == int(sent["id"])
    assert repo.get_read_position(uuid.UUID(chat_id), bob.pk) is None


def test_after_merged_statements_the_ledger_is_exact() -> None:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    chat_id = create_chat(alice, bob, carol)["id"]
    for n in range(3):
        post_message(alice, chat_id, f"from alice {n}")
    last = post_message(bob, chat_id, "from bob")
    rows = {p.user_id: p for p in Participant.objects.filter(chat_id=chat_id)}
    # Bob's send moved his position to his message: alice's three are read for him.
    assert rows[bob.pk].last_read_message_id == int(last["id"])
    assert rows[bob.pk].unread_count == 0
    assert rows[alice.pk].unread_count == 1
    assert rows[carol.pk].unread_count == 4
    for participant in rows.values():
        exact = unread_count_exact(
            chat_id=participant.chat_id,
            user_id=participant.user_id,
            last_read=participant.last_read_message_id,
        )
        assert participant.unread_count == exact
    assert SearchEntry.objects.filter(chat_id=chat_id).count() == 4


def test_an_index_row_already_there_is_not_added_twice() -> None:
    from messaging.services.search_index import search_entry_add
    from messaging.stores import message_repo

    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    sent = post_message(alice, chat_id, "indexed once")
    stored = message_repo().get_message(uuid.UUID(chat_id), int(sent["id"]))
    assert stored is not None
    assert search_entry_add(message=stored) is False
    assert SearchEntry.objects.filter(chat_id=chat_id, message_id=int(sent["id"])).count() == 1
