"""Which CQL server we talk to, and the keyspace DDL that server accepts.

The schema files are common CQL except for one clause of CREATE KEYSPACE:
ScyllaDB 6.0 and later create keyspaces on *tablets* by default, and our
schema needs vnodes (counters in message_reaction_counts,
the secondary index idx_telegram_sync_chat and LWT are not supported on
tablets everywhere), so those servers must be told ``AND tablets =
{'enabled': false}``. ScyllaDB 5.x and Apache Cassandra reject that clause
("Unknown property 'tablets'"): the seed's DDL, which always carried it,
fails on the seed's own scylla:5.4 image. A ScyllaDB configured with
``tablets_mode_for_new_keyspaces: enforced`` refuses vnode keyspaces
altogether; we refuse it first, with a message that says what to change.

Detection happens once per connection: ``system.versions`` exists only on
ScyllaDB (``system.local.release_version`` says "3.0.8" there and is useless).
Everything below except ``detect_dialect`` and ``keyspace_uses_tablets`` is a
pure function, unit-tested for every server and version.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cassandra import InvalidRequest
from cassandra.cluster import Session

SIMPLE_STRATEGY = "SimpleStrategy"
NETWORK_TOPOLOGY_STRATEGY = "NetworkTopologyStrategy"
# CQL identifiers for keyspaces: a letter, then letters, digits, underscores; 48 at most.
_KEYSPACE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,47}")
_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")
# First releases whose CREATE KEYSPACE knows the tablets property: open-source
# ScyllaDB 6.0, and on the year-numbered line Enterprise 2024.2 (2024.1 is 5.4
# based); every 2025.x release and later has it.
_OSS_TABLETS_SINCE = (6, 0)
_YEAR_LINE_TABLETS_SINCE = (2024, 2)
_YEAR_LINE_FIRST_MAJOR = 2000

TABLETS_NEEDED_BY = (
    "counters (message_reaction_counts), the secondary index idx_telegram_sync_chat and LWT"
)


class Product(StrEnum):
    SCYLLADB = "ScyllaDB"
    CASSANDRA = "Apache Cassandra"


class TabletsMode(StrEnum):
    """ScyllaDB's default for new keyspaces (``tablets_mode_for_new_keyspaces``)."""

    DISABLED = "disabled"
    ENABLED = "enabled"
    ENFORCED = "enforced"


class UnsupportedServerError(Exception):
    """The server cannot host this schema as configured; the message says what to change."""


@dataclass(frozen=True)
class Dialect:
    """The server family and version, and (ScyllaDB) its tablets default."""

    product: Product
    version: str
    tablets_mode: TabletsMode | None = None

    @property
    def is_scylla(self) -> bool:
        return self.product is Product.SCYLLADB

    @property
    def version_tuple(self) -> tuple[int, int, int]:
        return parse_version(self.version)

    @property
    def knows_tablets(self) -> bool:
        """Whether CREATE KEYSPACE on this server accepts the ``tablets`` property."""
        return self.is_scylla and scylla_knows_tablets(self.version_tuple)

    def __str__(self) -> str:
        return f"{self.product} {self.version}"


def parse_version(text: str) -> tuple[int, int, int]:
    """``"6.2.3-0.20250119.abc"`` -> ``(6, 2, 3)``; missing parts are 0."""
    match = _VERSION.match(text.strip())
    if match is None:
        raise ValueError(f"not a server version: {text!r}")
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


def scylla_knows_tablets(version: tuple[int, int, int]) -> bool:
    if version[0] >= _YEAR_LINE_FIRST_MAJOR:
        return version[:2] >= _YEAR_LINE_TABLETS_SINCE
    return version[:2] >= _OSS_TABLETS_SINCE


def tablets_mode_from_config(config: Mapping[str, str]) -> TabletsMode | None:
    """Reads ScyllaDB's ``system.config`` values (JSON-encoded) for the tablets default.

    ``tablets_mode_for_new_keyspaces`` (2025.1 and later) wins over the older
    boolean ``enable_tablets`` (6.0-6.2). ``None`` when neither is present
    (ScyllaDB before tablets).
    """
    mode = config.get("tablets_mode_for_new_keyspaces")
    if mode is not None:
        return TabletsMode(str(json.loads(mode)).strip().lower())
    enabled = config.get("enable_tablets")
    if enabled is not None:
        return TabletsMode.ENABLED if json.loads(enabled) is True else TabletsMode.DISABLED
    return None


def validate_keyspace_name(name: str) -> str:
    if not _KEYSPACE_NAME.fullmatch(name):
        raise ValueError(
            f"invalid keyspace name {name!r}: use a letter, then letters, digits or "
            "underscores, 48 characters at most"
        )
    return name


def normalize_replication(replication: Mapping[str, Any]) -> dict[str, str]:
    """Checks SCYLLA_REPLICATION and returns it as the server stores it (text values).

    SimpleStrategy needs ``replication_factor``; NetworkTopologyStrategy needs a
    factor per datacenter (or ``replication_factor`` for all of them). Factors
    are positive integers. The class may be given fully qualified.
    """
    options = {str(key): value for key, value in replication.items()}
    strategy = str(options.pop("class", "")).rsplit(".", 1)[-1]
    if strategy not in (SIMPLE_STRATEGY, NETWORK_TOPOLOGY_STRATEGY):
        raise ValueError(
            f"SCYLLA_REPLICATION class must be {SIMPLE_STRATEGY} or "
            f"{NETWORK_TOPOLOGY_STRATEGY}, not {strategy or 'missing'!r}"
        )
    if strategy == SIMPLE_STRATEGY and set(options) != {"replication_factor"}:
        raise ValueError(f"{SIMPLE_STRATEGY} takes exactly one option, replication_factor")
    if not options:
        raise ValueError(f"{NETWORK_TOPOLOGY_STRATEGY} needs a factor per datacenter")
    normalized = {"class": strategy}
    for key, factor in sorted(options.items()):
        if not str(factor).isdigit() or int(factor) < 1:
            raise ValueError(f"replication factor for {key!r} must be a positive integer")
        normalized[key] = str(int(factor))
    return normalized


def render_replication(replication: Mapping[str, Any]) -> str:
    """The replication map as CQL: ``{'class': 'SimpleStrategy', 'replication_factor': 1}``."""
    normalized = normalize_replication(replication)
    parts = [f"'class': '{normalized.pop('class')}'"]
    parts += [f"{_quote(key)}: {factor}" for key, factor in normalized.items()]
    return "{" + ", ".join(parts) + "}"


def needs_tablets_off(dialect: Dialect) -> bool:
    """Whether CREATE KEYSPACE must carry ``AND tablets = {'enabled': false}``.

    Every ScyllaDB that knows tablets gets it, whatever the strategy: with
    NetworkTopologyStrategy it is what keeps the keyspace on vnodes, and with
    SimpleStrategy 6.x ignores it while 2026.x, whose tablets are on by
    default, refuses SimpleStrategy without it ("SimpleStrategy doesn't support
    tablet replication"). Older servers and Cassandra reject the property.
    """
    return dialect.knows_tablets


def ensure_supported(dialect: Dialect) -> None:
    """Refuses a server that would put the keyspace on tablets whatever we ask."""
    if dialect.is_scylla and dialect.tablets_mode is TabletsMode.ENFORCED:
        raise UnsupportedServerError(
            f"{dialect} enforces tablets (tablets_mode_for_new_keyspaces: enforced), but "
            f"this schema needs a vnodes keyspace for {TABLETS_NEEDED_BY}. Set "
            "tablets_mode_for_new_keyspaces to 'enabled' or 'disabled' in scylla.yaml on "
            "every node (keyspaces that exist keep their mode), then run scylla_migrate again."
        )


def render_create_keyspace(keyspace: str, replication: Mapping[str, Any], dialect: Dialect) -> str:
    """The CREATE KEYSPACE statement this server accepts, for SCYLLA_REPLICATION."""
    ensure_supported(dialect)
    statement = (
        f"CREATE KEYSPACE IF NOT EXISTS {validate_keyspace_name(keyspace)} "
        f"WITH replication = {render_replication(replication)} AND durable_writes = true"
    )
    if needs_tablets_off(dialect):
        statement += " AND tablets = {'enabled': false}"
    return statement


def parse_dialect(spec: str) -> Dialect:
    """A dialect named offline, for rendering DDL without a server.

    ``cassandra`` / ``cassandra-5.0``, ``scylladb-5.4``, ``scylladb-6.2``,
    ``scylladb-2025.1``. A ScyllaDB spec assumes tablets are not enforced.
    """
    product, _, version = spec.strip().lower().partition("-")
    if product == "cassandra":
        return Dialect(Product.CASSANDRA, version or "5.0")
    if product in ("scylla", "scylladb") and version:
        parse_version(version)
        return Dialect(Product.SCYLLADB, version)
    raise ValueError(f"unknown dialect {spec!r}: use cassandra or scylladb-<version>")


def detect_dialect(session: Session) -> Dialect:
    """Asks the server what it is (one or two small system-table reads)."""
    try:
        row = session.execute("SELECT version FROM system.versions WHERE key = 'local'").one()
    except InvalidRequest:
        release = session.execute("SELECT release_version FROM system.local").one()
        return Dialect(Product.CASSANDRA, _field(release, "release_version"))
    return Dialect(
        Product.SCYLLADB, _field(row, "version"), tablets_mode_from_config(_scylla_config(session))
    )


def keyspace_uses_tablets(session: Session, dialect: Dialect, keyspace: str) -> bool:
    """Whether an existing ScyllaDB keyspace was created on tablets.

    ``system_schema.scylla_keyspaces.initial_tablets`` is set for tablet
    keyspaces; servers without the table or column have no tablets at all.
    """
    if not dialect.knows_tablets:
        return False
    try:
        row = session.execute(
            "SELECT initial_tablets FROM system_schema.scylla_keyspaces WHERE keyspace_name = %s",
            (keyspace,),
        ).one()
    except InvalidRequest:
        return False
    return row is not None and _field(row, "initial_tablets") is not None


def _scylla_config(session: Session) -> dict[str, str]:
    names = ("tablets_mode_for_new_keyspaces", "enable_tablets")
    try:
        rows: Iterable[Any] = session.execute("SELECT name, value FROM system.config")
    except InvalidRequest:
        return {}
    return {
        _field(row, "name"): _field(row, "value") for row in rows if _field(row, "name") in names
    }


def _field(row: Any, name: str) -> Any:
    # Rows are namedtuples on the client's session and dicts on cqlengine's.
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
