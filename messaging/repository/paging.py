"""Paging a channel's history across 10-day buckets without visiting empty ones.

A page starts in the bucket of its cursor (or, for the newest page, the
current bucket): for a channel with traffic that one query fills the page,
exactly what a hand-written query would cost. Only when it does not, the
channel's ``active_buckets`` (every bucket that holds a message) is read once
and the walk continues through those buckets only, in concurrent waves of
2, 4, 8... buckets so a quiet channel's page costs few round trips. Queries
per page are therefore at most 2 + the non-empty buckets touched, whatever
the number of empty buckets between them.

Order: newest first for the newest page, ``before_id`` and ``around_id``;
oldest first for ``after_id`` (the natural order of reading forward; the API
reverses it). ``around_id`` includes the anchor: up to ``limit // 2`` newer
messages, then the anchor and older ones to fill the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from uuid import UUID

from messaging.errors import InvalidMessageInput
from messaging.repository.base import RepositoryBase, utc_now
from messaging.repository.codec import decode_message
from messaging.repository.data import StoredMessage
from messaging.repository.plans import Fanout, Plan, Query, Rows
from messaging.repository.validation import (
    MAX_FUTURE_SKEW,
    check_channel_id,
    check_limit,
    check_message_id,
)
from messaging.scylla.snowflake import (
    MAX_SNOWFLAKE,
    bucket_for_datetime,
    calculate_message_bucket,
)

FIRST_WAVE = 2


class Direction(Enum):
    OLDER = "older"  # message_id < bound, newest first
    OLDER_OR_EQUAL = "older_or_equal"  # message_id <= bound, newest first
    NEWER = "newer"  # message_id > bound, oldest first


@dataclass
class _Buckets:
    """The channel's non-empty buckets, read at most once per page."""

    ascending: list[int] | None = None


class PagingPlans(RepositoryBase):
    def plan_get_messages(
        self,
        channel_id: UUID,
        limit: int = 50,
        before_id: int | None = None,
        after_id: int | None = None,
        around_id: int | None = None,
    ) -> Plan[list[StoredMessage]]:
        check_channel_id(channel_id)
        check_limit(limit)
        cursors = {"before_id": before_id, "after_id": after_id, "around_id": around_id}
        given = [name for name, value in cursors.items() if value is not None]
        if len(given) > 1:
            raise InvalidMessageInput(given[1], f"give at most one of {', '.join(cursors)}")
        for name in given:
            check_message_id(cursors[name], name)
        known = _Buckets()
        if after_id is not None:
            rows = yield from self._walk(channel_id, Direction.NEWER, after_id, limit, known)
        elif around_id is not None:
            newer: Rows = []
            if limit // 2:
                newer = yield from self._walk(
                    channel_id, Direction.NEWER, around_id, limit // 2, known
                )
            older = yield from self._walk(
                channel_id, Direction.OLDER_OR_EQUAL, around_id, limit - len(newer), known
            )
            rows = newer[::-1] + older
        elif before_id is not None:
            rows = yield from self._walk(channel_id, Direction.OLDER, before_id, limit, known)
        else:
            # No bucket can be newer than the one of "now" plus the clock skew we accept.
            newest_bucket = bucket_for_datetime(utc_now() + MAX_FUTURE_SKEW)
            rows = yield from self._walk(
                channel_id, Direction.OLDER, MAX_SNOWFLAKE, limit, known, newest_bucket
            )
        return [decode_message(row) for row in rows]

    def _walk(
        self,
        channel_id: UUID,
        direction: Direction,
        bound: int,
        limit: int,
        known: _Buckets,
        first_bucket: int | None = None,
    ) -> Plan[Rows]:
        statement = self._page_statement(direction)
        first = calculate_message_bucket(bound) if first_bucket is None else first_bucket
        rows: Rows = list((yield Query(statement, (channel_id, first, bound, limit), tuples=True)))
        if len(rows) >= limit:
            return rows
        if known.ascending is None:
            found = yield Query(self._sql.select_buckets, (channel_id,))
            known.ascending = sorted(found[0].active_buckets or ()) if found else []
        if direction is Direction.NEWER:
            remaining = [b for b in known.ascending if b > first]
        else:
            remaining = [b for b in reversed(known.ascending) if b < first]
        wave = FIRST_WAVE
        while remaining and len(rows) < limit:
            batch, remaining = remaining[:wave], remaining[wave:]
            need = limit - len(rows)
            results = yield Fanout(
                [Query(statement, (channel_id, b, bound, need), tuples=True) for b in batch],
                len(batch),
            )
            for bucket_rows in results:
                rows.extend(bucket_rows)
            wave *= 2
        return rows[:limit]

    def _page_statement(self, direction: Direction) -> str:
        if direction is Direction.NEWER:
            return self._sql.select_newer
        if direction is Direction.OLDER_OR_EQUAL:
            return self._sql.select_older_or_equal
        return self._sql.select_older
