"""Snowflake ids and the 10-day message buckets derived from them.

Layout of an id (the seed's)::

    | 42 bits ms since 2024-01-01T00:00:00Z (signed) | 10 bits worker | 12 bits sequence |

Ids are stored in CQL ``bigint`` columns, which are *signed* 64-bit integers.
The seed gives the timestamp 42 bits, so its top bit is the sign bit: an id is
``ms * 2**22 + worker * 2**12 + sequence`` and numeric order is time order for
every millisecond from 1970-01-01 to 2093-09-06 (2**41 ms after the epoch).
Messages minted live are always positive; history imported from before the
epoch (a Telegram chat from 2015) keeps its time and gets *negative* ids and
buckets, which sort, page and bucket like any other. Times outside the range
are refused rather than wrapped. JSON carries ids as strings (a JavaScript
number holds only 53 bits).

The sequence space of each millisecond is split in two halves so that the two
ways of minting ids can never collide on one worker:

* live ids (``generate_snowflake_id()``, "now") use sequences 0..2047, strictly
  increasing per worker: 2048 ids per ms per worker (2 million a second); the
  2049th waits for the next millisecond. A clock that steps back does not make
  the generator go back: it keeps issuing from the last millisecond it used.
* dated ids (``generate_snowflake_id(at=...)``, imports keeping their original
  time) use sequences 2048..4095 of *that* millisecond, remembered per
  millisecond in a bounded map. Live traffic therefore never takes a sequence
  an import of the same millisecond needs, whatever the import's order.

Worker ids come from a provider (setting ``SNOWFLAKE_WORKER_ID_PROVIDER``, a
dotted path to a ``() -> int`` callable; by default the Redis lease of
``presence.leases.lease_worker_id``, or without the presence app the fixed
``SNOWFLAKE_WORKER_ID``, see ``messaging.conf``) so that no two processes share one; the
process-global generator asks it for every id, so a fork or a lapsed lease
switches to the newly leased worker id at once.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
EPOCH_MS = int(EPOCH.timestamp() * 1000)

TIMESTAMP_BITS = 42
WORKER_BITS = 10
SEQUENCE_BITS = 12
# The last millisecond whose ids fit a signed bigint (the 42nd bit would be the sign).
MAX_TIMESTAMP_MS = (1 << (TIMESTAMP_BITS - 1)) - 1
# The Unix epoch: imported history reaches back to it (CQL write timestamps stay positive).
MIN_TIMESTAMP_MS = -EPOCH_MS
MIN_TIME = datetime(1970, 1, 1, tzinfo=UTC)
MAX_WORKER_ID = (1 << WORKER_BITS) - 1
MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1
WORKER_SHIFT = SEQUENCE_BITS
TIMESTAMP_SHIFT = SEQUENCE_BITS + WORKER_BITS
MAX_SNOWFLAKE = (1 << 63) - 1  # the largest CQL bigint
MIN_SNOWFLAKE = MIN_TIMESTAMP_MS << TIMESTAMP_SHIFT  # the first id of 1970-01-01

# Live ids take the lower half of each millisecond's sequences, dated ids the upper half.
LIVE_SEQUENCE_MAX = (MAX_SEQUENCE + 1) // 2 - 1
DATED_SEQUENCE_BASE = LIVE_SEQUENCE_MAX + 1

BUCKET_DAYS = 10
BUCKET_MS = BUCKET_DAYS * 24 * 60 * 60 * 1000


Clock = Callable[[], int]


def now_ms() -> int:
    """Milliseconds since the Snowflake epoch by the wall clock."""
    return time.time_ns() // 1_000_000 - EPOCH_MS


@dataclass(frozen=True)
class SnowflakeParts:
    timestamp_ms: int  # since EPOCH
    worker_id: int
    sequence: int


def parse_snowflake(snowflake_id: int) -> SnowflakeParts:
    return SnowflakeParts(
        timestamp_ms=snowflake_id >> TIMESTAMP_SHIFT,
        worker_id=(snowflake_id >> WORKER_SHIFT) & MAX_WORKER_ID,
        sequence=snowflake_id & MAX_SEQUENCE,
    )


def compose_snowflake(timestamp_ms: int, worker_id: int, sequence: int) -> int:
    if not MIN_TIMESTAMP_MS <= timestamp_ms <= MAX_TIMESTAMP_MS:
        raise ValueError(
            f"timestamp {timestamp_ms} ms is outside the Snowflake range (1970-01-01..2093-09-06)"
        )
    if not 0 <= worker_id <= MAX_WORKER_ID:
        raise ValueError(f"worker id {worker_id} is outside 0..{MAX_WORKER_ID}")
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence {sequence} is outside 0..{MAX_SEQUENCE}")
    return (timestamp_ms << TIMESTAMP_SHIFT) | (worker_id << WORKER_SHIFT) | sequence


def datetime_to_ms(moment: datetime) -> int:
    """Milliseconds since the Snowflake epoch; naive datetimes are refused (ambiguous)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a Snowflake time must be timezone-aware")
    return (moment - EPOCH) // timedelta(milliseconds=1)


def snowflake_ms(snowflake_id: int) -> int:
    """Milliseconds since the Snowflake epoch at which ``snowflake_id`` was minted."""
    return snowflake_id >> TIMESTAMP_SHIFT


def snowflake_to_datetime(snowflake_id: int) -> datetime:
    """The UTC time encoded in an id (millisecond precision)."""
    return EPOCH + timedelta(milliseconds=snowflake_id >> TIMESTAMP_SHIFT)


def snowflake_to_unix_micros(snowflake_id: int) -> int:
    """A CQL write timestamp (µs since 1970) that orders like the ids themselves.

    ``USING TIMESTAMP`` with this value makes a later id win over an earlier
    one regardless of the order the writes arrive in (read positions, a
    channel's last message). The millisecond gives the thousands; the 22 bits
    below it (worker and sequence) scaled to 0..999 give the rest, so ids of
    one millisecond keep their order too, except a few neighbours sharing one
    microsecond (then Cassandra keeps the larger value, again the later id).
    """
    ms = snowflake_id >> TIMESTAMP_SHIFT
    below_ms = snowflake_id & ((1 << TIMESTAMP_SHIFT) - 1)
    return (EPOCH_MS + ms) * 1000 + (below_ms * 1000 >> TIMESTAMP_SHIFT)


def smallest_snowflake_at(moment: datetime) -> int:
    """The smallest id minted at ``moment``'s millisecond: a bound for time-range queries."""
    return compose_snowflake(max(MIN_TIMESTAMP_MS, datetime_to_ms(moment)), 0, 0)


def calculate_message_bucket(snowflake_id: int) -> int:
    """The 10-day bucket (partition) of a message id (the seed's name)."""
    return (snowflake_id >> TIMESTAMP_SHIFT) // BUCKET_MS


def bucket_for_datetime(moment: datetime) -> int:
    return datetime_to_ms(moment) // BUCKET_MS


def bucket_time_range(bucket: int) -> tuple[datetime, datetime]:
    """``[start, end)`` of a bucket in UTC: end is the next bucket's start."""
    start = EPOCH + timedelta(milliseconds=bucket * BUCKET_MS)
    return start, start + timedelta(milliseconds=BUCKET_MS)


def bucket_id_range(bucket: int) -> tuple[int, int]:
    """Smallest and largest id a bucket can hold (both inclusive)."""
    first = compose_snowflake(bucket * BUCKET_MS, 0, 0)
    last = compose_snowflake((bucket + 1) * BUCKET_MS - 1, MAX_WORKER_ID, MAX_SEQUENCE)
    return first, last


class SnowflakeGenerator:
    """Mints ids for one worker id; safe to share between threads.

    ``clock`` (ms since EPOCH) and ``dated_memory`` exist for tests and tuning.
    Dated ids stay unique as long as a millisecond is not reused after
    ``dated_memory`` other milliseconds were (imports read in time order, as
    Telegram exports are, never come back to one).
    """

    def __init__(
        self, worker_id: int, *, clock: Clock = now_ms, dated_memory: int = 65_536
    ) -> None:
        if isinstance(worker_id, bool) or not 0 <= worker_id <= MAX_WORKER_ID:
            raise ValueError(f"worker id {worker_id!r} is outside 0..{MAX_WORKER_ID}")
        self.worker_id = worker_id
        self._clock = clock
        self._lock = threading.Lock()
        self._last_ms = -1
        self._sequence = LIVE_SEQUENCE_MAX
        self._dated: OrderedDict[int, int] = OrderedDict()
        self._dated_memory = dated_memory

    def next_id(self, at: datetime | None = None) -> int:
        if at is not None:
            return self._next_dated(datetime_to_ms(at))
        with self._lock:
            clock_ms = self._clock()
            ms = max(clock_ms, self._last_ms)  # a clock stepping back keeps our last ms
            sequence = self._sequence + 1 if ms == self._last_ms else 0
            if sequence > LIVE_SEQUENCE_MAX:
                ms, sequence = self._after_overflow(clock_ms), 0
            self._last_ms, self._sequence = ms, sequence
        return compose_snowflake(ms, self.worker_id, sequence)

    def _after_overflow(self, clock_ms: int) -> int:
        nxt = self._last_ms + 1
        if clock_ms < self._last_ms:
            # The clock stepped back: waiting for it could take seconds, and the
            # millisecond after our last is unused by us either way.
            return nxt
        while self._clock() < nxt:  # at most about one millisecond
            time.sleep(0)
        return nxt

    def _next_dated(self, ms: int) -> int:
        if ms < MIN_TIMESTAMP_MS:
            raise ValueError("a Snowflake time cannot be before 1970-01-01T00:00:00Z")
        with self._lock:
            dated = self._dated
            while (sequence := dated.pop(ms, DATED_SEQUENCE_BASE)) > MAX_SEQUENCE:
                # 2048 ids in one millisecond of one import: the next one lands 1 ms later.
                dated[ms] = sequence
                ms += 1
            dated[ms] = sequence + 1
            if len(dated) > self._dated_memory:
                dated.popitem(last=False)
        return compose_snowflake(ms, self.worker_id, sequence)


_provider: Callable[[], int] | None = None
_generators: dict[int, SnowflakeGenerator] = {}
_generators_pid = 0
_generators_lock = threading.Lock()


def _worker_id_provider() -> Callable[[], int]:
    global _provider
    if _provider is None:
        from django.utils.module_loading import import_string

        from messaging.conf import worker_id_provider_path

        _provider = import_string(worker_id_provider_path())
    return _provider


def get_snowflake_generator() -> SnowflakeGenerator:
    """The generator of the worker id this process holds right now.

    The provider is asked on every call (for the Redis lease that is a lock and
    a clock read): a lease that lapsed and was re-leased under another id, or a
    forked child that must lease its own, switches generators at once. A
    generator is kept per worker id so a returning id keeps its last
    millisecond; after a fork the parent's generators are forgotten.
    """
    global _generators_pid
    worker_id = _worker_id_provider()()
    pid = os.getpid()
    generator = _generators.get(worker_id) if _generators_pid == pid else None
    if generator is not None:
        return generator
    with _generators_lock:
        if _generators_pid != pid:
            _generators.clear()
            _generators_pid = pid
        return _generators.setdefault(worker_id, SnowflakeGenerator(worker_id))


def reset_snowflake_generator() -> None:
    """Forgets the provider and generators (tests, a changed setting)."""
    global _provider, _generators_pid
    with _generators_lock:
        _provider = None
        _generators.clear()
        _generators_pid = 0


def generate_snowflake_id(at: datetime | None = None) -> int:
    """A new id for now, or for the time ``at`` (imports keep their original time)."""
    return get_snowflake_generator().next_id(at)
