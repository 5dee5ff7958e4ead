"""The messaging app's settings, read from ``django.conf.settings`` with defaults.

The app never imports the project package; a project that installs it sets the
names below (all optional) in its settings module. Every module of the app
reads its settings here, so this file is the list of them:

``SCYLLA_*``
    The CQL connection (``ScyllaSettings``).
``SCYLLA_MIGRATIONS_DIR`` (``<BASE_DIR>/schema/migrations``)
    The numbered CQL migration files.
``MESSAGING_LEDGER_LOCK_TIMEOUT`` (5)
    Seconds a follower waits for a chat's ledger lock before giving up (logged).
``MESSAGING_SEARCH_CONFIG`` ("english")
    PostgreSQL text-search configuration of the message index.
``SNOWFLAKE_WORKER_ID_PROVIDER``
    Dotted path to a ``() -> int`` giving this process's Snowflake worker id.
    Default: the Redis lease ``presence.leases.lease_worker_id`` when the
    ``presence`` app is installed, else
    ``messaging.scylla.worker_ids.configured_worker_id_provider``.
``SNOWFLAKE_WORKER_ID`` (unset)
    The fixed worker id (0-1023) that ``configured_worker_id`` returns: for a
    deployment without ``presence``, where each process must be given its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CASSANDRA_ALIAS = "cassandra"  # DATABASES key of the CQL connection (django-cassandra-engine)
CQL_APP_LABEL = "cql"  # the app of the CQL models (messaging.cql)
DEFAULT_LEDGER_LOCK_TIMEOUT = 5.0
DEFAULT_SEARCH_CONFIG = "english"
LEASED_WORKER_ID_PROVIDER = "presence.leases.lease_worker_id"
CONFIGURED_WORKER_ID_PROVIDER = "messaging.scylla.worker_ids.configured_worker_id_provider"


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


def access_cache_alias() -> str:
    """AUTH_CACHE_ALIAS: the cache holding authentication, memberships and profiles."""
    return str(getattr(settings, "AUTH_CACHE_ALIAS", "default"))


def access_cache_ttl() -> float:
    """AUTH_CACHE_TTL: seconds a cached value lives (0: no cache); read on each use."""
    return float(getattr(settings, "AUTH_CACHE_TTL", 60.0))


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


def ledger_lock_timeout() -> float:
    return float(getattr(settings, "MESSAGING_LEDGER_LOCK_TIMEOUT", DEFAULT_LEDGER_LOCK_TIMEOUT))


def search_config() -> str:
    return str(getattr(settings, "MESSAGING_SEARCH_CONFIG", DEFAULT_SEARCH_CONFIG))


def migrations_dir() -> Path:
    """SCYLLA_MIGRATIONS_DIR, by default ``<BASE_DIR>/schema/migrations``."""
    configured = getattr(settings, "SCYLLA_MIGRATIONS_DIR", None)
    if configured:
        return Path(configured)
    base_dir = getattr(settings, "BASE_DIR", None)
    if base_dir is None:
        raise ImproperlyConfigured(
            "Set SCYLLA_MIGRATIONS_DIR (or BASE_DIR) so the messaging app finds schema/migrations."
        )
    return Path(base_dir) / "schema" / "migrations"


def worker_id_provider_path() -> str:
    """Where Snowflake worker ids come from: the Redis lease needs the presence app."""
    default = (
        LEASED_WORKER_ID_PROVIDER
        if apps.is_installed("presence")
        else CONFIGURED_WORKER_ID_PROVIDER
    )
    return str(getattr(settings, "SNOWFLAKE_WORKER_ID_PROVIDER", default))


def configured_worker_id() -> int | None:
    value = getattr(settings, "SNOWFLAKE_WORKER_ID", None)
    return None if value is None else int(value)


def cassandra_database(
    *,
    contact_points: list[str] | tuple[str, ...],
    port: int,
    keyspace: str,
    username: str | None,
    password: str | None,
    replication: dict[str, Any],
) -> dict[str, Any]:
    """``DATABASES["cassandra"]`` (django-cassandra-engine) from the SCYLLA_* values.

    The project builds it from the same variables as ``ScyllaSettings``, so the
    two cannot disagree; the router keeps the ORM off it.
    """
    strategy = {key: value for key, value in replication.items() if key != "class"}
    return {
        "ENGINE": "django_cassandra_engine",
        "NAME": keyspace,
        "HOST": ",".join(contact_points),
        "USER": username or "",
        "PASSWORD": password or "",
        "OPTIONS": {
            "replication": {"strategy_class": replication["class"], **strategy},
            "connection": {"port": port, "lazy_connect": True},
        },
        "TEST": {"NAME": keyspace},
    }
