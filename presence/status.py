"""User presence: online, away, do-not-disturb or offline, and when last seen.

Clients send a heartbeat with the status the user chose; there is no
"go offline" call because a closed laptop cannot make one. A user is offline
when their last heartbeat is older than PRESENCE_ONLINE_WINDOW.

One hash per user, ``<prefix>:presence:<user_id>`` = {status, seen (epoch ms,
Redis clock)}, kept for PRESENCE_LAST_SEEN_TTL after the last heartbeat so
"last seen" outlives the online window. A heartbeat is one Lua script; reading
up to PRESENCE_MAX_USERS users is one pipelined round trip (TIME + HMGETs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from presence.conf import presence_settings
from presence.signals import presence_changed
from presence.store import (
    LUA_NOW,
    LuaScript,
    datetime_from_ms,
    redis_client,
    redis_key,
    seconds_to_ms,
)


class Status(StrEnum):
    ONLINE = "online"
    AWAY = "away"
    DND = "dnd"
    OFFLINE = "offline"


#: What a heartbeat may set; offline is only ever derived.
SETTABLE_STATUSES = (Status.ONLINE, Status.AWAY, Status.DND)

_HEARTBEAT = LuaScript(
    LUA_NOW
    + """
-- KEYS[1] the user's hash; ARGV[1] status; ARGV[2] how long to remember, ms;
-- ARGV[3] the online window, ms. Returns {now, 1 if others now see something new}.
local before = redis.call('HMGET', KEYS[1], 'status', 'seen')
local changed = 0
if before[1] ~= ARGV[1] or now - tonumber(before[2]) > tonumber(ARGV[3]) then changed = 1 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'seen', fmt(now))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {now, changed}
"""
)


@dataclass(frozen=True)
class PresenceInfo:
    status: Status
    last_seen: datetime | None  # None: no heartbeat within PRESENCE_LAST_SEEN_TTL


def _key(user_id: int) -> str:
    return redis_key("presence", user_id)


def set_presence(user_id: int, status: Status | str) -> datetime:
    """Record a heartbeat of ``user_id`` with ``status`` (online/away/dnd).

    Returns the heartbeat's time. ValueError for any other status; redis
    ConnectionError/TimeoutError when Redis is down.
    """
    chosen = Status(status)
    if chosen not in SETTABLE_STATUSES:
        raise ValueError(f"status must be one of {', '.join(SETTABLE_STATUSES)}")
    conf = presence_settings()
    keep_ms, window_ms = seconds_to_ms(conf.last_seen_ttl), seconds_to_ms(conf.online_window)
    seen_ms, changed = _HEARTBEAT(
        redis_client(), [_key(user_id)], [chosen.value, keep_ms, window_ms]
    )
    seen = datetime_from_ms(seen_ms)
    if changed:  # a status change, or back online: not every heartbeat
        presence_changed.send(sender=None, user_id=user_id, status=chosen.value, last_seen=seen)
    return seen


def get_presence_many(user_ids: Iterable[int]) -> dict[int, PresenceInfo]:
    """Presence of each of ``user_ids`` (duplicates collapse) in one round trip.

    ValueError when asked about more than PRESENCE_MAX_USERS users; a user who
    never sent a heartbeat is offline with ``last_seen`` None.
    """
    conf = presence_settings()
    unique = list(dict.fromkeys(user_ids))
    if len(unique) > conf.max_users:
        raise ValueError(f"at most {conf.max_users} users per request, got {len(unique)}")
    pipe = redis_client().pipeline(transaction=False)
    pipe.time()
    for user_id in unique:
        pipe.hmget(_key(user_id), ["status", "seen"])
    (seconds, micros), *rows = pipe.execute()
    now_ms = seconds * 1000 + micros // 1000
    window_ms = seconds_to_ms(conf.online_window)
    return {
        user_id: _presence(status, seen, now_ms, window_ms)
        for user_id, (status, seen) in zip(unique, rows, strict=True)
    }


def _presence(
    status: bytes | str | None, seen: bytes | str | None, now_ms: int, window_ms: int
) -> PresenceInfo:
    if status is None or seen is None:
        return PresenceInfo(status=Status.OFFLINE, last_seen=None)
    seen_ms = int(seen)
    if now_ms - seen_ms > window_ms:
        return PresenceInfo(status=Status.OFFLINE, last_seen=datetime_from_ms(seen_ms))
    stored = status.decode() if isinstance(status, bytes) else status
    return PresenceInfo(status=Status(stored), last_seen=datetime_from_ms(seen_ms))
