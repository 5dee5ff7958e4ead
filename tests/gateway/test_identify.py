"""Connect and identify: a token frame, a session cookie, and every way to be refused (4001)."""

from __future__ import annotations

import pytest
from django.test import Client
from websockets.exceptions import ConnectionClosed

from tests.gateway.conftest import Person, Socket, identified, make_chat
from tests.gateway.server import Server


def assert_closed(socket: Socket, code: int, timeout: float = 5.0) -> None:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            socket.recv(timeout)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == code, closed.value


class TestIdentify:
    def test_a_token_gets_ready_with_my_chats(
        self, server: Server, people: tuple[Person, ...]
    ) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob)
        socket = Socket(server.ws_url)
        socket.send({"op": "identify", "token": ann.token})
        ready = socket.recv()
        assert ready["op"] == "ready"
        assert ready["user"] == {"id": ann.id, "username": ann.user.username, "display_name": "Ann"}
        assert ready["chats"] == [chat]
        assert ready["heartbeat_interval_ms"] == 30000
        socket.close()

    def test_a_browser_session_cookie_identifies_without_a_frame(
        self, server: Server, people: tuple[Person, ...]
    ) -> None:
        ann = people[0]
        browser = Client()
        browser.force_login(ann.user)
        cookie = f"sessionid={browser.cookies['sessionid'].value}"
        socket = Socket(
            server.ws_url,
            additional_headers={"Cookie": cookie},
            origin=server.url,
        )
        assert socket.recv()["user"]["id"] == ann.id
        socket.close()

    def test_a_cookie_from_another_site_is_refused(
        self, server: Server, people: tuple[Person, ...]
    ) -> None:
        browser = Client()
        browser.force_login(people[0].user)
        cookie = f"sessionid={browser.cookies['sessionid'].value}"
        with pytest.raises(Exception, match="403"):
            Socket(
                server.ws_url, additional_headers={"Cookie": cookie}, origin="http://evil.example"
            )


class TestRefused:
    def test_a_bad_token(self, server: Server, people: tuple[Person, ...]) -> None:
        socket = Socket(server.ws_url)
        socket.send({"op": "identify", "token": "not-a-token"})
        assert socket.recv() == {"op": "error", "code": "unauthenticated"}
        assert_closed(socket, 4001)

    def test_an_inactive_user(self, server: Server, people: tuple[Person, ...]) -> None:
        ann = people[0]
        ann.user.is_active = False
        ann.user.save()
        socket = Socket(server.ws_url)
        socket.send({"op": "identify", "token": ann.token})
        assert socket.recv() == {"op": "error", "code": "unauthenticated"}
        assert_closed(socket, 4001)

    def test_another_op_before_identify(self, server: Server, people: tuple[Person, ...]) -> None:
        socket = Socket(server.ws_url)
        socket.send({"op": "ping"})
        assert socket.recv() == {"op": "error", "code": "unauthenticated"}
        assert_closed(socket, 4001)

    def test_silence_past_the_identify_timeout(self, server: Server) -> None:
        socket = Socket(server.ws_url)
        assert socket.recv(timeout=5) == {"op": "error", "code": "unauthenticated"}
        assert_closed(socket, 4001)

    def test_identify_twice_is_a_bad_request(
        self, server: Server, people: tuple[Person, ...]
    ) -> None:
        ann = people[0]
        socket = identified(server, ann)
        socket.send({"op": "identify", "token": ann.token})
        error = socket.recv()
        assert (error["op"], error["code"]) == ("error", "bad_request")
        socket.send({"op": "ping"})
        assert socket.recv() == {"op": "pong"}
        socket.close()
