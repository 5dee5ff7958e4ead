"""Which WebSocket handshakes may carry a session cookie's identity.

A page on another site could open a socket to us with the visitor's cookie
(cross-site WebSocket hijacking); browsers always send ``Origin``, so a
handshake with one must come from an allowed host (``ALLOWED_HOSTS``, as
Channels' ``AllowedHostsOriginValidator``). A handshake without ``Origin`` is
not a browser's: it is let in and identifies with a token frame.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import ParseResult

from channels.security.websocket import OriginValidator
from django.conf import settings


class BrowserOriginValidator(OriginValidator):
    def valid_origin(self, parsed_origin: ParseResult | None) -> bool:
        return parsed_origin is None or bool(self.validate_origin(parsed_origin))


def browser_origin_validator(application: Any) -> BrowserOriginValidator:
    return BrowserOriginValidator(application, settings.ALLOWED_HOSTS)
