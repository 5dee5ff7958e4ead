"""How many connections each user has open, over every server process (Redis).

One sorted set per user, ``<prefix>:gateway:connections:<user_id>``: member =
a connection's id, score = when its claim runs out (Redis clock, ms). A
heartbeat renews the claim, a close drops it, and a process that died leaves
claims that run out by themselves. With Redis down the cap is not enforced
(connections are then ``degraded`` anyway); it is a resource bound, not a
permission.
"""

from __future__ import annotations

import contextlib

from presence.store import LUA_NOW, REDIS_DOWN, LuaScript, redis_client, redis_key, seconds_to_ms

_CLAIM = LuaScript(
    LUA_NOW
    + """
-- KEYS[1] the user's set; ARGV[1] connection id; ARGV[2] claim lifetime ms; ARGV[3] cap
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(now))
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false
   and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], fmt(now + tonumber(ARGV[2])), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""
)


def _key(user_id: int) -> str:
    return redis_key("gateway", "connections", user_id)


def connection_claim(*, user_id: int, connection_id: str, lifetime: float, cap: int) -> bool:
    """Claims (or renews) a place for this connection; False when the user is at the cap."""
    try:
        claimed = _CLAIM(
            redis_client(), [_key(user_id)], [connection_id, seconds_to_ms(lifetime), cap]
        )
    except REDIS_DOWN:
        return True
    return bool(claimed)


def connection_release(*, user_id: int, connection_id: str) -> None:
    with contextlib.suppress(*REDIS_DOWN):  # else the claim runs out by itself
        redis_client().zrem(_key(user_id), connection_id)
