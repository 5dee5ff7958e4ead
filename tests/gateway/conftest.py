"""Gateway fixtures: two real server processes, people with tokens, a WebSocket client.

The servers live for the session (starting one costs seconds of CPU); each
test makes its own users and chats, committed (``transactional_db``) so the
server processes see them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from messaging.services.chats import chat_create
from tests.gateway.server import Server


@pytest.fixture(scope="session")
def servers(django_db_setup: None, django_db_blocker: Any, cql: Any) -> Iterator[list[Server]]:
    """Two server processes on one database, keyspace and Redis (send on one, hear on both)."""
    started: list[Server] = []
    try:
        started.append(Server())
        started.append(Server())
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def server(servers: list[Server]) -> Server:
    return servers[0]


@dataclass
class Person:
    user: Any
    token: str

    @property
    def id(self) -> int:
        return int(self.user.pk)


def make_person(name: str) -> Person:
    user = get_user_model().objects.create_user(
        username=f"{name}-{uuid.uuid4().hex[:8]}", password="pw", first_name=name.title()
    )
    return Person(user=user, token=Token.objects.create(user=user).key)


@pytest.fixture
def people(transactional_db: None) -> tuple[Person, Person, Person]:
    return make_person("ann"), make_person("bob"), make_person("cat")


def make_chat(owner: Person, *members: Person, name: str = "a chat") -> str:
    chat = chat_create(
        creator=owner.user, name=name, type="group", participant_ids=[m.id for m in members]
    )
    return str(chat.pk)


class Socket:
    """A WebSocket client with JSON frames and a receive that fails the test on silence."""

    def __init__(self, url: str, **options: Any) -> None:
        self.conn: ClientConnection = connect(url, open_timeout=10, **options)

    def send(self, frame: Any) -> None:
        self.conn.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))

    def recv(self, timeout: float = 5.0) -> dict[str, Any]:
        frame: dict[str, Any] = json.loads(self.conn.recv(timeout=timeout))
        return frame

    def recv_until(self, op: str, timeout: float = 5.0, **match: Any) -> dict[str, Any]:
        """The next frame with this ``op`` (and fields), skipping others (pongs, other events)."""
        while True:
            frame = self.recv(timeout)
            if frame["op"] == op and all(frame.get(k) == v for k, v in match.items()):
                return frame

    def close(self) -> None:
        self.conn.close()


def assert_closed(socket: Socket, code: int, timeout: float = 5.0) -> None:
    """The server closes ``socket`` with ``code`` (frames before the close are skipped)."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            socket.recv(timeout)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == code, closed.value


def identified(server: Server, person: Person) -> Socket:
    """A socket that sent ``identify`` and got ``ready``."""
    socket = Socket(server.ws_url)
    socket.send({"op": "identify", "token": person.token})
    ready = socket.recv()
    assert ready["op"] == "ready", ready
    return socket
