"""Paging across buckets on real Cassandra: both directions, around an id, and query counts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from messaging.repository import InvalidMessageInput, MessageScyllaRepo, StoredMessage
from messaging.scylla import ScyllaClient, calculate_message_bucket
from messaging.scylla.snowflake import MIN_SNOWFLAKE, bucket_for_datetime, snowflake_to_datetime
from tests.messaging.repo_support import channel, counting_queries, days_ago, message, repo

__all__ = ["channel", "repo"]


@pytest.fixture
def spread(repo: MessageScyllaRepo, channel: uuid.UUID) -> list[int]:
    """23 messages over 5 buckets (ascending ids): 5 + 4 + 6 + 3 + 5, days apart."""
    days = [47, 46.5, 46, 45.9, 45.8, 33, 32, 31.5, 31, 22, 21.9, 21.8, 21.7, 21.6, 21.5]
    days += [12, 11.5, 11, 0.4, 0.3, 0.2, 0.1, 0.05]
    batch = [message(channel, f"d{d}", created_at=days_ago(d), source="import") for d in days]
    ids = repo.insert_messages(batch)
    assert len({calculate_message_bucket(i) for i in ids}) >= 4
    return ids


def ids_of(page: list[StoredMessage]) -> list[int]:
    return [m.message_id for m in page]


class TestDirections:
    def test_newest_first_through_every_bucket_with_before(
        self, repo: MessageScyllaRepo, channel: uuid.UUID, spread: list[int]
    ) -> None:
        newest_first = spread[::-1]
        pages: list[int] = []
        page = repo.get_messages(channel, limit=4)
        while page:
            assert ids_of(page) == sorted(ids_of(page), reverse=True)
            pages += ids_of(page)
            page = repo.get_messages(channel, limit=4, before_id=page[-1].message_id)
        assert pages == newest_first

    def test_oldest_first_through_every_bucket_with_after(
        self, repo: MessageScyllaRepo, channel: uuid.UUID, spread: list[int]
    ) -> None:
        pages = ids_of(repo.get_messages(channel, limit=1, after_id=spread[0]))
        while True:
            page = repo.get_messages(channel, limit=7, after_id=pages[-1])
            if not page:
                break
            pages += ids_of(page)
        assert [spread[0], *pages] == spread

    def test_one_page_spanning_all_buckets(
        self, repo: MessageScyllaRepo, channel: uuid.UUID, spread: list[int]
    ) -> None:
        assert ids_of(repo.get_messages(channel, limit=100)) == spread[::-1]
        assert ids_of(repo.get_messages(channel, limit=100, after_id=1)) == spread
        assert ids_of(repo.get_messages(channel, limit=100, before_id=spread[0])) == []

    @pytest.mark.parametrize("position", [0, 4, 5, 11, 17, 22])
    @pytest.mark.parametrize("limit", [1, 2, 7, 10])
    def test_around_includes_the_anchor(
        self,
        repo: MessageScyllaRepo,
        channel: uuid.UUID,
        spread: list[int],
        position: int,
        limit: int,
    ) -> None:
        anchor = spread[position]
        page = ids_of(repo.get_messages(channel, limit=limit, around_id=anchor))
        assert anchor in page
        assert page == sorted(page, reverse=True)
        newer = [i for i in page if i > anchor]
        assert len(newer) == min(limit // 2, len(spread) - 1 - position)
        # A contiguous stretch of the channel's history, as long as it can be.
        start = spread.index(page[-1])
        assert page == spread[start : start + len(page)][::-1]
        assert len(page) == min(limit, len(newer) + position + 1)

    def test_around_an_id_without_a_message(
        self, repo: MessageScyllaRepo, channel: uuid.UUID, spread: list[int]
    ) -> None:
        gap = spread[10] + 1
        page = ids_of(repo.get_messages(channel, limit=4, around_id=gap))
        assert page == [spread[12], spread[11], spread[10], spread[9]]

    def test_empty_channel(self, repo: MessageScyllaRepo) -> None:
        assert repo.get_messages(uuid.uuid4()) == []
        assert repo.get_messages(uuid.uuid4(), after_id=5, limit=3) == []


class TestHistoryBeforeTheEpoch:
    """Imported history from before 2024-01-01 gets negative ids and buckets."""

    TIMES = [
        datetime(2013, 8, 14, 9, 30, tzinfo=UTC),
        datetime(2019, 2, 1, tzinfo=UTC),
        datetime(2023, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC),
        datetime(2024, 1, 1, tzinfo=UTC),
        datetime(2025, 6, 1, tzinfo=UTC),
    ]

    @pytest.fixture
    def history(self, repo: MessageScyllaRepo, channel: uuid.UUID) -> list[int]:
        batch = [
            message(channel, f"at {t:%Y-%m-%d}", created_at=t, source="import") for t in self.TIMES
        ]
        return repo.insert_messages(batch)

    def test_ids_keep_time_order_across_the_epoch(self, history: list[int]) -> None:
        assert [i < 0 for i in history] == [True, True, True, False, False]
        assert history == sorted(history)
        assert [snowflake_to_datetime(i) for i in history] == self.TIMES
        assert calculate_message_bucket(history[0]) < calculate_message_bucket(history[2]) < 0

    def test_pages_in_both_directions(
        self, repo: MessageScyllaRepo, channel: uuid.UUID, history: list[int]
    ) -> None:
        assert ids_of(repo.get_messages(channel, limit=100)) == history[::-1]
        assert ids_of(repo.get_messages(channel, limit=2, before_id=history[3])) == [
            history[2],
            history[1],
        ]
        assert ids_of(repo.get_messages(channel, limit=100, after_id=MIN_SNOWFLAKE)) == history
        assert ids_of(repo.get_messages(channel, limit=3, around_id=history[1])) == [
            history[2],
            history[1],
            history[0],
        ]

    def test_a_negative_id_reads_back(
        self, repo: MessageScyllaRepo, channel: uuid.UUID, history: list[int]
    ) -> None:
        stored = repo.get_message(channel, history[0])
        assert stored is not None
        assert stored.content == "at 2013-08-14"
        assert stored.created_at == self.TIMES[0]


class TestQueryCounts:
    def test_a_page_of_a_busy_channel_is_one_query(
        self, cql: ScyllaClient, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        ids = repo.insert_messages([message(channel, f"m{i}") for i in range(120)])
        for cursor in ({}, {"before_id": ids[-1]}, {"after_id": ids[0]}):
            repo.get_messages(channel, limit=1, **cursor)  # statements prepared on first use
        with counting_queries(cql) as newest:
            page = repo.get_messages(channel, limit=50)
        with counting_queries(cql) as older:
            repo.get_messages(channel, limit=50, before_id=page[-1].message_id)
        with counting_queries(cql) as newer:
            repo.get_messages(channel, limit=50, after_id=ids[0])
        assert (newest.queries, older.queries, newer.queries) == (1, 1, 1)

    def _quiet_channel(self, repo: MessageScyllaRepo, every_days: int, count: int) -> uuid.UUID:
        channel_id = uuid.uuid4()
        repo.insert_messages(
            [
                message(channel_id, f"q{i}", created_at=days_ago(1 + i * every_days))
                for i in range(count)
            ]
        )
        return channel_id

    def _page_costs(
        self, cql: ScyllaClient, repo: MessageScyllaRepo, channel_id: uuid.UUID, limit: int
    ) -> tuple[list[int], int]:
        costs, seen = [], 0
        before: int | None = None
        while True:
            with counting_queries(cql) as counted:
                page = repo.get_messages(channel_id, limit=limit, before_id=before)
            costs.append(counted.queries)
            if not page:
                return costs, seen
            seen += len(page)
            before = page[-1].message_id

    def test_quiet_channel_cost_does_not_grow_with_empty_buckets(
        self, cql: ScyllaClient, repo: MessageScyllaRepo
    ) -> None:
        """One message every 40 days for 2 years, against the same count 11 and 57 days apart.

        Two years hold 73 buckets of which 19 have a message; at 11 days apart no
        bucket between two messages is empty, at 57 days five are. All three must
        cost the same number of queries per page: one for the cursor's bucket, one
        metadata read, one per non-empty bucket read.
        """
        count = 730 // 40 + 1  # 19 messages, days 1..721
        quiet = self._quiet_channel(repo, 40, count)
        self._page_costs(cql, repo, quiet, 50)  # statements are prepared on first use
        metadata = repo.get_channel_metadata(quiet)
        assert metadata is not None and len(metadata.active_buckets) == count
        span = metadata.active_buckets[-1] - metadata.active_buckets[0] + 1
        assert span >= 70

        for limit in (5, 50):
            quiet_costs, quiet_seen = self._page_costs(cql, repo, quiet, limit)
            for every_days in (11, 57):
                other = self._quiet_channel(repo, every_days, count)
                costs, seen = self._page_costs(cql, repo, other, limit)
                assert costs == quiet_costs
                assert seen == quiet_seen == count
            pages = -(-count // limit)
            # Each page: the cursor's bucket + metadata + the non-empty buckets it reads
            # (read in doubling waves, so at most 2x the messages it needs).
            assert sum(quiet_costs) <= (pages + 1) * 2 + 2 * count
            assert sum(quiet_costs) < span, quiet_costs

        with counting_queries(cql) as everything:
            page = repo.get_messages(quiet, limit=50)
        assert len(page) == count
        current = bucket_for_datetime(datetime.now(UTC))
        older_buckets = [b for b in metadata.active_buckets if b < current]
        # the current bucket, the metadata, then each older non-empty bucket exactly once
        assert everything.queries == 2 + len(older_buckets)


class TestPagingErrors:
    @pytest.mark.parametrize("limit", [0, 101, -1, 2.5, True])
    def test_limit_outside_1_to_100(
        self, repo: MessageScyllaRepo, channel: uuid.UUID, limit: object
    ) -> None:
        with pytest.raises(InvalidMessageInput) as error:
            repo.get_messages(channel, limit=limit)  # type: ignore[arg-type]
        assert error.value.field == "limit"

    def test_one_cursor_at_most(self, repo: MessageScyllaRepo, channel: uuid.UUID) -> None:
        with pytest.raises(InvalidMessageInput) as error:
            repo.get_messages(channel, before_id=5, after_id=3)
        assert error.value.field == "after_id"
        with pytest.raises(InvalidMessageInput):
            repo.get_messages(channel, before_id=5, around_id=3)

    @pytest.mark.parametrize("cursor", ["before_id", "after_id", "around_id"])
    def test_bad_cursor_ids(self, repo: MessageScyllaRepo, channel: uuid.UUID, cursor: str) -> None:
        with pytest.raises(InvalidMessageInput) as error:
            repo.get_messages(channel, **{cursor: MIN_SNOWFLAKE - 1})
        assert error.value.field == cursor
