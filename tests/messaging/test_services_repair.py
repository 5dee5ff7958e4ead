"""Follower failures never lose a message; the repair commands bring the followers back.

The failure is real, not simulated: a second PostgreSQL connection holds the
chat's ledger lock, so the send's follower times out waiting for it (as it
would behind a stuck transaction) while the message is already in CQL.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from messaging.models import Participant, SearchEntry
from messaging.repository import MessageData
from messaging.scylla.snowflake import calculate_message_bucket
from messaging.stores import message_repo
from tests.messaging.api_support import (
    client_of,
    create_chat,
    ledger_held_elsewhere,
    make_user,
    messages_url,
    ok,
    post_message,
    seed_message,
)

pytestmark = pytest.mark.usefixtures("stores")


def unread_of(user: Any, chat_id: str) -> int:
    return Participant.objects.get(chat_id=chat_id, user=user).unread_count


@override_settings(MESSAGING_LEDGER_LOCK_TIMEOUT=0.2)
def test_a_failed_follower_keeps_the_message_and_the_repair_commands_catch_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    with ledger_held_elsewhere(chat_id), caplog.at_level(logging.ERROR):
        lost = post_message(alice, chat_id, "during the outage")  # 201, not a 500
    assert "the outbox drainer will redo it" in caplog.text
    post_message(alice, chat_id, "after recovery")

    # The message is there; only its followers are behind.
    shown = ok(client_of(bob).get(messages_url(chat_id, lost["id"])))
    assert shown["content"] == "during the outage"
    assert not SearchEntry.objects.filter(chat_id=chat_id, message_id=int(lost["id"])).exists()
    assert unread_of(bob, chat_id) == 1  # only "after recovery" was counted

    call_command("reindex_search", chat=[chat_id], stdout=StringIO())
    call_command("rebuild_unread", chat=[chat_id], stdout=StringIO())
    assert SearchEntry.objects.filter(chat_id=chat_id, message_id=int(lost["id"])).exists()
    assert unread_of(bob, chat_id) == 2
    hits = ok(client_of(bob).get("/api/search/?q=outage"))["results"]
    assert {h["id"] for h in hits} == {lost["id"]}


def test_reindex_reconciles_added_changed_and_vanished_rows() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    kept = post_message(alice, chat_id, "kept as it is")
    drifted = post_message(alice, chat_id, "the real text")
    deleted = post_message(alice, chat_id, "deleted behind the ledger's back")
    # Drift: a row with stale text, a message deleted in CQL only, a row for nothing.
    SearchEntry.objects.filter(message_id=int(drifted["id"])).update(content="stale text")
    message_repo().delete_message(uuid.UUID(chat_id), int(deleted["id"]))
    orphan = SearchEntry.objects.get(message_id=int(kept["id"]))
    orphan.pk, orphan.message_id = None, orphan.message_id - 1_000_000
    orphan.save()
    # And a message CQL has but the ledger never saw.
    unseen = message_repo().insert_message(
        MessageData(channel_id=uuid.UUID(chat_id), content="never indexed", sender_id=alice.pk)
    )

    call_command("reindex_search", chat=[chat_id], stdout=StringIO())

    rows = dict(SearchEntry.objects.filter(chat_id=chat_id).values_list("message_id", "content"))
    assert rows == {
        int(kept["id"]): "kept as it is",
        int(drifted["id"]): "the real text",
        unseen: "never indexed",
    }


def test_reindex_of_every_chat_walks_history_across_buckets() -> None:
    alice = make_user("alice")
    chat_id = create_chat(alice, make_user("bob"))["id"]
    start = datetime.now(UTC) - timedelta(days=40)
    ids = [
        seed_message(chat_id, alice, f"old {i}", start + timedelta(days=3 * i)) for i in range(14)
    ]
    assert len({calculate_message_bucket(i) for i in ids}) >= 4
    SearchEntry.objects.filter(chat_id=chat_id).delete()
    call_command("reindex_search", stdout=StringIO())
    assert set(
        SearchEntry.objects.filter(chat_id=chat_id).values_list("message_id", flat=True)
    ) == set(ids)


def test_repair_commands_refuse_a_bad_chat_id() -> None:
    with pytest.raises(CommandError, match="not a chat id"):
        call_command("reindex_search", chat=["nope"])
    with pytest.raises(CommandError, match="no chat"):
        call_command("rebuild_unread", chat=[str(uuid.uuid4())])
