"""The follower outbox: PostgreSQL work owed by a message write survives its failure.

Followers are made to fail for real: another session holds the chat's ledger
lock and the followers' lock wait is 0.2 s. The message is stored in CQL, the
request succeeds, the owed work stays in ``FollowerTask``; once the lock is
free, ``outbox_drain`` heals search, unread and ordering from CQL. (The
server's own drainer thread doing it within the stated time is
``test_outbox_healing.py``.)
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from messaging.models import FollowerTask, FollowUp, Participant, SearchEntry
from messaging.scylla import ScyllaClient
from messaging.scylla.snowflake import MIN_SNOWFLAKE
from messaging.services.outbox import follow_up_record, outbox_drain
from tests.messaging.api_support import (
    client_of,
    create_chat,
    ledger_held_elsewhere,
    make_user,
    messages_url,
    ok,
    post_message,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _stores(cql: ScyllaClient) -> None:
    """Real CQL (test keyspace) for every test here."""


FAILING_FOLLOWERS = override_settings(MESSAGING_LEDGER_LOCK_TIMEOUT=0.2, MESSAGING_OUTBOX_GRACE=0)


def _unread(user: Any, chat_id: str) -> int:
    return Participant.objects.get(chat_id=chat_id, user=user).unread_count


def _indexed(chat_id: str) -> dict[int, str]:
    return dict(SearchEntry.objects.filter(chat_id=chat_id).values_list("message_id", "content"))


def _tasks(chat_id: str) -> list[str]:
    return sorted(FollowerTask.objects.filter(chat_id=chat_id).values_list("kind", flat=True))


@FAILING_FOLLOWERS
def test_a_send_whose_followers_failed_is_healed_by_the_drain() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    with ledger_held_elsewhere(chat_id):
        sent = [post_message(alice, chat_id, f"hello {i}") for i in range(3)]
        assert _indexed(chat_id) == {} and _unread(bob, chat_id) == 0
        assert _tasks(chat_id) == ["send"] * 3
        # The chat list reads the last message from CQL, not "deleted" for a missing row.
        listing = ok(client_of(bob).get("/api/chats/"))
        last = next(c for c in listing["results"] if c["id"] == chat_id)["last_message"]
        assert (last["id"], last["content"], last["deleted"]) == (sent[-1]["id"], "hello 2", False)
        assert last["sender"]["id"] == alice.pk
        report = outbox_drain()  # the lock is still held: the attempt fails and waits
        assert (report.failed, report.healed) == (3, 0)
        assert {t.attempts for t in FollowerTask.objects.filter(chat_id=chat_id)} == {1}
    FollowerTask.objects.filter(chat_id=chat_id).update(due_at=timezone.now())

    report = outbox_drain()

    assert report.healed == 3 and _tasks(chat_id) == []
    assert _indexed(chat_id) == {int(m["id"]): m["content"] for m in sent}
    assert _unread(bob, chat_id) == 3
    assert Participant.objects.get(chat_id=chat_id, user=alice).last_read_message_id == int(
        sent[-1]["id"]
    )
    hits = ok(client_of(bob).get(f"/api/search/?q=hello&chat={chat_id}"))["results"]
    assert len(hits) == 3


@FAILING_FOLLOWERS
def test_an_edit_and_a_delete_whose_followers_failed_are_healed() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    kept, dropped = (post_message(alice, chat_id, text) for text in ("first", "second"))
    assert _unread(bob, chat_id) == 2
    api = client_of(alice)
    with ledger_held_elsewhere(chat_id):
        ok(api.patch(messages_url(chat_id, kept["id"]), {"content": "first, edited"}))
        ok(api.delete(messages_url(chat_id, dropped["id"])), 204)
        assert _indexed(chat_id) == {int(kept["id"]): "first", int(dropped["id"]): "second"}
        assert _tasks(chat_id) == ["delete", "edit"]

    report = outbox_drain()

    assert report.healed == 2 and _tasks(chat_id) == []
    assert _indexed(chat_id) == {int(kept["id"]): "first, edited"}
    assert _unread(bob, chat_id) == 1


def test_followers_that_succeed_leave_no_task() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    sent = post_message(alice, chat_id, "hello")
    api = client_of(alice)
    ok(api.patch(messages_url(chat_id, sent["id"]), {"content": "hello again"}))
    ok(api.delete(messages_url(chat_id, sent["id"])), 204)
    retried = {"content": "keyed"}
    for _ in range(2):
        api.post(messages_url(chat_id), retried, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert _tasks(chat_id) == []


@override_settings(MESSAGING_OUTBOX_GRACE=0, MESSAGING_OUTBOX_ABSENT_AFTER=30)
def test_a_task_whose_message_never_reached_cql_waits_then_is_dropped() -> None:
    alice = make_user("alice")
    chat_id = uuid.UUID(create_chat(alice)["id"])
    task = follow_up_record(kind=FollowUp.SEND, chat_id=chat_id, message_id=42, user_id=alice.pk)

    assert outbox_drain().waiting == 1  # the write may still be in flight
    assert FollowerTask.objects.get(pk=task).due_at > timezone.now()
    FollowerTask.objects.filter(pk=task).update(
        created_at=timezone.now() - timedelta(seconds=31), due_at=timezone.now()
    )
    assert outbox_drain().dropped == 1
    assert not FollowerTask.objects.filter(pk=task).exists()
    assert _indexed(str(chat_id)) == {}


def test_tasks_not_yet_due_are_left_to_their_request() -> None:
    alice = make_user("alice")
    chat_id = uuid.UUID(create_chat(alice)["id"])
    follow_up_record(kind=FollowUp.EDIT, chat_id=chat_id, message_id=42)  # grace: 5 s
    assert outbox_drain().total == 0


@override_settings(MESSAGING_OUTBOX_GRACE=0)
def test_a_task_that_cannot_be_healed_does_not_hold_up_the_others() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    before_1970 = MIN_SNOWFLAKE - 1  # no message can have it: the repository refuses it
    broken = follow_up_record(
        kind=FollowUp.EDIT, chat_id=uuid.UUID(chat_id), message_id=before_1970
    )
    with FAILING_FOLLOWERS, ledger_held_elsewhere(chat_id):
        sent = post_message(alice, chat_id, "behind a broken task")

    report = outbox_drain()

    assert (report.failed, report.healed) == (1, 1)
    assert _indexed(chat_id) == {int(sent["id"]): "behind a broken task"}
    left = FollowerTask.objects.get(pk=broken)
    assert left.attempts == 1 and "message id" in left.last_error
    assert left.due_at > timezone.now()
