"""Compares the live keyspace, the migration files and the cqlengine models.

Each of the three becomes a ``SchemaShape`` (per table: columns and types,
partition key, clustering columns and order, indexed columns, the table
options that matter for data: compaction, default TTL, gc grace), and shapes
are diffed pairwise with the files as the reference.

The files' shape is not parsed from CQL text: they are applied by the real
runner to a throwaway keyspace ``<keyspace>_chk_<random>`` on the same
server, read back through the driver's metadata and dropped. The server then
fills in every default (TWCS's thresholds, gc grace, type aliases) the same
way on both sides, so only real drift shows. The role running the check
therefore needs CREATE and DROP KEYSPACE.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cassandra.cqlengine.models import Model
from cassandra.metadata import KeyspaceMetadata, TableMetadata

from messaging.conf import migrations_dir
from messaging.scylla.client import ScyllaClient
from messaging.scylla.dialect import (
    Dialect,
    detect_dialect,
    keyspace_uses_tablets,
    normalize_replication,
    validate_keyspace_name,
)
from messaging.scylla.migration_files import AppliedMigration, Migration, load_migrations
from messaging.scylla.migrations import (
    BOOKKEEPING_TABLES,
    DDL_TIMEOUT,
    apply_migrations,
    read_applied,
    run_ddl,
)

COMPARED_OPTIONS = ("compaction", "default_time_to_live", "gc_grace_seconds")
_SCRATCH_PREFIX_LENGTH = 35  # + "_chk_" + 8 hex digits stays within CQL's 48


@dataclass(frozen=True)
class TableShape:
    name: str
    columns: Mapping[str, str]  # column -> CQL type
    partition_key: tuple[str, ...]
    clustering: tuple[tuple[str, str], ...]  # (column, "ASC" | "DESC")
    indexes: Mapping[str, str]  # indexed column -> index name ("" when the source has none)
    options: Mapping[str, Any]  # COMPARED_OPTIONS, normalised


@dataclass(frozen=True)
class SchemaShape:
    source: str
    tables: Mapping[str, TableShape]
    # A model declares only the options it cares about; the server states all of them.
    partial_options: bool = False


@dataclass(frozen=True)
class SchemaDifference:
    table: str | None
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.table}: {self.detail}" if self.table else self.detail


@dataclass
class SchemaCheckReport:
    keyspace: str
    dialect: Dialect
    tables: list[str] = field(default_factory=list)
    differences: list[SchemaDifference] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.differences


# --------------------------------------------------------------- shapes
def shape_from_metadata(keyspace: KeyspaceMetadata, source: str) -> SchemaShape:
    tables = {
        name: _table_from_metadata(table)
        for name, table in keyspace.tables.items()
        if name not in BOOKKEEPING_TABLES
    }
    return SchemaShape(source, tables)


def _table_from_metadata(table: TableMetadata) -> TableShape:
    return TableShape(
        name=table.name,
        columns={name: column.cql_type for name, column in table.columns.items()},
        partition_key=tuple(column.name for column in table.partition_key),
        clustering=tuple(
            (column.name, "DESC" if column.is_reversed else "ASC")
            for column in table.clustering_key
        ),
        indexes={
            index.index_options.get("target", ""): index.name for index in table.indexes.values()
        },
        options={
            key: _normalize_option(key, table.options[key])
            for key in COMPARED_OPTIONS
            if key in table.options
        },
    )


def shape_from_models(models: Iterable[type[Model]]) -> SchemaShape:
    tables = {}
    for model in models:
        name = model._raw_column_family_name()
        declared = model.__options__ or {}
        tables[name] = TableShape(
            name=name,
            columns={c.db_field_name: c.db_type for c in model._columns.values()},
            partition_key=tuple(c.db_field_name for c in model._partition_keys.values()),
            clustering=tuple(
                (c.db_field_name, (c.clustering_order or "ASC").upper())
                for c in model._clustering_keys.values()
            ),
            indexes={c.db_field_name: "" for c in model._columns.values() if c.index},
            options={
                key: _normalize_option(key, declared[key])
                for key in COMPARED_OPTIONS
                if key in declared
            },
        )
    return SchemaShape("the cqlengine models", tables, partial_options=True)


def _normalize_option(key: str, value: Any) -> Any:
    if key == "compaction":
        options = {str(k): str(v) for k, v in dict(value).items()}
        options["class"] = options.get("class", "").rsplit(".", 1)[-1]
        return options
    return str(value)


# --------------------------------------------------------------- diffs
def diff_shapes(expected: SchemaShape, actual: SchemaShape) -> list[SchemaDifference]:
    """Every way ``actual`` departs from ``expected``, table by table."""
    differences: list[SchemaDifference] = []
    for name in sorted(set(expected.tables) | set(actual.tables)):
        if name not in actual.tables:
            differences.append(
                SchemaDifference(name, "missing table", f"table missing from {actual.source}")
            )
        elif name not in expected.tables:
            differences.append(
                SchemaDifference(
                    name, "extra table", f"table in {actual.source}, not in {expected.source}"
                )
            )
        else:
            differences += _diff_table(expected.tables[name], actual.tables[name], expected, actual)
    return differences


def _diff_table(
    want: TableShape,
    have: TableShape,
    expected: SchemaShape,
    actual: SchemaShape,
) -> list[SchemaDifference]:
    found: list[SchemaDifference] = []
    declared = (
        have.options
        if actual.partial_options
        else want.options
        if expected.partial_options
        else None
    )

    def add(kind: str, detail: str) -> None:
        found.append(SchemaDifference(want.name, kind, detail))

    for column in sorted(set(want.columns) | set(have.columns)):
        wanted, present = want.columns.get(column), have.columns.get(column)
        if present is None:
            add("missing column", f"column {column} ({wanted}) missing from {actual.source}")
        elif wanted is None:
            add(
                "extra column",
                f"column {column} ({present}) in {actual.source}, not in {expected.source}",
            )
        elif wanted != present:
            add(
                "column type",
                f"column {column} is {present} in {actual.source}, {wanted} in {expected.source}",
            )
    if want.partition_key != have.partition_key:
        add(
            "partition key",
            f"partition key is ({', '.join(have.partition_key)}) in {actual.source}, "
            f"({', '.join(want.partition_key)}) in {expected.source}",
        )
    if want.clustering != have.clustering:
        add(
            "clustering",
            f"clustering is ({_clustering(have)}) in {actual.source}, "
            f"({_clustering(want)}) in {expected.source}",
        )
    for column in sorted(set(want.indexes) | set(have.indexes)):
        if column not in have.indexes:
            add(
                "missing index",
                f"index {want.indexes[column]} on {column} missing from {actual.source}",
            )
        elif column not in want.indexes:
            add("extra index", f"index on {column} in {actual.source}, not in {expected.source}")
        elif (
            want.indexes[column]
            and have.indexes[column]
            and want.indexes[column] != have.indexes[column]
        ):
            add(
                "index name",
                f"index on {column} is {have.indexes[column]} in {actual.source}, "
                f"{want.indexes[column]} in {expected.source}",
            )
    for key in COMPARED_OPTIONS:
        wanted, present = _comparable(want.options, have.options, key, declared)
        if wanted != present:
            add(
                key,
                f"{key} is {_show(present)} in {actual.source}, "
                f"{_show(wanted)} in {expected.source}",
            )
    return found


def _comparable(
    want: Mapping[str, Any], have: Mapping[str, Any], key: str, declared: Mapping[str, Any] | None
) -> tuple[Any, Any]:
    """The two values of an option, cut down to what a partial side ``declared``."""
    wanted, present = want.get(key), have.get(key)
    if declared is None:
        return wanted, present
    if key not in declared:
        return None, None
    if isinstance(declared[key], dict):
        names = declared[key].keys()
        return (
            {k: (wanted or {}).get(k) for k in names},
            {k: (present or {}).get(k) for k in names},
        )
    return wanted, present


def _clustering(table: TableShape) -> str:
    return ", ".join(f"{column} {order}" for column, order in table.clustering) or "none"


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(value.items())) + "}"
    return "unset" if value is None else str(value)


def migration_differences(
    migrations: Sequence[Migration], applied: Sequence[AppliedMigration], keyspace: str
) -> list[SchemaDifference]:
    """Files not applied, applied rows whose file changed or is gone."""
    files = {migration.version: migration for migration in migrations}
    rows = {row.version: row for row in applied}
    found = []
    for version in sorted(set(files) | set(rows)):
        migration, row = files.get(version), rows.get(version)
        if row is None and migration is not None:
            found.append(
                SchemaDifference(
                    None, "pending migration", f"{migration.filename} not applied to {keyspace}"
                )
            )
        elif migration is None and row is not None:
            found.append(
                SchemaDifference(
                    None,
                    "missing migration file",
                    f"{version:03d}_{row.name}.cql applied to {keyspace} but its file is missing",
                )
            )
        elif migration is not None and row is not None and migration.checksum != row.checksum:
            found.append(
                SchemaDifference(
                    None,
                    "changed migration",
                    f"{migration.filename} changed after it was applied to {keyspace}",
                )
            )
    return found


# --------------------------------------------------------------- the check
def check_schema(
    client: ScyllaClient,
    *,
    keyspace: str | None = None,
    models: Iterable[type[Model]] | None = None,
    directory: Path | None = None,
) -> SchemaCheckReport:
    """Diffs files against the live keyspace and against the models; lists every difference."""
    if models is None:
        from messaging.cql_models import CQL_MODELS

        models = CQL_MODELS
    keyspace = validate_keyspace_name(keyspace or client.keyspace)
    directory = directory or migrations_dir()
    migrations = load_migrations(directory)
    dialect = detect_dialect(client.session)
    report = SchemaCheckReport(keyspace=keyspace, dialect=dialect)
    files = files_shape(client, directory, near=keyspace)
    report.tables = sorted(files.tables)
    report.differences += diff_shapes(files, shape_from_models(models))

    cluster = client.cluster
    cluster.refresh_schema_metadata(max_schema_agreement_wait=DDL_TIMEOUT)
    live = cluster.metadata.keyspaces.get(keyspace)
    if live is None:
        report.differences.append(
            SchemaDifference(
                None, "missing keyspace", f"keyspace {keyspace} does not exist (run scylla_migrate)"
            )
        )
        return report
    report.differences += diff_shapes(files, shape_from_metadata(live, f"live keyspace {keyspace}"))
    report.differences += migration_differences(
        migrations, read_applied(client, keyspace), keyspace
    )
    report.differences += _keyspace_differences(client, dialect, keyspace)
    return report


def files_shape(client: ScyllaClient, directory: Path, *, near: str | None = None) -> SchemaShape:
    """The migration files applied to a throwaway keyspace, read back, dropped.

    The throwaway keyspace is named after ``near`` (default: the client's) so an
    operator who sees it knows what created it.
    """
    base = (near or client.keyspace)[:_SCRATCH_PREFIX_LENGTH]
    scratch = f"{base}_chk_{uuid.uuid4().hex[:8]}"
    cluster = client.cluster
    try:
        apply_migrations(client, keyspace=scratch, directory=directory)
        cluster.refresh_keyspace_metadata(scratch, max_schema_agreement_wait=DDL_TIMEOUT)
        return shape_from_metadata(cluster.metadata.keyspaces[scratch], "the migration files")
    finally:
        run_ddl(client.session, f"DROP KEYSPACE IF EXISTS {scratch}")


def _keyspace_differences(
    client: ScyllaClient, dialect: Dialect, keyspace: str
) -> list[SchemaDifference]:
    found = []
    if keyspace_uses_tablets(client.session, dialect, keyspace):
        found.append(
            SchemaDifference(
                None,
                "tablets",
                f"keyspace {keyspace} uses tablets on {dialect}; counters and the secondary "
                "index need vnodes (recreate it with scylla_migrate)",
            )
        )
    row = client.execute(
        "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = %s", (keyspace,)
    ).one()
    live = normalize_replication(row.replication)
    configured = normalize_replication(client.config.replication)
    if live != configured:
        found.append(
            SchemaDifference(
                None,
                "replication",
                f"keyspace {keyspace} replication is {_show(live)}, "
                f"SCYLLA_REPLICATION says {_show(configured)}",
            )
        )
    return found
