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
