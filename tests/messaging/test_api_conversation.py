"""A whole conversation through the HTTP API, as a client would hold it.

Two people, one chat, messages spread over three 10-day buckets, then every
operation of the contract in the order a user meets them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from messaging.scylla.snowflake import calculate_message_bucket
from tests.messaging.api_support import (
    client_of,
    create_chat,
    make_user,
    messages_url,
    ok,
    post_message,
    seed_message,
)

pytestmark = pytest.mark.usefixtures("stores")


def test_a_conversation_from_first_message_to_search() -> None:
    alice = make_user("alice", first_name="Alice", last_name="Liddell")
    bob = make_user("bob")
    chat = create_chat(alice, bob, name="Tea party")
    chat_id = chat["id"]
    assert chat["role"] == "owner" and chat["participant_count"] == 2
    assert chat["last_message"] is None and chat["unread_count"] == 0

    # Alice's history over at least three 10-day buckets, then today's message via the API.
    start = datetime.now(UTC) - timedelta(days=30)
    old_ids = [
        seed_message(chat_id, alice, f"old message {i}", start + timedelta(days=i))
        for i in range(25)
    ]
    assert len({calculate_message_bucket(i) for i in old_ids}) >= 3
    hello = post_message(alice, chat_id, "Hello @" + bob.username + ", would you like some tea?")
    assert hello["sender"] == {
        "id": alice.pk,
        "username": alice.username,
        "display_name": "Alice Liddell",
    }
    assert hello["mentions"] == [bob.pk]
    assert isinstance(hello["id"], str) and hello["created_at"].endswith("Z")
    assert hello["source"] == "web" and hello["telegram"] is None and hello["deleted"] is False

    bob_client = client_of(bob)
    # Bob's chat list: the last message and his unread count.
    listing = ok(bob_client.get("/api/chats/"))
    mine = next(c for c in listing["results"] if c["id"] == chat_id)
    assert mine["last_message"]["id"] == hello["id"]
    assert mine["last_message"]["content"].startswith("Hello")
    assert mine["unread_count"] == 26
    assert mine["message_count"] == 26

    # Paging: newest first, next = older, previous = newer.
    first = ok(bob_client.get(messages_url(chat_id) + "?limit=10"))
    ids = [int(m["id"]) for m in first["results"]]
    assert ids == sorted(ids, reverse=True) and ids[0] == int(hello["id"])
    assert first["previous"] is None and first["next"]
    second = ok(bob_client.get(first["next"]))
    assert [int(m["id"]) for m in second["results"]] == sorted(old_ids, reverse=True)[9:19]
    back = ok(bob_client.get(second["previous"]))
    assert [int(m["id"]) for m in back["results"]] == ids
    around = ok(bob_client.get(messages_url(chat_id) + f"?around={old_ids[12]}&limit=5"))
    assert [int(m["id"]) for m in around["results"]] == sorted(old_ids, reverse=True)[10:15]

    # Bob reads up to the middle, replies; his read position jumps to his reply.
    read = ok(bob_client.post(f"/api/chats/{chat_id}/read/", {"message_id": str(old_ids[20])}))
    assert read == {"last_read_message_id": str(old_ids[20]), "unread_count": 5}
    reply = post_message(bob, chat_id, "Yes please, with milk.", reply_to=hello["id"])
    assert reply["reply_to"] == hello["id"]
    assert ok(bob_client.get(f"/api/chats/{chat_id}/read/")) == {
        "last_read_message_id": reply["id"],
        "unread_count": 0,
    }

    # Alice edits, Bob reads the history.
    alice_client = client_of(alice)
    edited = ok(
        alice_client.patch(
            messages_url(chat_id, hello["id"]), {"content": "Hello, tea?"}, format="json"
        )
    )
    assert edited["content"] == "Hello, tea?" and edited["edited_at"]
    history = ok(bob_client.get(messages_url(chat_id, hello["id"], "history")))
    assert [h["content"] for h in history] == [hello["content"]]
    assert history[0]["editor"]["id"] == alice.pk

    # Reactions: counted once, "me" per viewer.
    ok(bob_client.post(messages_url(chat_id, hello["id"], "reactions"), {"emoji": "🍵"}), 201)
    ok(bob_client.post(messages_url(chat_id, hello["id"], "reactions"), {"emoji": "🍵"}), 200)
    ok(alice_client.post(messages_url(chat_id, hello["id"], "reactions"), {"emoji": "🍵"}), 201)
    seen_by_bob = ok(bob_client.get(messages_url(chat_id, hello["id"])))
    assert seen_by_bob["reactions"] == [{"emoji": "🍵", "count": 2, "me": True}]
    ok(bob_client.delete(messages_url(chat_id, hello["id"], "reactions", "🍵")), 204)
    seen_by_alice = ok(alice_client.get(messages_url(chat_id, hello["id"])))
    assert seen_by_alice["reactions"] == [{"emoji": "🍵", "count": 1, "me": True}]

    # Pins: newest pin first.
    ok(alice_client.post(f"/api/chats/{chat_id}/pins/", {"message_id": old_ids[0]}), 201)
    ok(alice_client.post(f"/api/chats/{chat_id}/pins/", {"message_id": hello["id"]}), 201)
    pins = ok(bob_client.get(f"/api/chats/{chat_id}/pins/"))
    assert [p["message"]["id"] for p in pins] == [hello["id"], str(old_ids[0])]
    assert pins[0]["pinned_by"]["id"] == alice.pk
    ok(alice_client.delete(f"/api/chats/{chat_id}/pins/{old_ids[0]}/"), 204)
    assert len(ok(bob_client.get(f"/api/chats/{chat_id}/pins/"))) == 1

    # Search finds the edited text, not the old one.
    found = ok(alice_client.get("/api/search/?q=tea"))["results"]
    assert [r["id"] for r in found] == [hello["id"]]
    assert found[0]["chat_id"] == chat_id and found[0]["rank"] > 0
    assert ok(alice_client.get("/api/search/?q=milk"))["results"][0]["id"] == reply["id"]

    # Bob deletes his reply: it reads deleted, and Alice's unread goes down.
    alice_unread = ok(alice_client.get(f"/api/chats/{chat_id}/read/"))["unread_count"]
    ok(bob_client.delete(messages_url(chat_id, reply["id"])), 204)
    gone = ok(alice_client.get(messages_url(chat_id, reply["id"])))
    assert gone["deleted"] is True and gone["content"] == ""
    assert ok(alice_client.get(f"/api/chats/{chat_id}/read/"))["unread_count"] == alice_unread - 1
    assert ok(alice_client.get("/api/search/?q=milk"))["results"] == []


def test_a_deleted_message_keeps_no_content_in_any_store() -> None:
    """Not only hidden by the API: the CQL row, the edit history and the index forget it."""
    from uuid import UUID

    from messaging.models import SearchEntry
    from messaging.stores import edit_history_repo, message_repo

    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    photo = {"type": "image", "url": "https://example.org/cat.jpg", "file_name": "cat.jpg"}
    posted = post_message(alice, chat_id, f"first draft @{bob.username}", attachments=[photo])
    url = messages_url(chat_id, posted["id"])
    ok(client_of(alice).patch(url, {"content": "second draft"}, format="json"))
    message_id, chat = int(posted["id"]), UUID(chat_id)
    assert len(edit_history_repo().get_history(chat, message_id)) == 1
    ok(client_of(bob).delete(url), 403)  # not his: all of it stays
    assert SearchEntry.objects.filter(chat_id=chat, message_id=message_id).exists()
    ok(client_of(alice).delete(url), 204)
    stored = message_repo().get_message(chat, message_id)
    assert stored is not None and stored.is_deleted
    assert (stored.content, stored.attachments, stored.mentions, stored.entities) == (
        "",
        [],
        frozenset(),
        [],
    )
    assert (stored.sender_id, stored.message_id) == (alice.pk, message_id)  # what remains
    assert edit_history_repo().get_history(chat, message_id) == []
    assert not SearchEntry.objects.filter(chat_id=chat, message_id=message_id).exists()


def test_a_deleted_message_shows_nothing_of_its_body_nor_its_history() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    photo = {"type": "image", "url": "https://example.org/cat.jpg", "file_name": "cat.jpg"}
    posted = post_message(alice, chat_id, f"look @{bob.username}", attachments=[photo])
    assert posted["attachments"] == [photo] and posted["mentions"] == [bob.pk]
    url = messages_url(chat_id, posted["id"])
    ok(client_of(alice).patch(url, {"content": "look again"}, format="json"))
    ok(client_of(bob).post(url + "reactions/", {"emoji": "😺"}), 201)
    ok(client_of(alice).post(f"/api/chats/{chat_id}/pins/", {"message_id": posted["id"]}), 201)
    ok(client_of(alice).delete(url), 204)
    ok(client_of(alice).delete(url), 204)  # deleting again changes nothing
    gone = ok(client_of(bob).get(url))
    assert (gone["deleted"], gone["content"], gone["attachments"], gone["mentions"]) == (
        True,
        "",
        [],
        [],
    )
    assert gone["reactions"] == []
    assert ok(client_of(bob).get(url + "history/")) == []
    assert ok(client_of(bob).get(f"/api/chats/{chat_id}/pins/")) == []
    assert client_of(alice).patch(url, {"content": "revive"}, format="json").status_code == 404
    assert client_of(bob).post(url + "reactions/", {"emoji": "👍"}).status_code == 404
