"""The ``typing`` op: what ``POST /api/chats/{id}/typing/`` does, for a gateway connection."""

from __future__ import annotations

import uuid
from typing import Any

from messaging.gateway.frames import FrameError
from messaging.selectors.chats import user_is_participant
from presence.store import REDIS_DOWN
from presence.typing import start_typing


def typing_start(*, user: Any, chat_id: str) -> None:
    """Marks ``user`` typing (``typing.started`` reaches the others through the presence signal)."""
    parsed = uuid.UUID(chat_id)
    if not user_is_participant(user, parsed):
        raise FrameError("not_found", f"No chat {chat_id} among yours.")
    try:
        start_typing(parsed, user.pk)
    except REDIS_DOWN:
        raise FrameError("degraded", "Typing is kept in Redis, which is unreachable now.") from None
