"""Snowflake ids and buckets: layout, inverses, edges, and uniqueness across threads/processes."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.test import override_settings

from messaging.scylla import calculate_message_bucket, generate_snowflake_id
from messaging.scylla.snowflake import (
    BUCKET_MS,
    DATED_SEQUENCE_BASE,
    EPOCH,
    LIVE_SEQUENCE_MAX,
    MAX_SEQUENCE,
    MAX_SNOWFLAKE,
    MAX_WORKER_ID,
    SnowflakeGenerator,
    bucket_for_datetime,
    bucket_id_range,
    bucket_time_range,
    compose_snowflake,
    parse_snowflake,
    reset_snowflake_generator,
    smallest_snowflake_at,
    snowflake_to_datetime,
    snowflake_to_unix_micros,
)


class FakeClock:
    """Milliseconds since the epoch, moved by the test (the generator's clock is injectable)."""

    def __init__(self, ms: int) -> None:
        self.ms = ms
        self.calls = 0
        self.advance_at: int | None = None  # after this many calls, move 1 ms forward

    def __call__(self) -> int:
        self.calls += 1
        if self.advance_at is not None and self.calls >= self.advance_at:
            self.ms += 1
            self.advance_at = None
        return self.ms


def fixed_worker_7() -> int:
    return 7


class TestLayout:
    def test_compose_and_parse_are_inverse(self) -> None:
        snowflake = compose_snowflake(123_456_789, 1023, 4095)
        parts = parse_snowflake(snowflake)
        assert (parts.timestamp_ms, parts.worker_id, parts.sequence) == (123_456_789, 1023, 4095)
        assert snowflake == (123_456_789 << 22) | (1023 << 12) | 4095

    def test_largest_id_is_a_positive_signed_bigint(self) -> None:
        # 42 timestamp bits + 10 + 12 = 64: the timestamp's top bit is the sign bit,
        # so the last storable millisecond is 2**41 - 1 (2093-09-06).
        largest = compose_snowflake((1 << 41) - 1, MAX_WORKER_ID, MAX_SEQUENCE)
        assert largest == MAX_SNOWFLAKE == (1 << 63) - 1
        assert snowflake_to_datetime(largest).date().isoformat() == "2093-09-06"
        with pytest.raises(ValueError, match="outside the Snowflake range"):
            compose_snowflake(1 << 41, 0, 0)

    def test_id_to_datetime_and_back(self) -> None:
        moment = datetime(2026, 3, 4, 5, 6, 7, 891_000, tzinfo=UTC)
        snowflake = smallest_snowflake_at(moment)
        assert snowflake_to_datetime(snowflake) == moment
        assert parse_snowflake(snowflake).worker_id == 0 == parse_snowflake(snowflake).sequence
        other_zone = moment.astimezone(timezone(timedelta(hours=5)))
        assert smallest_snowflake_at(other_zone) == snowflake

    def test_naive_datetimes_are_refused(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            smallest_snowflake_at(datetime(2026, 1, 1))  # noqa: DTZ001

    def test_write_timestamps_order_like_ids(self) -> None:
        ids = [compose_snowflake(ms, w, s) for ms in (5, 6) for w in (0, 9) for s in (0, 5, 4095)]
        micros = [snowflake_to_unix_micros(i) for i in sorted(ids)]
        assert micros == sorted(micros)
        assert snowflake_to_unix_micros(compose_snowflake(0, 0, 0)) == int(
            EPOCH.timestamp() * 1_000_000
        )


class TestBuckets:
    def test_bucket_boundaries(self) -> None:
        assert calculate_message_bucket(compose_snowflake(0, 0, 0)) == 0
        assert calculate_message_bucket(compose_snowflake(BUCKET_MS - 1, 1023, 4095)) == 0
        assert calculate_message_bucket(compose_snowflake(BUCKET_MS, 0, 0)) == 1
        assert calculate_message_bucket(compose_snowflake(3 * BUCKET_MS - 1, 0, 0)) == 2

    def test_bucket_is_ten_days(self) -> None:
        start, end = bucket_time_range(0)
        assert start == EPOCH == datetime(2024, 1, 1, tzinfo=UTC)
        assert end - start == timedelta(days=10)
        assert bucket_time_range(1)[0] == end

    def test_time_range_matches_ids(self) -> None:
        for bucket in (0, 1, 97, 2500):
            start, end = bucket_time_range(bucket)
            first, last = bucket_id_range(bucket)
            assert calculate_message_bucket(first) == bucket == calculate_message_bucket(last)
            assert calculate_message_bucket(last + 1) == bucket + 1
            assert calculate_message_bucket(smallest_snowflake_at(start)) == bucket
            assert bucket_for_datetime(end - timedelta(milliseconds=1)) == bucket
            assert bucket_for_datetime(end) == bucket + 1
            assert snowflake_to_datetime(first) == start


class TestLiveIds:
    def test_ids_increase_and_carry_the_worker(self) -> None:
        generator = SnowflakeGenerator(42)
        ids = [generator.next_id() for _ in range(10_000)]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
        assert {parse_snowflake(i).worker_id for i in ids} == {42}
        now = datetime.now(UTC)
        assert abs(snowflake_to_datetime(ids[-1]) - now) < timedelta(seconds=2)

    def test_sequence_overflow_waits_for_the_next_millisecond(self) -> None:
        clock = FakeClock(1_000)
        generator = SnowflakeGenerator(1, clock=clock)
        first_ms = [generator.next_id() for _ in range(LIVE_SEQUENCE_MAX + 1)]
        assert {parse_snowflake(i).timestamp_ms for i in first_ms} == {1_000}
        calls_before = clock.calls
        clock.advance_at = calls_before + 50  # the clock moves only after 50 more reads
        overflowed = generator.next_id()
        assert parse_snowflake(overflowed) == parse_snowflake(compose_snowflake(1_001, 1, 0))
        assert clock.calls >= calls_before + 50, "it issued the id before the clock moved"
        assert overflowed > first_ms[-1]

    def test_clock_stepping_back_never_repeats_an_id(self) -> None:
        clock = FakeClock(10_000)
        generator = SnowflakeGenerator(3, clock=clock)
        before = [generator.next_id() for _ in range(5)]
        clock.ms = 9_000  # NTP stepped the clock back one second
        after = [generator.next_id() for _ in range(LIVE_SEQUENCE_MAX + 10)]
        ids = before + after
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
        # It kept issuing from its last millisecond and, when full, took the next one
        # without waiting a second for the clock to come back.
        assert {parse_snowflake(i).timestamp_ms for i in after} == {10_000, 10_001}
        clock.ms = 20_000
        assert parse_snowflake(generator.next_id()).timestamp_ms == 20_000

    def test_threads_share_a_generator_without_duplicates(self) -> None:
        generator = SnowflakeGenerator(9)
        results: list[list[int]] = [[] for _ in range(8)]

        def work(out: list[int]) -> None:
            out.extend(generator.next_id() for _ in range(5_000))

        threads = [threading.Thread(target=work, args=(out,)) for out in results]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        everything = [i for out in results for i in out]
        assert len(set(everything)) == 40_000
        assert all(out == sorted(out) for out in results)

    def test_worker_id_must_fit_ten_bits(self) -> None:
        for bad in (-1, 1024, True):
            with pytest.raises(ValueError):
                SnowflakeGenerator(bad)


class TestDatedIds:
    moment = datetime(2025, 6, 1, 12, 0, 0, 250_000, tzinfo=UTC)

    def test_an_id_for_a_given_time_lands_in_its_bucket(self) -> None:
        snowflake = SnowflakeGenerator(5).next_id(self.moment)
        assert snowflake_to_datetime(snowflake) == self.moment
        assert calculate_message_bucket(snowflake) == bucket_for_datetime(self.moment)
        assert parse_snowflake(snowflake).sequence >= DATED_SEQUENCE_BASE

    def test_many_ids_for_one_millisecond_are_unique(self) -> None:
        generator = SnowflakeGenerator(5)
        ids = [generator.next_id(self.moment) for _ in range(3_000)]
        assert len(set(ids)) == 3_000
        base_ms = parse_snowflake(ids[0]).timestamp_ms
        # 2048 fit in the millisecond; the rest moved one millisecond later, not earlier.
        assert sum(parse_snowflake(i).timestamp_ms == base_ms for i in ids) == 2048
        assert {parse_snowflake(i).timestamp_ms for i in ids} == {base_ms, base_ms + 1}

    def test_dated_ids_never_collide_with_live_ids_of_that_millisecond(self) -> None:
        ms = (self.moment - EPOCH) // timedelta(milliseconds=1)
        generator = SnowflakeGenerator(5, clock=FakeClock(ms))
        mixed = []
        for _ in range(1_000):
            mixed.append(generator.next_id())
            mixed.append(generator.next_id(self.moment))
        assert len(set(mixed)) == 2_000
        assert {parse_snowflake(i).timestamp_ms for i in mixed} == {ms}

    def test_out_of_order_imports_stay_unique(self) -> None:
        generator = SnowflakeGenerator(5)
        times = [self.moment + timedelta(milliseconds=(i * 7919) % 500) for i in range(20_000)]
        ids = [generator.next_id(t) for t in times]
        assert len(set(ids)) == len(ids)
        assert all(snowflake_to_datetime(i) == t for i, t in zip(ids, times, strict=True))

    def test_times_before_the_epoch_get_negative_ids_in_time_order(self) -> None:
        generator = SnowflakeGenerator(5)
        times = [EPOCH - timedelta(days=3650), EPOCH - timedelta(milliseconds=1), EPOCH]
        ids = [generator.next_id(t) for t in times]
        assert ids[0] < ids[1] < 0 <= ids[2]
        assert [snowflake_to_datetime(i) for i in ids] == times
        assert parse_snowflake(ids[1]).worker_id == 5
        assert calculate_message_bucket(ids[1]) == -1
        assert calculate_message_bucket(ids[2]) == 0

    def test_times_before_1970_are_refused(self) -> None:
        with pytest.raises(ValueError, match="before 1970"):
            SnowflakeGenerator(5).next_id(datetime(1969, 12, 31, 23, 59, tzinfo=UTC))


class TestProcessGenerator:
    @override_settings(SNOWFLAKE_WORKER_ID_PROVIDER="tests.messaging.test_snowflake.fixed_worker_7")
    def test_worker_id_comes_from_the_configured_provider(self) -> None:
        reset_snowflake_generator()
        try:
            snowflake = generate_snowflake_id()
            dated = generate_snowflake_id(at=TestDatedIds.moment)
        finally:
            reset_snowflake_generator()
        assert parse_snowflake(snowflake).worker_id == 7 == parse_snowflake(dated).worker_id
        assert snowflake_to_datetime(dated) == TestDatedIds.moment

    def test_four_forked_processes_lease_distinct_workers_and_never_collide(self) -> None:
        """Real Redis leases (presence.leases): each child re-leases after the fork."""
        reset_snowflake_generator()
        parent_id = generate_snowflake_id()  # the parent holds a lease before forking
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        children = [context.Process(target=_mint_in_child, args=(results,)) for _ in range(4)]
        for child in children:
            child.start()
        batches = [results.get(timeout=60) for _ in children]
        for child in children:
            child.join(timeout=30)
            assert child.exitcode == 0
        workers = {parse_snowflake(parent_id).worker_id}
        for ids in batches:
            assert len(ids) == 20_000
            workers |= {parse_snowflake(i).worker_id for i in ids}
        assert len(workers) == 5, f"worker ids shared between processes: {workers}"
        everything = [i for ids in batches for i in ids]
        assert len(set(everything)) == len(everything)


def _mint_in_child(results: multiprocessing.Queue[list[int]]) -> None:
    results.put([generate_snowflake_id() for _ in range(20_000)])
