"""One direct chat per pair of people: opening it again answers the one there is (200).

Enforced by PostgreSQL (a unique key of the pair on the chat row), not only by
the service's look-up first, so two concurrent requests cannot make two.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from messaging.models import Chat
from tests.messaging.api_support import client_of, create_chat, make_user, ok

pytestmark = pytest.mark.django_db


def open_direct(user: Any, other: Any, name: str = "dm") -> Any:
    body = {"name": name, "type": "direct", "participants": [other.pk]}
    return client_of(user).post("/api/chats/", body, format="json")


def test_a_second_create_either_way_answers_the_existing_chat(cql: Any) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    first = ok(open_direct(alice, bob), 201)
    again = ok(open_direct(alice, bob, name="another name"), 200)
    reverse = ok(open_direct(bob, alice), 200)
    assert first["id"] == again["id"] == reverse["id"]
    assert again["name"] == "dm" and reverse["role"] == "member"
    pair_chats = Chat.objects.filter(type="direct", participants__user=alice).filter(
        participants__user=bob
    )
    assert pair_chats.count() == 1


def test_an_archived_direct_chat_is_answered_too(cql: Any) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = ok(open_direct(alice, bob), 201)["id"]
    ok(client_of(alice).delete(f"/api/chats/{chat_id}/"), 204)
    reopened = ok(open_direct(bob, alice), 200)
    assert reopened["id"] == chat_id and reopened["archived"] is True


def test_groups_of_the_same_people_stay_apart(cql: Any) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    assert create_chat(alice, bob)["id"] != create_chat(alice, bob)["id"]


def test_the_database_refuses_a_second_direct_chat_of_a_pair(cql: Any) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat = Chat.objects.get(pk=ok(open_direct(alice, bob), 201)["id"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Chat.objects.create(
            name="sneaky", type="direct", created_by=bob, direct_pair=chat.direct_pair
        )
