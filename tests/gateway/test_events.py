"""Every write reaches the open connections of the chat's people, across server processes.

Sends go through one server process (the API), the connections listen on the
other, so every event crosses Redis. A message event's data must equal what
``GET .../messages/`` shows that recipient.
"""

from __future__ import annotations

from typing import Any

from tests.gateway.conftest import Person, Socket, identified, make_chat
from tests.gateway.server import Server


def as_listed(server: Server, person: Person, chat: str, message_id: str) -> dict[str, Any]:
    page = server.call("GET", person.token, f"/api/chats/{chat}/messages/?around={message_id}")
    return next(m for m in page["results"] if m["id"] == message_id)


def nothing_more_of(socket: Socket, chat: str) -> None:
    """A ping answered with no event of ``chat`` before it: nothing of it was queued."""
    socket.send({"op": "ping"})
    while (frame := socket.recv()) != {"op": "pong"}:
        assert frame.get("chat_id") != chat, frame


class TestMessages:
    def test_a_send_on_one_process_reaches_both(
        self, servers: list[Server], people: tuple[Person, ...]
    ) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob)
        here, there = identified(servers[0], bob), identified(servers[1], bob)
        sent = servers[0].send(ann.token, chat, "hello over the wire")
        for socket in (here, there):
            event = socket.recv_until("event", type="message.created")
            assert event["chat_id"] == chat
            assert event["data"] == as_listed(servers[1], bob, chat, sent["id"])

    def test_edits_and_deletes_with_my_own_reactions(
        self, servers: list[Server], people: tuple[Person, ...]
    ) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob)
        sent = servers[0].send(ann.token, chat, "first")
        path = f"/api/chats/{chat}/messages/{sent['id']}/"
        servers[0].call("POST", bob.token, path + "reactions/", {"emoji": "👍"}, 201)
        ann_socket, bob_socket = identified(servers[1], ann), identified(servers[1], bob)
        servers[0].call("PATCH", ann.token, path, {"content": "second"})
        for person, socket in ((ann, ann_socket), (bob, bob_socket)):
            edited = socket.recv_until("event", type="message.edited")["data"]
            assert edited == as_listed(servers[0], person, chat, sent["id"])
            assert edited["reactions"] == [{"emoji": "👍", "count": 1, "me": person is bob}]
        servers[0].call("DELETE", ann.token, path, status=204)
        deleted = bob_socket.recv_until("event", type="message.deleted")["data"]
        assert deleted == as_listed(servers[0], bob, chat, sent["id"])
        assert deleted["deleted"] is True and deleted["content"] == ""


class TestOtherEvents:
    def test_reactions_pins_and_read_marks(
        self, servers: list[Server], people: tuple[Person, ...]
    ) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob)
        sent = servers[0].send(ann.token, chat, "react to me")
        socket = identified(servers[1], ann)
        path = f"/api/chats/{chat}/messages/{sent['id']}/reactions/"
        servers[0].call("POST", bob.token, path, {"emoji": "🎉"}, 201)
        added = socket.recv_until("event", type="reaction.added")["data"]
        assert added["message_id"] == sent["id"] and added["emoji"] == "🎉"
        assert added["count"] == 1 and added["user"]["id"] == bob.id
        servers[0].call("DELETE", bob.token, path + "🎉/", status=204)
        assert socket.recv_until("event", type="reaction.removed")["data"]["count"] == 0
        body = {"message_id": sent["id"]}
        servers[0].call("POST", bob.token, f"/api/chats/{chat}/pins/", body, 201)
        pinned = socket.recv_until("event", type="pin.added")["data"]
        assert pinned["message_id"] == sent["id"] and pinned["pinned_by"]["id"] == bob.id
        servers[0].call("DELETE", bob.token, f"/api/chats/{chat}/pins/{sent['id']}/", status=204)
        assert socket.recv_until("event", type="pin.removed")["data"]["message_id"] == sent["id"]
        mine = identified(servers[1], bob)
        servers[0].call("POST", bob.token, f"/api/chats/{chat}/read/", body)
        read = mine.recv_until("event", type="read.updated")
        assert read["data"] == {"last_read_message_id": sent["id"], "unread_count": 0}
        nothing_more_of(socket, chat)  # ann is not told of bob's read mark

    def test_typing_reaches_the_others_never_the_typist(
        self, servers: list[Server], people: tuple[Person, ...]
    ) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob)
        ann_socket, bob_socket = identified(servers[0], ann), identified(servers[1], bob)
        bob_socket.send({"op": "typing", "chat_id": chat})
        typing = ann_socket.recv_until("event", type="typing.started")
        assert typing["chat_id"] == chat and typing["data"]["user"]["id"] == bob.id
        assert typing["data"]["expires_at"].endswith("Z")
        servers[0].call("POST", ann.token, f"/api/chats/{chat}/typing/", status=204)
        assert bob_socket.recv_until("event", type="typing.started")["data"]["user"]["id"] == ann.id
        nothing_more_of(ann_socket, chat)

    def test_presence_reaches_people_who_share_a_chat_only(
        self, servers: list[Server], people: tuple[Person, ...]
    ) -> None:
        ann, bob, cat = people
        make_chat(ann, bob)
        ann_socket, cat_socket = identified(servers[1], ann), identified(servers[1], cat)
        # Online first: user ids recur between test sessions, and Redis may still hold
        # an earlier "dnd" of this id (a repeated status is no change, so no event).
        for status in ("online", "dnd"):
            servers[0].call("POST", bob.token, "/api/presence/", {"status": status}, 204)
        while (changed := ann_socket.recv_until("event", type="presence.changed")["data"])[
            "status"
        ] != "dnd":
            assert changed["user_id"] == bob.id
        assert changed["user_id"] == bob.id and changed["last_seen"].endswith("Z")
        cat_socket.send({"op": "ping"})
        assert cat_socket.recv() == {"op": "pong"}


class TestMembership:
    def test_a_removed_participant_is_cut_off_on_every_connection(
        self, servers: list[Server], people: tuple[Person, ...]
    ) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob)
        sockets = [identified(servers[0], bob), identified(servers[1], bob)]
        witnesses = [identified(servers[0], ann), identified(servers[1], ann)]
        servers[0].call(
            "DELETE", ann.token, f"/api/chats/{chat}/participants/{bob.id}/", status=204
        )
        for socket in sockets:
            left = socket.recv_until("event", type="chat.left")
            assert left["chat_id"] == chat and left["data"] == {"id": chat}
        sent = servers[0].send(ann.token, chat, "not for bob any more")
        for witness in witnesses:  # each process has handed the event out by now
            assert witness.recv_until("event", type="message.created")["data"]["id"] == sent["id"]
        for socket in sockets:
            nothing_more_of(socket, chat)
            socket.send({"op": "typing", "chat_id": chat})
            assert socket.recv()["code"] == "not_found"

    def test_an_added_participant_hears_the_chat_at_once(
        self, servers: list[Server], people: tuple[Person, ...]
    ) -> None:
        ann, bob, cat = people
        make_chat(ann, cat)  # people are added by those who already share a chat with them
        chat = make_chat(ann, bob)
        socket = identified(servers[1], cat)
        servers[0].call(
            "POST", ann.token, f"/api/chats/{chat}/participants/", {"user": cat.id}, 201
        )
        joined = socket.recv_until("event", type="chat.joined")
        assert joined["data"] == servers[0].call("GET", cat.token, f"/api/chats/{chat}/")
        sent = servers[0].send(bob.token, chat, "welcome, cat")
        assert socket.recv_until("event", type="message.created")["data"]["id"] == sent["id"]

    def test_a_rename_shows_each_their_own_view_of_the_chat(
        self, servers: list[Server], people: tuple[Person, ...]
    ) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob)
        socket = identified(servers[1], bob)
        servers[0].call("PATCH", ann.token, f"/api/chats/{chat}/", {"name": "renamed"})
        updated = socket.recv_until("event", type="chat.updated")["data"]
        assert updated == servers[0].call("GET", bob.token, f"/api/chats/{chat}/")
        assert updated["name"] == "renamed" and updated["role"] == "member"
