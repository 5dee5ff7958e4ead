"""Resume: everything missed comes from the message store, then live events, with no gap
and no duplicate at the switch, while sends go on."""

from __future__ import annotations

import threading
import uuid
from typing import Any

from messaging.repository.data import MessageData
from messaging.selectors.stores import message_repo
from tests.gateway.conftest import Person, identified, make_chat
from tests.gateway.server import Server

MISSED = 500
DURING = 40


class TestResume:
    def test_500_missed_then_live_while_sends_go_on(
        self, servers: list[Server], people: tuple[Person, ...]
    ) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob)
        socket = identified(servers[1], bob)
        seen = servers[0].send(ann.token, chat, "the last one bob saw")
        assert socket.recv_until("event", type="message.created")["data"]["id"] == seen["id"]
        socket.close()

        # Written while bob is away, in batches (what the importer does: cheaper on a
        # shared machine than 500 sends, and the gateway reads them back the same way).
        rows = [
            MessageData(channel_id=uuid.UUID(chat), content=f"missed {n}", sender_id=ann.id)
            for n in range(MISSED)
        ]
        missed = [str(i) for i in message_repo().insert_messages(rows)]
        during: list[str] = []

        def keep_sending() -> None:
            for n in range(DURING):
                during.append(servers[0].send(ann.token, chat, f"during {n}")["id"])

        socket = identified(servers[1], bob)
        sending = threading.Thread(target=keep_sending)
        sending.start()
        socket.send({"op": "resume", "chats": {chat: seen["id"]}})
        frames: list[dict[str, Any]] = []
        while len([f for f in frames if f["op"] == "event"]) < MISSED + DURING:
            frames.append(socket.recv(timeout=15))
            if len(frames) % 100 == 0:
                socket.send({"op": "ping"})
        sending.join()

        created = [f["data"]["id"] for f in frames if f["op"] == "event"]
        assert all(f["type"] == "message.created" for f in frames if f["op"] == "event")
        assert len(created) == len(set(created)), "a message came twice"
        assert set(created) == set(missed) | set(during), "a message is missing"
        assert [int(i) for i in created] == sorted(int(i) for i in created), "out of order"
        switch = [f["op"] for f in frames].index("resumed")
        before_switch = {f["data"]["id"] for f in frames[:switch] if f["op"] == "event"}
        assert set(missed) <= before_switch
        socket.send({"op": "ping"})
        assert socket.recv_until("pong") == {"op": "pong"}
        assert all(f["op"] in ("event", "resumed", "pong") for f in frames)

    def test_a_resume_from_the_newest_sends_only_resumed(
        self, servers: list[Server], people: tuple[Person, ...]
    ) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob)
        newest = servers[0].send(ann.token, chat, "nothing after this")
        socket = identified(servers[1], bob)
        socket.send({"op": "resume", "chats": {chat: newest["id"]}})
        assert socket.recv() == {"op": "resumed"}
