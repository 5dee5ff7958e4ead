"""Presence heartbeats and the online window on the real Redis, real expiry."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from presence.status import PresenceInfo, Status, get_presence_many, set_presence
from presence.store import redis_key


def _user() -> int:
    # Random ids never used by another test: isolation without FLUSHALL.
    return random.randrange(10**12, 10**13)


def test_a_heartbeat_makes_me_online_with_last_seen_now() -> None:
    me = _user()
    before = datetime.now(UTC)
    seen = set_presence(me, "online")
    info = get_presence_many([me])[me]
    assert info == PresenceInfo(status=Status.ONLINE, last_seen=seen)
    assert before - timedelta(seconds=1) < seen < datetime.now(UTC) + timedelta(seconds=1)


@pytest.mark.parametrize("status", ["away", "dnd", Status.ONLINE])
def test_the_chosen_status_is_kept(status: str) -> None:
    me = _user()
    set_presence(me, status)
    assert get_presence_many([me])[me].status == Status(status)


def test_no_heartbeat_ever_is_offline_without_last_seen() -> None:
    user = _user()
    assert get_presence_many([user]) == {user: PresenceInfo(Status.OFFLINE, None)}


def test_offline_after_the_window_but_last_seen_remains(settings: Any) -> None:
    settings.PRESENCE_ONLINE_WINDOW = 1.0
    me = _user()
    seen = set_presence(me, "dnd")
    assert get_presence_many([me])[me].status == Status.DND
    time.sleep(1.2)
    assert get_presence_many([me])[me] == PresenceInfo(Status.OFFLINE, seen)
    set_presence(me, "away")
    assert get_presence_many([me])[me].status == Status.AWAY


def test_last_seen_is_forgotten_after_its_ttl(redis: Redis, settings: Any) -> None:
    settings.PRESENCE_LAST_SEEN_TTL = 1.0
    me = _user()
    set_presence(me, "online")
    assert 0 < redis.pttl(redis_key("presence", me)) <= 1000
    time.sleep(1.2)
    assert get_presence_many([me])[me] == PresenceInfo(Status.OFFLINE, None)


def test_many_users_at_once_in_the_order_asked() -> None:
    users = [_user() for _ in range(100)]
    for user in users[::2]:
        set_presence(user, "online")
    presence = get_presence_many([*users, users[0]])  # a duplicate collapses
    assert list(presence) == users
    assert [p.status for p in presence.values()] == [Status.ONLINE, Status.OFFLINE] * 50


def test_more_than_the_limit_is_refused(settings: Any) -> None:
    settings.PRESENCE_MAX_USERS = 3
    with pytest.raises(ValueError, match="at most 3 users"):
        get_presence_many([1, 2, 3, 4])
    assert len(get_presence_many([1, 2, 3, 3])) == 3


@pytest.mark.parametrize("status", ["offline", "busy", ""])
def test_a_heartbeat_cannot_set_another_status(status: str) -> None:
    with pytest.raises(ValueError):
        set_presence(_user(), status)


@pytest.mark.usefixtures("redis_down")
def test_redis_down_raises_a_connection_error() -> None:
    with pytest.raises(RedisConnectionError):
        set_presence(1, "online")
    with pytest.raises(RedisConnectionError):
        get_presence_many([1])
