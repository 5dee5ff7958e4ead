"""Reaction rules: real emoji only, a cap on distinct emoji per message, any stored
reaction removable, and archived chats read-only for reactions, pins and typing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser

from messaging.stores import message_repo
from tests.messaging.api_support import client_of, create_chat, make_user, messages_url, ok
from tests.messaging.api_support import post_message as post

pytestmark = pytest.mark.usefixtures("stores")


@pytest.fixture
def people() -> tuple[AbstractUser, AbstractUser]:
    return make_user("alice"), make_user("bob")


def react(user: AbstractUser, chat_id: str, message_id: str, emoji: str) -> Any:
    url = messages_url(chat_id, message_id, "reactions")
    return client_of(user).post(url, {"emoji": emoji}, format="json")


@pytest.mark.parametrize("emoji", ["👍", "👍🏽", "👨‍👩‍👧", "🇺🇦", "❤️", "1️⃣"])
def test_unicode_emoji_sequences_are_taken(emoji: str, people: Any) -> None:
    alice, bob = people
    chat_id = create_chat(alice, bob)["id"]
    message_id = post(alice, chat_id, "hi")["id"]
    assert ok(react(bob, chat_id, message_id, emoji), 201)["emoji"] == emoji


@pytest.mark.parametrize("emoji", ["a", "/", "a/b", "👍👍", ":)", "1", "👍x", ":party:"])
def test_anything_else_is_a_400_naming_the_emoji(emoji: str, people: Any) -> None:
    alice, bob = people
    chat_id = create_chat(alice, bob)["id"]
    message_id = post(alice, chat_id, "hi")["id"]
    refused = react(bob, chat_id, message_id, emoji)
    assert refused.status_code == 400
    assert "one Unicode emoji" in refused.json()["emoji"][0]


def test_a_configured_custom_reaction_is_taken(settings: Any, people: Any) -> None:
    settings.MESSAGING_REACTION_CUSTOM_EMOJI = [":partyparrot:"]
    alice, bob = people
    chat_id = create_chat(alice, bob)["id"]
    message_id = post(alice, chat_id, "hi")["id"]
    ok(react(bob, chat_id, message_id, ":partyparrot:"), 201)
    assert react(bob, chat_id, message_id, ":sadparrot:").status_code == 400


def test_distinct_reactions_per_message_are_capped(settings: Any, people: Any) -> None:
    settings.MESSAGING_REACTION_MAX_DISTINCT = 3
    alice, bob = people
    chat_id = create_chat(alice, bob)["id"]
    message_id = post(alice, chat_id, "hi")["id"]
    for emoji in ("🍎", "🍐", "🍊"):
        ok(react(alice, chat_id, message_id, emoji), 201)
    refused = react(bob, chat_id, message_id, "🍋")
    assert refused.status_code == 400
    assert "3 different reactions" in refused.json()["emoji"][0]
    ok(react(bob, chat_id, message_id, "🍎"), 201)  # one already there: always fine
    ok(client_of(alice).delete(messages_url(chat_id, message_id, "reactions", "🍐")), 204)
    ok(react(bob, chat_id, message_id, "🍋"), 201)  # room again


def test_the_default_cap_is_twenty(people: Any) -> None:
    alice, bob = people
    chat_id = create_chat(alice, bob)["id"]
    message_id = post(alice, chat_id, "hi")["id"]
    for offset in range(20):
        ok(react(alice, chat_id, message_id, chr(0x1F600 + offset)), 201)
    assert react(alice, chat_id, message_id, chr(0x1F600 + 20)).status_code == 400


@pytest.mark.parametrize("stored", ["a/b", "/", "x/y/z", "?", "#"])
def test_a_stored_reaction_with_any_characters_can_be_removed(stored: str, people: Any) -> None:
    """Reactions stored before emoji were checked (any text up to 64 characters) stay
    removable: the path takes the emoji percent-encoded, slashes included."""
    alice, bob = people
    chat_id = create_chat(alice, bob)["id"]
    message_id = post(alice, chat_id, "hi")["id"]
    message_repo().add_reaction(uuid.UUID(chat_id), int(message_id), bob.pk, stored)
    encoded = "".join(f"%{byte:02X}" for byte in stored.encode())
    url = messages_url(chat_id, message_id) + f"reactions/{encoded}/"
    ok(client_of(bob).delete(url), 204)
    message = ok(client_of(bob).get(messages_url(chat_id, message_id)))
    assert message["reactions"] == []


def test_an_archived_chat_is_read_only_for_reactions_pins_and_typing(people: Any) -> None:
    alice, bob = people
    chat_id = create_chat(alice, bob)["id"]
    message_id = post(alice, chat_id, "hi")["id"]
    ok(react(bob, chat_id, message_id, "👍"), 201)
    ok(client_of(bob).post(f"/api/chats/{chat_id}/pins/", {"message_id": message_id}), 201)
    ok(client_of(alice).delete(f"/api/chats/{chat_id}/"), 204)

    bob_client = client_of(bob)
    refusals = [
        react(bob, chat_id, message_id, "🎉"),
        bob_client.delete(messages_url(chat_id, message_id, "reactions", "👍")),
        bob_client.post(f"/api/chats/{chat_id}/pins/", {"message_id": message_id}),
        bob_client.delete(f"/api/chats/{chat_id}/pins/{message_id}/"),
        bob_client.post(f"/api/chats/{chat_id}/typing/"),
    ]
    assert [r.status_code for r in refusals] == [403] * 5, [r.json() for r in refusals]
    assert all("archived" in r.json()["detail"] for r in refusals)
    # Reading stays: the reaction and the pin are still there.
    message = ok(bob_client.get(messages_url(chat_id, message_id)))
    assert message["reactions"] == [{"emoji": "👍", "count": 1, "me": True}]
    assert len(ok(bob_client.get(f"/api/chats/{chat_id}/pins/"))) == 1
    ok(bob_client.get(f"/api/chats/{chat_id}/typing/"))
