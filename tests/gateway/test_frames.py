"""Errors that keep the connection open, and hostile frames: an error each, never a crash."""

from __future__ import annotations

import json
import uuid

from tests.gateway.conftest import Person, Socket, identified, make_chat
from tests.gateway.server import Server


def error_of(socket: Socket, frame: str | bytes | dict[str, object]) -> dict[str, object]:
    socket.send(frame)
    answer = socket.recv()
    assert answer["op"] == "error", answer
    socket.send({"op": "ping"})  # the connection is still open and answering
    assert socket.recv() == {"op": "pong"}
    return answer


class TestBadRequests:
    def test_malformed_json(self, server: Server, people: tuple[Person, ...]) -> None:
        socket = identified(server, people[0])
        assert error_of(socket, "{not json")["code"] == "bad_request"
        assert error_of(socket, "[1, 2]")["code"] == "bad_request"
        assert error_of(socket, b'{"op": "ping"}')["code"] == "bad_request"  # binary frame

    def test_unknown_op(self, server: Server, people: tuple[Person, ...]) -> None:
        socket = identified(server, people[0])
        answer = error_of(socket, {"op": "subscribe_everything"})
        assert answer["code"] == "bad_request" and "subscribe_everything" in str(answer["detail"])
        assert error_of(socket, {"no": "op"})["code"] == "bad_request"

    def test_ids_that_are_not_ids(self, server: Server, people: tuple[Person, ...]) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob)
        socket = identified(server, ann)
        for frame in (
            {"op": "typing", "chat_id": "1 OR 1=1"},
            {"op": "typing", "chat_id": 12},
            {"op": "resume", "chats": {chat: "abc"}},
            {"op": "resume", "chats": {chat: 2**70}},
            {"op": "resume", "chats": {"not-a-uuid": "1"}},
            {"op": "resume", "chats": []},
            {"op": "resume", "chats": {}},
        ):
            assert error_of(socket, frame)["code"] == "bad_request", frame


class TestHostileFrames:
    def test_huge_and_deep_frames(self, server: Server, people: tuple[Person, ...]) -> None:
        socket = identified(server, people[0])
        huge = json.dumps({"op": "ping", "pad": "x" * 500_000})
        assert "at most" in str(error_of(socket, huge)["detail"])
        deep = '{"op": "ping", "x": ' + "[" * 8000 + "]" * 8000 + "}"  # valid, < 16 KiB
        assert error_of(socket, deep)["code"] == "bad_request"  # past the parser's recursion

    def test_other_peoples_chats(self, server: Server, people: tuple[Person, ...]) -> None:
        ann, bob, cat = people
        theirs = make_chat(ann, bob)
        socket = identified(server, cat)
        for frame in (
            {"op": "typing", "chat_id": theirs},
            {"op": "typing", "chat_id": str(uuid.uuid4())},
            {"op": "resume", "chats": {theirs: "0"}},
        ):
            answer = error_of(socket, frame)
            assert answer["code"] == "not_found", frame
        assert "react" not in json.dumps(answer)  # nothing of their chat is shown


class TestStoreDown:
    def test_a_resume_without_the_message_store_is_an_error_not_a_crash(
        self, servers: list[Server], people: tuple[Person, ...]
    ) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob)
        without_cql = Server({"SCYLLA_ENABLED": "false"})
        try:
            socket = identified(without_cql, ann)
            answer = error_of(socket, {"op": "resume", "chats": {chat: "1"}})
            assert answer["code"] == "unavailable"
        finally:
            without_cql.stop()
