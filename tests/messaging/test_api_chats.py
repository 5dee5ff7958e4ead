"""Chats and participants over HTTP: shapes, role rules, and the cost of a chat list page."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.scylla import ScyllaClient
from messaging.stores import message_repo
from presence.status import set_presence
from tests.messaging.api_support import (
    client_of,
    create_chat,
    make_user,
    messages_url,
    ok,
    post_message,
)

pytestmark = pytest.mark.usefixtures("stores")


CHAT_FIELDS = {
    "id",
    "name",
    "type",
    "role",
    "unread_count",
    "last_read_message_id",
    "muted",
    "last_message",
    "participant_count",
    "message_count",
    "archived",
    "telegram_chat_id",
    "created_at",
    "updated_at",
}


def test_create_makes_me_owner_and_the_others_members() -> None:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    chat = create_chat(alice, bob, carol, name="Book club")
    assert set(chat) == CHAT_FIELDS
    assert chat["name"] == "Book club" and chat["type"] == "group" and chat["role"] == "owner"
    assert chat["participant_count"] == 3 and chat["archived"] is False
    assert chat["created_at"].endswith("Z")
    people = ok(client_of(bob).get(f"/api/chats/{chat['id']}/participants/"))
    assert [(p["user"]["id"], p["role"]) for p in people] == [
        (alice.pk, "owner"),
        (bob.pk, "member"),
        (carol.pk, "member"),
    ]
    assert ok(client_of(bob).get(f"/api/chats/{chat['id']}/"))["role"] == "member"
    # The CQL side's denormalised copy of the name and type.
    metadata = message_repo().get_channel_metadata(uuid.UUID(chat["id"]))
    assert metadata is not None
    assert (metadata.channel_name, metadata.channel_type) == ("Book club", "group")
    ok(client_of(alice).patch(f"/api/chats/{chat['id']}/", {"name": "Reading club"}))
    renamed = message_repo().get_channel_metadata(uuid.UUID(chat["id"]))
    assert renamed is not None and renamed.channel_name == "Reading club"


def test_participants_show_presence_from_redis() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat = create_chat(alice, bob)
    set_presence(bob.pk, "dnd")
    people = ok(client_of(alice).get(f"/api/chats/{chat['id']}/participants/"))
    by_id = {p["user"]["id"]: p["presence"] for p in people}
    assert by_id[bob.pk]["status"] == "dnd" and by_id[bob.pk]["last_seen"].endswith("Z")
    assert by_id[alice.pk] == {"status": "offline", "last_seen": None}


def test_the_chat_list_shows_last_message_unread_and_counts() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    quiet = create_chat(alice, bob, name="quiet")
    busy = create_chat(alice, bob, name="busy")
    post_message(alice, busy["id"], "first")
    last = post_message(alice, busy["id"], "second")
    page = ok(client_of(bob).get("/api/chats/"))
    assert [c["name"] for c in page["results"]] == ["busy", "quiet"]  # recent activity first
    listed = page["results"][0]
    assert listed["last_message"] == {
        "id": last["id"],
        "content": "second",
        "sender": last["sender"],
        "created_at": last["created_at"],
        "deleted": False,
    }
    assert listed["unread_count"] == 2 and listed["message_count"] == 2
    assert page["results"][1]["last_message"] is None
    assert page["results"][1]["id"] == quiet["id"]


def test_a_deleted_last_message_shows_as_deleted() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    last = post_message(alice, chat_id, "oops")
    ok(client_of(alice).delete(messages_url(chat_id, last["id"])), 204)
    listed = ok(client_of(bob).get(f"/api/chats/{chat_id}/"))
    assert listed["last_message"]["deleted"] is True and listed["last_message"]["content"] == ""
    assert listed["unread_count"] == 0 and listed["message_count"] == 0


def test_the_chat_list_pages_by_cursor_and_validates_limit() -> None:
    alice = make_user("alice")
    for i in range(5):
        create_chat(alice, name=f"chat {i}")
    client = client_of(alice)
    first = ok(client.get("/api/chats/?limit=2"))
    second = ok(client.get(first["next"]))
    third = ok(client.get(second["next"]))
    names = [c["name"] for c in first["results"] + second["results"] + third["results"]]
    assert names == [f"chat {i}" for i in range(4, -1, -1)] and third["next"] is None
    assert client.get("/api/chats/?limit=0").status_code == 400
    assert client.get("/api/chats/?limit=101").status_code == 400
    assert client.get("/api/chats/?cursor=garbage").status_code == 404


def test_a_chat_list_page_costs_the_same_for_one_chat_or_twenty(cql: ScyllaClient) -> None:
    def cost(user: Any) -> tuple[int, int, int]:
        before = cql.metrics.snapshot().queries
        with CaptureQueriesContext(connection) as pg:
            page = ok(client_of(user).get("/api/chats/?limit=50"))
        return (
            len(pg.captured_queries),
            cql.metrics.snapshot().queries - before,
            len(page["results"]),
        )

    few, many = make_user("few"), make_user("many")
    post_message(few, create_chat(few, make_user("x"))["id"], "hi")
    for i in range(20):
        chat_id = create_chat(many, make_user(f"p{i}"))["id"]
        post_message(many, chat_id, f"hello {i}")
    cost(few), cost(many)  # warm the Redis message counters
    # PostgreSQL: the page of chats, the last messages' text and senders.
    # CQL: channel_metadata for the page.
    assert cost(few) == (2, 1, 1)
    assert cost(many) == (2, 1, 20)


def test_rename_by_admin_archive_by_owner_only() -> None:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    create_chat(alice, bob, name="lobby")
    chat_id = create_chat(alice, carol, name="old")["id"]
    ok(
        client_of(alice).post(
            f"/api/chats/{chat_id}/participants/", {"user": bob.pk, "role": "admin"}
        ),
        201,
    )
    renamed = ok(client_of(bob).patch(f"/api/chats/{chat_id}/", {"name": "new"}, format="json"))
    assert renamed["name"] == "new" and renamed["role"] == "admin"
    assert client_of(carol).patch(f"/api/chats/{chat_id}/", {"name": "x"}).status_code == 403
    assert client_of(bob).patch(f"/api/chats/{chat_id}/", {"archived": True}).status_code == 403
    assert client_of(bob).delete(f"/api/chats/{chat_id}/").status_code == 403
    ok(client_of(alice).delete(f"/api/chats/{chat_id}/"), 204)
    archived = ok(client_of(carol).get(f"/api/chats/{chat_id}/"))
    assert archived["archived"] is True
    assert [c["id"] for c in ok(client_of(carol).get("/api/chats/?archived=true"))["results"]] == [
        chat_id
    ]
    assert ok(client_of(carol).get("/api/chats/?archived=false"))["results"] == []
    refused = client_of(alice).post(messages_url(chat_id), {"content": "hello?"})
    assert refused.status_code == 403 and "archived" in refused.data["detail"]
    ok(client_of(alice).patch(f"/api/chats/{chat_id}/", {"archived": False}, format="json"))
    post_message(alice, chat_id, "back again")


def test_adding_and_removing_people() -> None:
    alice, bob, carol, dave = (make_user(n) for n in ("alice", "bob", "carol", "dave"))
    create_chat(alice, dave, name="lobby")
    chat_id = create_chat(alice, bob, carol)["id"]
    url = f"/api/chats/{chat_id}/participants/"
    added = ok(client_of(alice).post(url, {"user": dave.pk}), 201)
    assert added["user"]["id"] == dave.pk and added["role"] == "member"
    assert client_of(alice).post(url, {"user": dave.pk}).status_code == 409  # already in
    assert client_of(bob).post(url, {"user": make_user("eve").pk}).status_code == 403
    assert client_of(bob).delete(f"{url}{carol.pk}/").status_code == 403
    ok(client_of(alice).delete(f"{url}{carol.pk}/"), 204)
    ok(client_of(bob).delete(f"{url}{bob.pk}/"), 204)  # leaving
    assert client_of(bob).get(f"/api/chats/{chat_id}/").status_code == 404
    assert client_of(alice).delete(f"{url}{alice.pk}/").status_code == 400  # the owner stays
    assert client_of(alice).delete(f"{url}{carol.pk}/").status_code == 404  # not in any more
    left = ok(client_of(alice).get(url))
    assert sorted(p["user"]["id"] for p in left) == sorted([alice.pk, dave.pk])


def test_admins_cannot_make_admins_or_remove_them() -> None:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    create_chat(alice, bob, carol, name="lobby")
    chat_id = create_chat(alice)["id"]
    url = f"/api/chats/{chat_id}/participants/"
    ok(client_of(alice).post(url, {"user": bob.pk, "role": "admin"}), 201)
    ok(client_of(alice).post(url, {"user": carol.pk, "role": "admin"}), 201)
    assert client_of(bob).post(url, {"user": make_user("d").pk, "role": "admin"}).status_code == 403
    assert client_of(bob).delete(f"{url}{carol.pk}/").status_code == 403
    assert client_of(bob).delete(f"{url}{alice.pk}/").status_code == 403


def test_direct_chats_are_two_people_for_good() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    client = client_of(alice)
    assert client.post("/api/chats/", {"name": "dm", "type": "direct"}).status_code == 400
    chat = create_chat(alice, bob, type="direct", name="dm")
    url = f"/api/chats/{chat['id']}/participants/"
    assert client.post(url, {"user": make_user("carol").pk}).status_code == 400
    assert client_of(bob).delete(f"{url}{bob.pk}/").status_code == 400


def test_channels_let_only_owners_and_admins_post_and_pin() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob, type="channel", name="news")["id"]
    news = post_message(alice, chat_id, "announcement")
    assert client_of(bob).post(messages_url(chat_id), {"content": "me too"}).status_code == 403
    pins = f"/api/chats/{chat_id}/pins/"
    assert client_of(bob).post(pins, {"message_id": news["id"]}).status_code == 403
    ok(client_of(alice).post(pins, {"message_id": news["id"]}), 201)
    # Members still read, react and mark read.
    ok(client_of(bob).post(messages_url(chat_id, news["id"], "reactions"), {"emoji": "👍"}), 201)
    ok(client_of(bob).post(f"/api/chats/{chat_id}/read/", {"message_id": news["id"]}))


def test_mute_is_mine_alone_and_shows_in_the_chat_list() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    url = f"/api/chats/{chat_id}/mute/"
    assert ok(client_of(bob).get(url)) == {"muted": False}
    assert ok(client_of(bob).post(url, {"muted": True}, format="json")) == {"muted": True}
    chats = {c["id"]: c for c in ok(client_of(bob).get("/api/chats/"))["results"]}
    assert chats[chat_id]["muted"] is True
    assert ok(client_of(alice).get(url)) == {"muted": False}  # only bob muted it
    assert ok(client_of(bob).post(url, {"muted": False}, format="json")) == {"muted": False}
    bad = client_of(bob).post(url, {"muted": "sometimes"}, format="json")
    assert bad.status_code == 400 and "muted" in bad.data
    missing = client_of(bob).post(url, {}, format="json")
    assert missing.status_code == 400 and "muted" in missing.data
    stranger = client_of(make_user("carol")).post(url, {"muted": True}, format="json")
    assert stranger.status_code == 404
