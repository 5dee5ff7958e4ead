"""Message history paging: newest first in every mode, links both ways, buckets crossed.

And the cost of a page: a fixed number of round trips per store, whatever
the page holds (one sender or fifty, reactions or none, deleted messages).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from messaging.repository import MessageData
from messaging.scylla import ScyllaClient
from messaging.scylla.snowflake import calculate_message_bucket
from messaging.stores import message_repo
from tests.messaging.api_support import client_of, create_chat, make_user, messages_url, ok

pytestmark = pytest.mark.usefixtures("stores")


def store_history(
    chat_id: str, senders: list[AbstractUser], count: int, start: datetime, step: timedelta
) -> list[int]:
    """``count`` messages straight into CQL (the list reads only CQL), oldest first."""
    batch = [
        MessageData(
            channel_id=uuid.UUID(chat_id),
            content=f"message {i}",
            sender_id=senders[i % len(senders)].pk,
            created_at=start + step * i,
        )
        for i in range(count)
    ]
    return message_repo().insert_messages(batch)


def ids_of(page: dict[str, Any]) -> list[int]:
    return [int(m["id"]) for m in page["results"]]


@pytest.fixture
def history() -> tuple[AbstractUser, str, list[int]]:
    """45 messages over five 10-day buckets, oldest first."""
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    start = datetime.now(UTC) - timedelta(days=44)
    ids = store_history(chat_id, [alice, bob], 45, start, timedelta(days=1))
    assert len({calculate_message_bucket(i) for i in ids}) >= 5
    return bob, chat_id, ids


def test_newest_page_then_older_pages_until_the_start(history: Any) -> None:
    bob, chat_id, ids = history
    newest_first = sorted(ids, reverse=True)
    client = client_of(bob)
    page = ok(client.get(messages_url(chat_id) + "?limit=20"))
    assert ids_of(page) == newest_first[:20] and page["previous"] is None
    page = ok(client.get(page["next"]))
    assert ids_of(page) == newest_first[20:40]
    page = ok(client.get(page["next"]))
    assert ids_of(page) == newest_first[40:] and page["next"] is None
    assert "limit=20" in page["previous"]


def test_after_pages_forward_and_still_lists_newest_first(history: Any) -> None:
    bob, chat_id, ids = history
    client = client_of(bob)
    page = ok(client.get(messages_url(chat_id) + f"?after={ids[4]}&limit=10"))
    assert ids_of(page) == sorted(ids[5:15], reverse=True)
    assert page["next"] and page["previous"]
    page = ok(client.get(page["previous"]))
    assert ids_of(page) == sorted(ids[15:25], reverse=True)
    page = ok(client.get(messages_url(chat_id) + f"?after={ids[40]}&limit=10"))
    assert ids_of(page) == sorted(ids[41:], reverse=True) and page["previous"] is None
    older = ok(client.get(page["next"]))
    assert ids_of(older) == sorted(ids[31:41], reverse=True)


def test_history_across_the_2024_epoch_pages_through_negative_ids() -> None:
    """Imported history from 2015 on, then live messages: one timeline through the API."""
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    old = store_history(chat_id, [alice], 12, datetime(2015, 3, 1, tzinfo=UTC), timedelta(days=300))
    recently = datetime.now(UTC) - timedelta(hours=3)
    new = store_history(chat_id, [bob], 3, recently, timedelta(hours=1))
    assert old[0] < 0 < new[0]
    client = client_of(bob)
    seen: list[int] = []
    page = ok(client.get(messages_url(chat_id) + "?limit=4"))
    while True:
        seen += ids_of(page)
        if page["next"] is None:
            break
        page = ok(client.get(page["next"]))
    assert seen == sorted(old + new, reverse=True)
    first = ok(client.get(messages_url(chat_id, old[0])))
    assert first["id"] == str(old[0]) and first["created_at"].startswith("2015-03-01T")
    around = ok(client.get(messages_url(chat_id) + f"?around={old[-1]}&limit=3"))
    assert ids_of(around) == [new[0], old[-1], old[-2]]


def test_around_includes_the_anchor_with_newer_and_older_neighbours(history: Any) -> None:
    bob, chat_id, ids = history
    client = client_of(bob)
    page = ok(client.get(messages_url(chat_id) + f"?around={ids[20]}&limit=9"))
    assert ids_of(page) == sorted(ids[16:25], reverse=True)
    assert ids[20] in ids_of(page)
    assert ids_of(ok(client.get(page["next"]))) == sorted(ids[7:16], reverse=True)
    assert ids_of(ok(client.get(page["previous"]))) == sorted(ids[25:34], reverse=True)
    edge = ok(client.get(messages_url(chat_id) + f"?around={ids[1]}&limit=10"))
    assert ids_of(edge) == sorted(ids[:7], reverse=True) and edge["next"] is None


def test_snowflake_ids_are_accepted_as_numbers_in_the_query(history: Any) -> None:
    bob, chat_id, ids = history
    page = ok(client_of(bob).get(messages_url(chat_id), {"before": ids[10], "limit": 3}))
    assert ids_of(page) == [ids[9], ids[8], ids[7]]


def test_an_empty_chat_has_an_empty_page_and_no_links() -> None:
    alice = make_user("alice")
    chat_id = create_chat(alice, make_user("bob"))["id"]
    assert ok(client_of(alice).get(messages_url(chat_id))) == {
        "next": None,
        "previous": None,
        "results": [],
    }


class RoundTrips:
    def __init__(self, cql: ScyllaClient) -> None:
        self.cql = cql

    def of_get(self, user: AbstractUser, url: str) -> tuple[int, int, int]:
        """(PostgreSQL queries, CQL statements, results) of one GET."""
        client = client_of(user)
        before = self.cql.metrics.snapshot().queries
        with CaptureQueriesContext(connection) as pg:
            page = ok(client.get(url))
        return (
            len(pg.captured_queries),
            self.cql.metrics.snapshot().queries - before,
            len(page["results"]),
        )


# The cost of a read that goes to the stores: without the kept newest pages
# (test_hot_pages.py) and the cached membership and profiles (test_access_cache.py).
@override_settings(PAGE_CACHE_ENABLED=False, AUTH_CACHE_TTL=0)
def test_a_page_of_50_costs_fixed_round_trips_whatever_it_holds(cql: ScyllaClient) -> None:
    now = datetime.now(UTC) - timedelta(minutes=10)
    step = timedelta(seconds=1)
    owner = make_user("owner")
    crowd = [make_user(f"u{i}") for i in range(50)]

    plain = create_chat(owner)["id"]
    store_history(plain, [owner], 60, now, step)

    busy = create_chat(owner, *crowd)["id"]
    busy_ids = store_history(busy, crowd, 60, now, step)
    repo, channel = message_repo(), uuid.UUID(busy)
    for i, message_id in enumerate(busy_ids[-50:]):
        repo.add_reaction(channel, message_id, crowd[i].pk, "👍")
        if i % 3 == 0:
            repo.add_reaction(channel, message_id, owner.pk, "🎉")
    for message_id in busy_ids[-10:-5]:
        repo.delete_message(channel, message_id)

    costs = RoundTrips(cql)
    costs.of_get(owner, messages_url(busy) + "?limit=50")  # statements prepared on first use
    plain_cost = costs.of_get(owner, messages_url(plain) + "?limit=50")
    busy_cost = costs.of_get(owner, messages_url(busy) + "?limit=50")
    # PostgreSQL: my membership, the senders' profiles. CQL: the rows (one bucket), then
    # for the messages anyone ever reacted to, reaction counts and my reactions (none in
    # the plain chat: its page skips both).
    assert plain_cost == (2, 1, 50)
    assert busy_cost == (2, 3, 50)


def test_a_page_across_buckets_costs_by_buckets_not_by_content(
    history: Any, cql: ScyllaClient
) -> None:
    bob, chat_id, _ids = history
    pg, statements, results = RoundTrips(cql).of_get(bob, messages_url(chat_id) + "?limit=40")
    assert results == 40 and pg == 2
    # The newest bucket, the bucket list, then the walk over four more buckets
    # in waves (2 + 2), then the two reaction reads.
    assert statements <= 1 + 1 + 4 + 2
