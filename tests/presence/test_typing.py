"""Typing indicators on the real Redis, with real TTL expiry (a 1 s TTL here)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from presence.store import redis_key
from presence.typing import list_typing, start_typing, stop_typing


@pytest.fixture
def short_ttl(settings: Any) -> float:
    settings.PRESENCE_TYPING_TTL = 1.0
    return 1.0


def _key(chat_id: uuid.UUID) -> str:
    return redis_key("typing", chat_id)


def test_others_see_me_typing_until_the_ttl() -> None:
    chat = uuid.uuid4()
    before = datetime.now(UTC)
    expires = start_typing(chat, 7)
    assert before + timedelta(seconds=9) < expires < before + timedelta(seconds=11)
    [entry] = list_typing(chat, exclude_user_id=8)
    assert entry.user_id == 7
    assert entry.expires_at == expires


def test_i_do_not_see_myself() -> None:
    chat = uuid.uuid4()
    start_typing(chat, 7)
    start_typing(chat, 9)
    assert [e.user_id for e in list_typing(chat, exclude_user_id=7)] == [9]
    assert {e.user_id for e in list_typing(chat)} == {7, 9}


def test_chats_are_separate() -> None:
    chat, other = uuid.uuid4(), uuid.uuid4()
    start_typing(chat, 7)
    assert list_typing(other) == []


def test_entry_disappears_after_the_ttl_and_so_does_the_key(redis: Redis, short_ttl: float) -> None:
    chat = uuid.uuid4()
    start_typing(chat, 7)
    assert 0 < redis.pttl(_key(chat)) <= 1000
    assert [e.user_id for e in list_typing(chat)] == [7]
    time.sleep(short_ttl + 0.2)
    assert list_typing(chat) == []
    assert redis.exists(_key(chat)) == 0


def test_typing_again_renews(short_ttl: float) -> None:
    chat = uuid.uuid4()
    first = start_typing(chat, 7)
    time.sleep(0.6)
    second = start_typing(chat, 7)
    assert second > first
    time.sleep(0.6)  # past the first mark, within the renewed one
    assert [e.user_id for e in list_typing(chat)] == [7]


def test_each_entry_runs_out_on_its_own(redis: Redis, short_ttl: float) -> None:
    chat = uuid.uuid4()
    start_typing(chat, 7)
    time.sleep(0.6)
    start_typing(chat, 9)
    assert [e.user_id for e in list_typing(chat)] == [7, 9]  # earliest to run out first
    time.sleep(0.6)
    assert [e.user_id for e in list_typing(chat)] == [9]
    # The key lives as long as its newest entry, not its oldest.
    assert 0 < redis.pttl(_key(chat)) <= 500


def test_a_write_drops_lapsed_entries(redis: Redis, short_ttl: float) -> None:
    chat = uuid.uuid4()
    start_typing(chat, 7)
    time.sleep(short_ttl + 0.1)
    start_typing(chat, 9)
    assert redis.zrange(_key(chat), 0, -1) == [b"9"]


def test_a_longer_ttl_is_not_cut_short_by_a_shorter_one(redis: Redis, settings: Any) -> None:
    chat = uuid.uuid4()
    start_typing(chat, 7)  # 10 s
    settings.PRESENCE_TYPING_TTL = 1.0
    start_typing(chat, 9)
    assert redis.pttl(_key(chat)) > 9000


def test_stop_typing_clears_at_once() -> None:
    chat = uuid.uuid4()
    start_typing(chat, 7)
    start_typing(chat, 9)
    stop_typing(chat, 7)
    assert [e.user_id for e in list_typing(chat)] == [9]
    stop_typing(chat, 42)  # not typing: nothing to do


@pytest.mark.usefixtures("redis_down")
def test_redis_down_raises_a_connection_error() -> None:
    with pytest.raises(RedisConnectionError):
        start_typing(uuid.uuid4(), 7)
    with pytest.raises(RedisConnectionError):
        list_typing(uuid.uuid4())
