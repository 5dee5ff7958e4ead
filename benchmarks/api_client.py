"""A plain HTTP client of the API for load and fault runs: one call, its status and JSON.

``http.client`` and nothing else, so a run measures the server, not a client
library; a connection that fails is status 0 (the server never answered).
"""

from __future__ import annotations

import http.client
import json
from typing import Any


class ApiClient:
    def __init__(self, port: int, token: str, *, timeout: float = 15.0) -> None:
        self.port = port
        self.token = token
        self.timeout = timeout
        self.body: Any = None  # the last answer's JSON (None if it was not a JSON object)

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Token {self.token}",
            **(headers or {}),
        }
        try:
            connection.request(method, path, json.dumps(body) if body else None, headers)
            response = connection.getresponse()
            status, text = response.status, response.read()
        except OSError:
            self.body = None
            return 0
        finally:
            connection.close()
        self.body = json.loads(text) if text.startswith(b"{") else {"raw": text[:500]}
        return status
