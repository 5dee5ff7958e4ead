"""The close codes of the contract: 4000 (heartbeat missed), 4008 (too slow), 4029 (too many).

4001 is in ``test_identify``. Each case here needs its own limits, so it starts
its own server process with them.
"""

from __future__ import annotations

import json
import socket as sockets
import time
import uuid
from collections.abc import Iterator

import pytest
from websockets.client import ClientProtocol
from websockets.protocol import State
from websockets.uri import parse_uri

from messaging.events import send_event
from tests.gateway.conftest import Person, Socket, identified, make_chat
from tests.gateway.server import Server
from tests.gateway.test_identify import assert_closed


@pytest.fixture
def quick_heartbeat(servers: list[Server]) -> Iterator[Server]:
    server = Server({"GATEWAY_HEARTBEAT_INTERVAL": "1"})
    yield server
    server.stop()


@pytest.fixture
def small_backlog(servers: list[Server]) -> Iterator[Server]:
    server = Server({"GATEWAY_MAX_BACKLOG": "20", "GATEWAY_HEARTBEAT_INTERVAL": "60"})
    yield server
    server.stop()


class TestHeartbeat:
    def test_pings_keep_a_connection_and_silence_closes_it(
        self, quick_heartbeat: Server, people: tuple[Person, ...]
    ) -> None:
        socket = identified(quick_heartbeat, people[0])
        for _ in range(6):  # 3 s: past the 1.25 s deadline twice over
            time.sleep(0.5)
            socket.send({"op": "ping"})
            assert socket.recv() == {"op": "pong"}
        started = time.monotonic()
        assert_closed(socket, 4000)
        assert 1.0 <= time.monotonic() - started <= 3.0


class StalledClient:
    """A client that identifies, then reads nothing until told to (websockets' sans-I/O
    protocol on a plain socket with a small receive buffer, so nothing reads ahead)."""

    def __init__(self, server: Server, token: str) -> None:
        self.sock = sockets.socket()
        self.sock.setsockopt(sockets.SOL_SOCKET, sockets.SO_RCVBUF, 65536)
        self.sock.connect(("127.0.0.1", server.port))
        self.protocol = ClientProtocol(parse_uri(server.ws_url), max_size=None)
        self.protocol.send_request(self.protocol.connect())
        self._flush()
        while self.protocol.state is not State.OPEN:
            self.protocol.receive_data(self.sock.recv(65536))
        self.protocol.send_text(json.dumps({"op": "identify", "token": token}).encode())
        self._flush()

    def _flush(self) -> None:
        self.sock.sendall(b"".join(self.protocol.data_to_send()))

    def close_code(self) -> int | None:
        """Reads everything the server sent, up to its close frame; that frame's code."""
        self.sock.settimeout(10)
        while self.protocol.close_rcvd is None:
            data = self.sock.recv(1 << 20)
            if not data:
                break
            self.protocol.receive_data(data)
            self.protocol.events_received()
        return None if self.protocol.close_rcvd is None else int(self.protocol.close_rcvd.code)


class TestTooSlow:
    def test_a_client_that_stops_reading_is_closed_4008(
        self, small_backlog: Server, people: tuple[Person, ...]
    ) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob)
        # Bob reads nothing, so the server's writes back up: into the kernel's send
        # buffer (up to 4 MiB here), then into his outbox (20 events). Published
        # straight through the event module with 64 KiB of padding each, 120
        # events are plenty.
        stalled = StalledClient(small_backlog, bob.token)
        reader = identified(small_backlog, ann)
        for _ in range(120):
            data = {"user": {"id": 0}, "expires_at": "", "padding": "x" * 65536}
            send_event(type="typing.started", chat_id=uuid.UUID(chat), data=data)
            reader.recv_until("event", type="typing.started")  # the process keeps up
        assert stalled.close_code() == 4008
        reader.send({"op": "ping"})  # a connection that reads is unharmed
        assert reader.recv() == {"op": "pong"}


class TestTooMany:
    def test_one_connection_over_the_cap_is_closed_4029(
        self, server: Server, people: tuple[Person, ...]
    ) -> None:
        ann = people[0]
        open_ones = [identified(server, ann) for _ in range(4)]  # the test servers' cap
        extra = Socket(server.ws_url)
        extra.send({"op": "identify", "token": ann.token})
        assert_closed(extra, 4029)
        open_ones.pop().close()
        time.sleep(0.3)  # the server drops the closed one's claim
        again = identified(server, ann)
        again.send({"op": "ping"})
        assert again.recv() == {"op": "pong"}
