"""The migration runner: applies ``schema/migrations/NNN_name.cql`` to the keyspace, once, in order.

Steps, each safe to repeat:

1. detect the server (``dialect``) and create the keyspace with the DDL that
   server accepts, unless it exists; an existing ScyllaDB keyspace on tablets
   is refused (counters and the secondary index need vnodes);
2. create the two bookkeeping tables in the keyspace: ``schema_migrations``
   (one row per applied file, with its checksum) and ``schema_migrations_lock``;
3. take the lock: a lightweight transaction (``INSERT ... IF NOT EXISTS``) on
   one row with a TTL, renewed after every statement, so a second process
   waits instead of applying the same files (and a crashed one frees the lock
   when the TTL runs out);
4. check the applied rows against the files (a changed applied file is
   refused, naming it), then apply each pending file statement by statement
   in a session bound to the keyspace (files never name it), waiting for
   schema agreement after every DDL statement, and record it.

Two processes starting on an empty cluster both run the ``IF NOT EXISTS``
DDL of steps 1-2; everything after that happens under the lock.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cassandra import ConsistencyLevel, OperationTimedOut, WriteTimeout
from cassandra.cluster import NoHostAvailable, Session
from cassandra.query import SimpleStatement

from messaging.conf import migrations_dir
from messaging.scylla.client import ScyllaClient
from messaging.scylla.dialect import (
    TABLETS_NEEDED_BY,
    Dialect,
    detect_dialect,
    keyspace_uses_tablets,
    render_create_keyspace,
    validate_keyspace_name,
)
from messaging.scylla.migration_files import (
    AppliedMigration,
    Migration,
    MigrationError,
    load_migrations,
    plan_pending,
)

logger = logging.getLogger(__name__)

MIGRATIONS_TABLE = "schema_migrations"
LOCK_TABLE = "schema_migrations_lock"
BOOKKEEPING_TABLES = frozenset({MIGRATIONS_TABLE, LOCK_TABLE})
LOCK_ROW = "migrate"
LOCK_TTL_SECONDS = 60
DEFAULT_LOCK_TIMEOUT = 120.0
# DDL can take seconds on a loaded cluster; the client's request timeout is for queries.
DDL_TIMEOUT = 60.0
AGREEMENT_WAIT_SECONDS = 60
_LWT_ATTEMPTS = 3
KEYSPACE_READY_SECONDS = 10.0
_ALTER_ADD = re.compile(
    r"ALTER\s+TABLE\s+\"?(?P<table>\w+)\"?\s+ADD\s+\"?(?P<column>\w+)\"?\s", re.IGNORECASE
)
# A lightweight transaction that timed out may have been applied: ask again.
_UNCERTAIN = (WriteTimeout, OperationTimedOut)

_BOOKKEEPING_DDL = (
    f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} ("
    "version int PRIMARY KEY, name text, checksum text, applied_at timestamp, applied_by text"
    ") WITH comment = 'Applied schema migrations (scylla_migrate)'",
    f"CREATE TABLE IF NOT EXISTS {LOCK_TABLE} ("
    "name text PRIMARY KEY, owner text, renewed_at timestamp"
    ") WITH comment = 'Lease of the process applying migrations (scylla_migrate)'",
)


class MigrationLockTimeout(MigrationError):
    """Another process held the migration lock for longer than we were willing to wait."""


@dataclass
class MigrationReport:
    """What ``apply_migrations`` did, or with ``plan_only`` would do."""

    keyspace: str
    dialect: Dialect
    plan_only: bool
    keyspace_ddl: str | None = None
    applied: list[Migration] = field(default_factory=list)
    already_applied: list[AppliedMigration] = field(default_factory=list)
    lock_wait_seconds: float = 0.0


def apply_migrations(
    client: ScyllaClient,
    *,
    keyspace: str | None = None,
    directory: Path | None = None,
    plan_only: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> MigrationReport:
    """Brings ``keyspace`` (default: the client's) up to the migration files."""
    keyspace = validate_keyspace_name(keyspace or client.keyspace)
    migrations = load_migrations(directory or migrations_dir())
    dialect = detect_dialect(client.session)
    report = MigrationReport(keyspace=keyspace, dialect=dialect, plan_only=plan_only)
    exists = _keyspace_exists(client, keyspace)
    if not exists:
        report.keyspace_ddl = render_create_keyspace(keyspace, client.config.replication, dialect)
    if plan_only:
        applied = read_applied(client, keyspace) if exists else []
        report.already_applied = applied
        report.applied = plan_pending(migrations, applied, keyspace=keyspace)
        return report

    if report.keyspace_ddl is not None:
        run_ddl(client.session, report.keyspace_ddl)
        logger.info("created keyspace %s on %s", keyspace, dialect)
    if keyspace_uses_tablets(client.session, dialect, keyspace):
        raise MigrationError(
            f"keyspace {keyspace} uses tablets on {dialect}; this schema needs vnodes for "
            f"{TABLETS_NEEDED_BY}. A keyspace cannot switch: recreate it with "
            "scylla_migrate (which disables tablets) and copy the data over."
        )
    session = _keyspace_session(client, keyspace)
    try:
        for ddl in _BOOKKEEPING_DDL:
            run_ddl(session, ddl)
        with _migration_lock(session, client.config.write_consistency, lock_timeout) as lease:
            report.lock_wait_seconds = lease.waited
            applied = read_applied(client, keyspace)
            report.already_applied = applied
            for migration in plan_pending(migrations, applied, keyspace=keyspace):
                _apply_one(session, migration, lease)
                report.applied.append(migration)
    finally:
        session.shutdown()
    return report


def _apply_one(session: Session, migration: Migration, lease: _Lease) -> None:
    started = time.perf_counter()
    for statement in migration.statements:
        try:
            if _column_already_added(session, statement):
                logger.info("%s: column already there, skipped: %s", migration.filename, statement)
                continue
            run_ddl(session, statement)
        except MigrationError:
            raise
        except Exception as exc:
            raise MigrationError(
                f"{migration.filename} failed at: {statement[:120]}: {exc}. Nothing after "
                "this statement ran and the file is not recorded; fix the cause and run "
                "scylla_migrate again (statements should be IF NOT EXISTS so the rerun is safe)."
            ) from exc
        lease.renew()
    lease.record(
        f"INSERT INTO {MIGRATIONS_TABLE} (version, name, checksum, applied_at, applied_by) "
        "VALUES (%s, %s, %s, toTimestamp(now()), %s)",
        (migration.version, migration.name, migration.checksum, lease.owner),
    )
    logger.info(
        "applied %s (%d statements, %.2fs)",
        migration.filename,
        len(migration.statements),
        time.perf_counter() - started,
    )


def _column_already_added(session: Session, statement: str) -> bool:
    """True for an ``ALTER TABLE t ADD c ...`` whose column exists already.

    CQL has no ``ADD IF NOT EXISTS`` on every server (ScyllaDB lacks it), so a
    file whose ``ADD`` ran but was not recorded (a crash, a timeout after the
    server applied it) would fail on the rerun; the column is looked up instead.
    """
    match = _ALTER_ADD.match(statement)
    if match is None or session.keyspace is None:
        return False
    table, column = match.group("table"), match.group("column")
    # The whole schema: this process may not know the keyspace yet (another runner made it).
    session.cluster.refresh_schema_metadata()
    keyspace = session.cluster.metadata.keyspaces.get(session.keyspace)
    found = keyspace.tables.get(table) if keyspace is not None else None
    return found is not None and column in found.columns


def read_applied(client: ScyllaClient, keyspace: str) -> list[AppliedMigration]:
    """The applied rows, read at the write consistency so a previous run's record is seen."""
    if not _table_exists(client, keyspace, MIGRATIONS_TABLE):
        return []
    statement = SimpleStatement(
        f"SELECT version, name, checksum, applied_at FROM {keyspace}.{MIGRATIONS_TABLE}",
        consistency_level=getattr(ConsistencyLevel, client.config.write_consistency),
    )
    rows = client.execute(statement, write=True, timeout=DDL_TIMEOUT)
    return sorted(
        (AppliedMigration(r.version, r.name, r.checksum, _utc(r.applied_at)) for r in rows),
        key=lambda row: row.version,
    )


# Existence is asked of system_schema, not of the driver's metadata: another
# process may have created the keyspace a moment ago, and the driver learns of
# that from a debounced event, after our IF NOT EXISTS statement was a no-op.
def _keyspace_exists(client: ScyllaClient, keyspace: str) -> bool:
    return bool(
        client.execute(
            "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = %s",
            (keyspace,),
        ).one()
    )


def _table_exists(client: ScyllaClient, keyspace: str, table: str) -> bool:
    return bool(
        client.execute(
            "SELECT table_name FROM system_schema.tables "
            "WHERE keyspace_name = %s AND table_name = %s",
            (keyspace, table),
        ).one()
    )


def _utc(moment: datetime | None) -> datetime | None:
    # The driver returns timestamps as naive UTC datetimes.
    return moment.replace(tzinfo=UTC) if moment is not None else None


def run_ddl(session: Session, statement: str, *, timeout: float = DDL_TIMEOUT) -> None:
    """Runs one schema statement and waits until every connected node has the new schema."""
    session.execute(statement, timeout=timeout)
    _await_agreement(session, statement)


def _await_agreement(session: Session, after: str) -> None:
    if not session.wait_for_schema_agreement(wait_time=AGREEMENT_WAIT_SECONDS):
        raise MigrationError(
            f"the cluster did not agree on the schema within {AGREEMENT_WAIT_SECONDS}s after "
            f"{after[:80]}; check `nodetool describecluster`, then run scylla_migrate again"
        )


def _keyspace_session(client: ScyllaClient, keyspace: str) -> Session:
    """A session bound to the keyspace, so the files never need to name it.

    When another process has just created the keyspace, a node lists it in
    system_schema a moment before it accepts ``USE`` on it: connecting is
    retried for a few seconds after waiting for schema agreement.
    """
    _await_agreement(client.session, f"creating keyspace {keyspace}")
    deadline = time.monotonic() + KEYSPACE_READY_SECONDS
    while True:
        try:
            return client.cluster.connect(keyspace)
        except NoHostAvailable as exc:
            if time.monotonic() >= deadline:
                raise MigrationError(f"cannot use keyspace {keyspace}: {exc}") from exc
            time.sleep(0.2)


class _Lease:
    """The lock row held by this process; ``renew`` pushes its TTL forward.

    A lightweight transaction that times out (Paxos contention, a busy node)
    may or may not have been applied, so a timeout is never taken as an answer:
    the statement is asked again, and the row's owner says who holds the lock.
    """

    def __init__(self, session: Session, consistency: str) -> None:
        self.session = session
        self.consistency = getattr(ConsistencyLevel, consistency)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.waited = 0.0

    def acquire(self, timeout: float) -> None:
        started = time.monotonic()
        delay = 0.1
        while True:
            holder = self._try(
                f"INSERT INTO {LOCK_TABLE} (name, owner, renewed_at) "
                "VALUES (%s, %s, toTimestamp(now())) "
                f"IF NOT EXISTS USING TTL {LOCK_TTL_SECONDS}",
                (LOCK_ROW, self.owner),
            )
            self.waited = time.monotonic() - started
            if holder == self.owner:
                return
            if self.waited >= timeout:
                raise MigrationLockTimeout(
                    f"another scylla_migrate ({holder or 'unknown'}) has held the migration "
                    f"lock for {self.waited:.0f}s; wait for it, or if it died, for its lock to "
                    f"expire (at most {LOCK_TTL_SECONDS}s after its last statement)"
                )
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def renew(self) -> None:
        for _attempt in range(_LWT_ATTEMPTS):
            holder = self._try(
                f"UPDATE {LOCK_TABLE} USING TTL {LOCK_TTL_SECONDS} "
                "SET owner = %s, renewed_at = toTimestamp(now()) WHERE name = %s IF owner = %s",
                (self.owner, LOCK_ROW, self.owner),
            )
            if holder == self.owner:
                return
            if holder is not None:
                break
        raise MigrationError(
            "lost the migration lock (it expired, or the cluster did not answer); "
            "stopped before the next statement; run scylla_migrate again"
        )

    def release(self) -> None:
        # Best effort: a lock left behind expires with its TTL.
        for _attempt in range(_LWT_ATTEMPTS):
            try:
                self.session.execute(
                    self._statement(f"DELETE FROM {LOCK_TABLE} WHERE name = %s IF owner = %s"),
                    (LOCK_ROW, self.owner),
                )
                return
            except _UNCERTAIN:
                continue
        logger.warning("could not release the migration lock; it expires in %ss", LOCK_TTL_SECONDS)

    def record(self, cql: str, params: tuple[object, ...]) -> None:
        self.session.execute(self._statement(cql), params)

    def _try(self, cql: str, params: tuple[object, ...]) -> str | None:
        """Runs a conditional statement; returns the lock's owner after it, None if unknown."""
        try:
            result = self.session.execute(self._statement(cql), params)
        except _UNCERTAIN as exc:
            logger.info("migration lock statement timed out (%s); asking again", exc)
            return None
        if result.was_applied:
            return self.owner
        return getattr(result.one(), "owner", None)

    def _statement(self, cql: str) -> SimpleStatement:
        return SimpleStatement(cql, consistency_level=self.consistency)


@contextmanager
def _migration_lock(session: Session, consistency: str, timeout: float) -> Iterator[_Lease]:
    lease = _Lease(session, consistency)
    lease.acquire(timeout)
    try:
        yield lease
    finally:
        lease.release()
