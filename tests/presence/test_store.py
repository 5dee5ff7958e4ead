"""Lua scripts run by SHA and load themselves on a server that does not know them."""

from __future__ import annotations

import uuid

from redis import Redis

from presence.store import LUA_NOW, LuaScript


def test_a_script_unknown_to_the_server_is_loaded_and_then_run_by_sha(redis: Redis) -> None:
    script = LuaScript(f"-- {uuid.uuid4()}\nreturn ARGV[1] .. KEYS[1]")
    assert redis.script_exists(script.sha) == [False]
    assert script(redis, ["k"], ["v"]) == b"vk"
    assert redis.script_exists(script.sha) == [True]
    assert script(redis, ["k2"], ["v"]) == b"vk2"


def test_lua_now_is_the_redis_clock_in_integer_milliseconds(redis: Redis) -> None:
    script = LuaScript(LUA_NOW + "return fmt(now)")
    seconds, micros = redis.time()
    now = int(script(redis, []))
    assert abs(now - (seconds * 1000 + micros // 1000)) < 1000
    assert len(str(now)) == 13
