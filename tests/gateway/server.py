"""A real ASGI server process of the project, on a free loopback port, for gateway tests.

It runs the test settings against the session's test database, CQL keyspace
and Redis prefix (or another Redis, for the outage tests), with short
heartbeat and identify timeouts so the close codes are quick to reach.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
TEST_GATEWAY_ENV = {
    "GATEWAY_HEARTBEAT_INTERVAL": "30",
    "GATEWAY_IDENTIFY_TIMEOUT": "1",
    "GATEWAY_MAX_CONNECTIONS_PER_USER": "4",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """``uvicorn wellwon.asgi:application`` with the test settings; ``stop()`` ends it."""

    def __init__(self, extra_env: Mapping[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws/"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            # The session's test database (pytest-django switched NAME to it).
            "POSTGRES_DB": str(settings.DATABASES["default"]["NAME"]),
            "LOG_LEVEL": "WARNING",
            **TEST_GATEWAY_ENV,
            **(extra_env or {}),
        }
        env.pop("DATABASE_URL", None)
        self.log = (BASE_DIR / ".local").joinpath(f"gateway-test-{self.port}.log")
        self.log.parent.mkdir(exist_ok=True)
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "uvicorn",
                "wellwon.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--ws-max-size",
                str(1024 * 1024),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/health/live", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise AssertionError(f"the server did not answer within {timeout}s")

    def call(self, method: str, token: str, path: str, body: Any = None, status: int = 200) -> Any:
        """An API request as the token's user; fails the test on another status."""
        answer = requests.request(
            method,
            f"{self.url}{path}",
            json=body,
            headers={"Authorization": f"Token {token}"},
            timeout=10,
        )
        assert answer.status_code == status, (answer.status_code, answer.text)
        return answer.json() if answer.content else None

    def send(self, token: str, chat_id: str, content: str) -> dict[str, Any]:
        sent: dict[str, Any] = self.call(
            "POST", token, f"/api/chats/{chat_id}/messages/", {"content": content}, 201
        )
        return sent

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()
