"""Adding a user id to a chat tells nothing about ids the caller cannot reach.

A caller may add people who share a chat with them (and whose account is
active); for an id of nobody, of a stranger, or of a deactivated account the
answer is one and the same 400, so trying ids one by one maps nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser

from tests.messaging.api_support import client_of, create_chat, make_user, ok

pytestmark = pytest.mark.django_db


def add(actor: AbstractUser, chat_id: str, user_id: int) -> Any:
    return client_of(actor).post(
        f"/api/chats/{chat_id}/participants/", {"user": user_id}, format="json"
    )


def test_unknown_stranger_and_deactivated_get_the_same_answer(cql: Any) -> None:
    owner, friend, stranger, gone = (make_user(n) for n in ("owner", "friend", "stranger", "gone"))
    create_chat(owner, friend, gone, name="where we met")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    chat_id = create_chat(owner)["id"]

    answers = [add(owner, chat_id, uid) for uid in (stranger.pk, gone.pk, stranger.pk + 10**6)]
    assert [a.status_code for a in answers] == [400, 400, 400]
    bodies = [a.json() for a in answers]
    assert bodies[0] == bodies[1] == bodies[2], bodies
    assert str(stranger.pk) not in str(bodies[0])
    assert "share a chat" in bodies[0]["user"][0]

    added = ok(add(owner, chat_id, friend.pk), 201)
    assert added["user"]["id"] == friend.pk


def test_sharing_a_chat_with_someone_else_is_not_enough(cql: Any) -> None:
    """Reach is the caller's own: an admin cannot add the owner's acquaintances."""
    owner, admin, acquaintance = make_user("owner"), make_user("admin"), make_user("acq")
    create_chat(owner, acquaintance)
    create_chat(owner, admin)
    chat_id = create_chat(owner)["id"]
    made_admin = client_of(owner).post(
        f"/api/chats/{chat_id}/participants/", {"user": admin.pk, "role": "admin"}, format="json"
    )
    assert ok(made_admin, 201)["role"] == "admin"
    refused = add(admin, chat_id, acquaintance.pk)
    assert refused.status_code == 400 and "share a chat" in refused.json()["user"][0]


def test_creating_a_chat_with_a_deactivated_account_reads_as_no_such_user(cql: Any) -> None:
    owner, gone = make_user("owner"), make_user("gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    answers = [
        client_of(owner).post(
            "/api/chats/", {"name": "x", "type": "direct", "participants": [uid]}, format="json"
        )
        for uid in (gone.pk, gone.pk + 10**6)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert [a.json()["participants"][0].split(":")[0] for a in answers] == ["No such user"] * 2
