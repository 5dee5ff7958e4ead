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
