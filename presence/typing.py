"""Typing indicators: who is typing in a chat right now.

One sorted set per chat, ``<prefix>:typing:<chat_id>``: member = user id,
score = the moment (epoch ms, Redis clock) that user's "typing" runs out.
Entries vanish by themselves, with no sweeper:

- a read asks only for scores after now, so a lapsed entry is never seen;
- each write drops lapsed entries and sets the key to expire with its newest
  entry, so a chat where nobody types any more leaves no key behind.

Every call is one Redis round trip (a Lua script or a single command).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from presence.conf import presence_settings
from presence.signals import typing_started
from presence.store import (
    LUA_NOW,
    LuaScript,
    datetime_from_ms,
    redis_client,
    redis_key,
    seconds_to_ms,
)

_START = LuaScript(
    LUA_NOW
    + """
-- KEYS[1] the chat's set; ARGV[1] user id; ARGV[2] TTL in ms
local expires = now + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], fmt(expires), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(now))
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], newest[2])
return expires
"""
)

_LIST = LuaScript(
    LUA_NOW
    + """
-- KEYS[1] the chat's set
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. fmt(now), '+inf', 'WITHSCORES')
"""
)


@dataclass(frozen=True)
class TypingEntry:
    user_id: int
    expires_at: datetime


def _key(chat_id: UUID) -> str:
    return redis_key("typing", chat_id)


def start_typing(chat_id: UUID, user_id: int) -> datetime:
    """Mark ``user_id`` typing in ``chat_id`` for PRESENCE_TYPING_TTL; renews if already.

    Returns when the mark runs out. Raises redis ConnectionError/TimeoutError
    when Redis is down (the API turns those into 503).
    """
    ttl_ms = seconds_to_ms(presence_settings().typing_ttl)
    expires_ms = _START(redis_client(), [_key(chat_id)], [user_id, ttl_ms])
    expires_at = datetime_from_ms(expires_ms)
    typing_started.send(sender=None, chat_id=chat_id, user_id=user_id, expires_at=expires_at)
    return expires_at


def stop_typing(chat_id: UUID, user_id: int) -> None:
    """Clear ``user_id``'s mark at once, e.g. when their message is sent."""
    redis_client().zrem(_key(chat_id), str(user_id))


def list_typing(chat_id: UUID, exclude_user_id: int | None = None) -> list[TypingEntry]:
    """Who is typing in ``chat_id`` now, earliest to run out first, without ``exclude_user_id``."""
    flat = _LIST(redis_client(), [_key(chat_id)])
    entries = (
        TypingEntry(user_id=int(member), expires_at=datetime_from_ms(int(float(score))))
        for member, score in zip(flat[::2], flat[1::2], strict=True)
    )
    return [entry for entry in entries if entry.user_id != exclude_user_id]
