"""``Idempotency-Key`` on message posts: a retry returns the message of the first attempt.

Covers the retry of a request that succeeded, of one whose followers failed,
of one that died between claiming the key and writing to CQL, and keys
reused for another request.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from messaging.models import IdempotencyKey, Participant, SearchEntry
from messaging.scylla.snowflake import generate_snowflake_id
from messaging.services.messages import send_fingerprint
from tests.messaging.api_support import (
    client_of,
    create_chat,
    ledger_held_elsewhere,
    make_user,
    messages_url,
    ok,
)

pytestmark = pytest.mark.usefixtures("stores")


def post(user: Any, chat_id: str, key: str, content: str = "once") -> Any:
    return client_of(user).post(
        messages_url(chat_id), {"content": content}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def page_ids(user: Any, chat_id: str) -> list[str]:
    return [m["id"] for m in ok(client_of(user).get(messages_url(chat_id)))["results"]]


def test_a_retry_returns_the_same_message_and_counts_it_once() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    first = ok(post(alice, chat_id, "key-1"), 201)
    again = ok(post(alice, chat_id, "key-1"), 200)
    assert again == first
    assert page_ids(bob, chat_id) == [first["id"]]
    assert Participant.objects.get(chat_id=chat_id, user=bob).unread_count == 1
    assert SearchEntry.objects.filter(chat_id=chat_id).count() == 1


def test_keys_are_per_user() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    one = ok(post(alice, chat_id, "shared-key"), 201)
    other = ok(post(bob, chat_id, "shared-key"), 201)
    assert one["id"] != other["id"]


def test_a_key_reused_for_another_request_is_refused() -> None:
    alice = make_user("alice")
    chat_id, elsewhere = create_chat(alice)["id"], create_chat(alice)["id"]
    ok(post(alice, chat_id, "key-2", "first text"), 201)
    different_body = post(alice, chat_id, "key-2", "second text")
    different_chat = post(alice, elsewhere, "key-2", "first text")
    for response in (different_body, different_chat):
        assert response.status_code == 400 and "Idempotency-Key" in response.json()


@override_settings(MESSAGING_LEDGER_LOCK_TIMEOUT=0.2)
def test_a_retry_finishes_the_followers_a_failed_attempt_left_behind() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    with ledger_held_elsewhere(chat_id):
        first = ok(post(alice, chat_id, "key-3"), 201)  # stored; the ledger follower failed
    assert not SearchEntry.objects.filter(chat_id=chat_id).exists()
    again = ok(post(alice, chat_id, "key-3"), 200)
    assert again["id"] == first["id"]
    assert SearchEntry.objects.filter(chat_id=chat_id, message_id=int(first["id"])).exists()
    assert Participant.objects.get(chat_id=chat_id, user=bob).unread_count == 1


def test_a_retry_after_an_attempt_that_died_before_the_store_writes_it_once() -> None:
    alice = make_user("alice")
    chat_id = create_chat(alice)["id"]
    # The first attempt claimed the key (and its message id), then died: nothing in CQL.
    claimed = generate_snowflake_id()
    IdempotencyKey.objects.create(
        user=alice,
        key="key-4",
        chat_id=chat_id,
        message_id=claimed,
        request_hash=send_fingerprint(
            chat_id=uuid.UUID(chat_id),
            content="once",
            message_type="text",
            reply_to_id=None,
            attachments=None,
            template_id=None,
            template_values=None,
        ),
    )
    retried = ok(post(alice, chat_id, "key-4"), 201)
    assert retried["id"] == str(claimed)
    assert ok(post(alice, chat_id, "key-4"), 200)["id"] == str(claimed)
    assert page_ids(alice, chat_id) == [str(claimed)]


def test_a_retry_of_a_deleted_message_returns_it_deleted_and_counts_nothing() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    first = ok(post(alice, chat_id, "key-5"), 201)
    ok(client_of(alice).delete(messages_url(chat_id, first["id"])), 204)
    again = ok(post(alice, chat_id, "key-5"), 200)
    assert again["id"] == first["id"] and again["deleted"] is True
    assert Participant.objects.get(chat_id=chat_id, user=bob).unread_count == 0


def test_old_keys_are_pruned_and_a_late_retry_is_a_new_send() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    old = ok(post(alice, chat_id, "old-key", "early"), 201)
    recent = ok(post(alice, chat_id, "recent-key", "later"), 201)
    IdempotencyKey.objects.filter(key="old-key").update(
        created_at=timezone.now() - timedelta(hours=30)
    )
    out = StringIO()
    call_command("prune_idempotency_keys", stdout=out)
    assert "1 idempotency key(s)" in out.getvalue()
    assert set(IdempotencyKey.objects.filter(chat_id=chat_id).values_list("key", flat=True)) == {
        "recent-key"
    }
    assert ok(post(alice, chat_id, "recent-key", "later"), 200) == recent  # still replayed
    late = ok(post(alice, chat_id, "old-key", "early"), 201)  # forgotten: a new message
    assert late["id"] != old["id"]


def test_prune_refuses_a_window_that_is_not_positive() -> None:
    with pytest.raises(CommandError, match="--older-than-hours must be a positive duration"):
        call_command("prune_idempotency_keys", "--older-than-hours", "0")
