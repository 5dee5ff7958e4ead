"""Client frames: from text to a typed op, or a ``FrameError`` naming what is wrong.

Every check that does not need a store is here, so the consumer only calls
services with well-formed input.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from messaging.api.fields import parse_snowflake

#: Most chats one resume may name (a client resumes the chats it shows).
MAX_RESUME_CHATS = 1000


class FrameError(Exception):
    """``{"op": "error", "code": code, "detail": detail}``; the connection stays open."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Identify:
    token: str


@dataclass(frozen=True)
class Ping:
    pass


@dataclass(frozen=True)
class Typing:
    chat_id: str


@dataclass(frozen=True)
class Resume:
    chats: dict[str, int]  # chat id -> the last message id seen


Op = Identify | Ping | Typing | Resume


def parse_frame(text: str, *, max_bytes: int) -> Op:
    if len(text) > max_bytes:  # characters >= bytes/4: cheap first bound
        raise FrameError("bad_request", f"Frames are at most {max_bytes} bytes.")
    if len(text.encode()) > max_bytes:
        raise FrameError("bad_request", f"Frames are at most {max_bytes} bytes.")
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError):
        raise FrameError("bad_request", "A frame is one JSON object.") from None
    if not isinstance(frame, dict):
        raise FrameError("bad_request", "A frame is one JSON object.")
    op = frame.get("op")
    if op == "identify":
        token = frame.get("token")
        if not isinstance(token, str) or not token:
            raise FrameError("bad_request", "identify needs a token (a string).")
        return Identify(token=token)
    if op == "ping":
        return Ping()
    if op == "typing":
        return Typing(chat_id=_chat_id(frame.get("chat_id")))
    if op == "resume":
        return Resume(chats=_resume_chats(frame.get("chats")))
    raise FrameError("bad_request", f"Unknown op {_shown(op)}: identify, ping, typing or resume.")


def _chat_id(value: Any) -> str:
    try:
        if isinstance(value, str):
            return str(uuid.UUID(value))
    except ValueError:
        pass
    raise FrameError("bad_request", f"{_shown(value)} is not a chat id (a UUID).")


def _resume_chats(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or not value:
        raise FrameError("bad_request", 'resume needs "chats": {"<chat id>": "<message id>"}.')
    if len(value) > MAX_RESUME_CHATS:
        raise FrameError("bad_request", f"resume takes at most {MAX_RESUME_CHATS} chats.")
    chats: dict[str, int] = {}
    for chat, last in value.items():
        message_id = parse_snowflake(last)
        if message_id is None:
            raise FrameError("bad_request", f"{_shown(last)} is not a message id.")
        chats[_chat_id(chat)] = message_id
    return chats


def _shown(value: Any) -> str:
    """A client's value in an error, cut short (never echo a megabyte back)."""
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + '..."'
