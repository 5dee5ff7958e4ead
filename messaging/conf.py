"""The messaging app's settings, read from ``django.conf.settings`` with defaults.

The app never imports the project package; a project that installs it sets the
names below (all optional) in its settings module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class ScyllaSettings:
    enabled: bool = True
    contact_points: tuple[str, ...] = ("127.0.0.1",)
    port: int = 9042
    keyspace: str = "wellwon_scylla"
    username: str | None = None
    password: str | None = None
    local_dc: str = "datacenter1"
    replication: dict[str, Any] = field(
        default_factory=lambda: {"class": "SimpleStrategy", "replication_factor": 1}
    )
    write_consistency: str = "LOCAL_QUORUM"
    read_consistency: str = "LOCAL_ONE"
    # Reads that decide a write (edit, reaction, pin, read mark, reply target,
    # Idempotency-Key retry): with writes at LOCAL_QUORUM they see every
    # acknowledged write even while one replica missed it.
    fresh_read_consistency: str = "LOCAL_QUORUM"
    connect_timeout: float = 3.0
    request_timeout: float = 5.0
    prepared_cache_size: int = 1000
    breaker_failure_threshold: int = 5
    breaker_reset_seconds: float = 5.0
    metrics_enabled: bool = True  # METRICS_ENABLED: the project's switch for every series

    @classmethod
    def from_django(cls) -> ScyllaSettings:
        defaults = cls()
        return cls(
            enabled=getattr(settings, "SCYLLA_ENABLED", defaults.enabled),
            contact_points=tuple(
                getattr(settings, "SCYLLA_CONTACT_POINTS", defaults.contact_points)
            ),
            port=getattr(settings, "SCYLLA_PORT", defaults.port),
            keyspace=getattr(settings, "SCYLLA_KEYSPACE", defaults.keyspace),
            username=getattr(settings, "SCYLLA_USERNAME", defaults.username),
            password=getattr(settings, "SCYLLA_PASSWORD", defaults.password),
            local_dc=getattr(settings, "SCYLLA_LOCAL_DC", defaults.local_dc),
            replication=dict(getattr(settings, "SCYLLA_REPLICATION", defaults.replication)),
            write_consistency=getattr(
                settings, "SCYLLA_WRITE_CONSISTENCY", defaults.write_consistency
            ),
            read_consistency=getattr(
                settings, "SCYLLA_READ_CONSISTENCY", defaults.read_consistency
            ),
            fresh_read_consistency=getattr(
                settings, "SCYLLA_FRESH_READ_CONSISTENCY", defaults.fresh_read_consistency
            ),
            connect_timeout=getattr(settings, "SCYLLA_CONNECT_TIMEOUT", defaults.connect_timeout),
            request_timeout=getattr(settings, "SCYLLA_REQUEST_TIMEOUT", defaults.request_timeout),
            prepared_cache_size=getattr(
                settings, "SCYLLA_PREPARED_CACHE_SIZE", defaults.prepared_cache_size
            ),
            breaker_failure_threshold=getattr(
                settings, "SCYLLA_BREAKER_FAILURE_THRESHOLD", defaults.breaker_failure_threshold
            ),
            breaker_reset_seconds=getattr(
                settings, "SCYLLA_BREAKER_RESET_SECONDS", defaults.breaker_reset_seconds
            ),
            metrics_enabled=getattr(settings, "METRICS_ENABLED", defaults.metrics_enabled),
        )


@dataclass(frozen=True)
class PageCacheSettings:
    """``messaging.selectors.hot_pages``: the newest pages kept between writes."""

    enabled: bool = True  # PAGE_CACHE_ENABLED (coalescing in flight is always on)
    alias: str = "default"  # PAGE_CACHE_ALIAS: the cache holding the chats' write tokens
    max_age: float = 10.0  # PAGE_CACHE_MAX_AGE: the bound when a token could not be replaced
    max_pages: int = 1000  # PAGE_CACHE_MAX_PAGES kept per process (least recently used go)


def page_cache_settings() -> PageCacheSettings:
    defaults = PageCacheSettings()
    return PageCacheSettings(
        enabled=getattr(settings, "PAGE_CACHE_ENABLED", defaults.enabled),
        alias=getattr(settings, "PAGE_CACHE_ALIAS", defaults.alias),
        max_age=getattr(settings, "PAGE_CACHE_MAX_AGE", defaults.max_age),
        max_pages=getattr(settings, "PAGE_CACHE_MAX_PAGES", defaults.max_pages),
    )


@dataclass(frozen=True)
class ReactionSettings:
    """What a reaction may be (``MESSAGING_REACTION_*``), read on each use so tests may
    override it: any single Unicode emoji (a sequence: skin tone, ZWJ family, flag,
    keycap), or one of ``custom_emoji`` (names such as ``:partyparrot:``); and at most
    ``max_distinct`` different emoji on one message (Discord's limit is 20)."""

    custom_emoji: frozenset[str] = frozenset()
    max_distinct: int = 20

    @classmethod
    def from_django(cls) -> ReactionSettings:
        defaults = cls()
        return cls(
            custom_emoji=frozenset(
                getattr(settings, "MESSAGING_REACTION_CUSTOM_EMOJI", defaults.custom_emoji)
            ),
            max_distinct=getattr(
                settings, "MESSAGING_REACTION_MAX_DISTINCT", defaults.max_distinct
            ),
        )


@dataclass(frozen=True)
class OutboxSettings:
    """The follower outbox (``messaging.services.outbox``), durations in seconds.

    ``MESSAGING_OUTBOX_GRACE`` (5): how long a request has to finish its own
    followers before the drainer may redo them. ``MESSAGING_OUTBOX_DRAIN_INTERVAL``
    (2): how often each server process looks for due work (0: no drainer thread;
    ``manage.py outbox_drain`` then). ``MESSAGING_OUTBOX_RETRY_MAX`` (15): the
    longest wait between two attempts at one task (the wait doubles from the
    interval). ``MESSAGING_OUTBOX_ABSENT_AFTER`` (60): a task whose message is
    still not in CQL this long after it was written was a write that failed, and
    is dropped. Healing time after the fault clears: at most grace + retry max +
    interval (22 s by default).
    """

    grace: float = 5.0
    drain_interval: float = 2.0
    retry_max: float = 15.0
    absent_after: float = 60.0

    @property
    def retry_base(self) -> float:
        """The first wait before a task is looked at again (also with no drainer thread)."""
        return self.drain_interval if self.drain_interval > 0 else OutboxSettings.drain_interval

    @classmethod
    def from_django(cls) -> OutboxSettings:
        defaults = cls()
        return cls(
            grace=getattr(settings, "MESSAGING_OUTBOX_GRACE", defaults.grace),
            drain_interval=getattr(
                settings, "MESSAGING_OUTBOX_DRAIN_INTERVAL", defaults.drain_interval
            ),
            retry_max=getattr(settings, "MESSAGING_OUTBOX_RETRY_MAX", defaults.retry_max),
            absent_after=getattr(settings, "MESSAGING_OUTBOX_ABSENT_AFTER", defaults.absent_after),
        )
