"""Redis down: open connections stay, are told ``degraded``, and delivery comes back by itself.

The server processes here use a private redis-server started by the test on a
free port (never the shared one), which the test stops and starts again.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from tests.gateway.conftest import Person, identified, make_chat
from tests.gateway.server import Server, free_port

REDIS_SERVER = ("/usr/bin/redis-server", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")


class PrivateRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [*REDIS_SERVER, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise AssertionError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(servers: list[Server]) -> Iterator[PrivateRedis]:
    store = PrivateRedis()
    store.start()
    yield store
    store.stop()


@pytest.fixture
def redis_servers(private_redis: PrivateRedis) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        for _ in range(2):
            started.append(Server({"REDIS_URL": private_redis.url}))
        yield started
    finally:
        for server in started:
            server.stop()


class TestRedisDown:
    def test_connections_stay_degraded_then_delivery_resumes(
        self,
        private_redis: PrivateRedis,
        redis_servers: list[Server],
        people: tuple[Person, ...],
    ) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob)
        sender, listener = redis_servers
        socket = identified(listener, bob)
        seen = sender.send(ann.token, chat, "before the outage")
        assert socket.recv_until("event", type="message.created")["data"]["id"] == seen["id"]

        private_redis.stop()
        degraded = socket.recv_until("error", timeout=10)
        assert degraded["code"] == "degraded"
        socket.send({"op": "ping"})
        assert socket.recv_until("pong") == {"op": "pong"}  # still open and answering
        during = sender.send(ann.token, chat, "while Redis is down")  # stored all the same

        private_redis.start()
        deadline = time.monotonic() + 20
        while True:  # each process notices Redis is back within its check interval
            assert time.monotonic() < deadline, "live delivery did not come back"
            after = sender.send(ann.token, chat, "after the outage")
            try:
                frame = socket.recv_until("event", timeout=2, type="message.created")
            except TimeoutError:
                continue
            if frame["data"]["id"] == after["id"]:
                break
        socket.send({"op": "resume", "chats": {chat: seen["id"]}})
        resumed = []
        while (frame := socket.recv())["op"] != "resumed":
            resumed.append(frame["data"]["id"])
        assert during["id"] in resumed  # the gap is filled from the message store
