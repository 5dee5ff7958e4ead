"""scylla_check against the real Cassandra: clean after migrate, and every kind of drift named."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from cassandra.cqlengine import columns
from cassandra.cqlengine.models import Model
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from messaging.conf import migrations_dir
from messaging.cql_models import CQL_MODELS, Message, PinnedMessage
from messaging.scylla import ScyllaClient
from messaging.scylla.dialect import detect_dialect, render_create_keyspace
from messaging.scylla.migration_files import split_statements
from messaging.scylla.migrations import (
    MIGRATIONS_TABLE,
    apply_migrations,
    run_ddl,
)
from messaging.scylla.schema_check import (
    SchemaDifference,
    SchemaShape,
    TableShape,
    check_schema,
    diff_shapes,
    files_shape,
    shape_from_metadata,
    shape_from_models,
)
from tests.messaging.schema_support import copy_migrations, scratch_keyspace


@pytest.fixture
def keyspace(cql: ScyllaClient) -> Iterator[str]:
    with scratch_keyspace(cql) as name:
        yield name


@pytest.fixture
def migrated(cql: ScyllaClient, keyspace: str) -> str:
    apply_migrations(cql, keyspace=keyspace)
    return keyspace


@pytest.fixture(scope="module")
def files(cql: ScyllaClient) -> SchemaShape:
    return files_shape(cql, migrations_dir())


def alter(client: ScyllaClient, statement: str) -> None:
    client.execute(statement, write=True, timeout=60)


def kinds(differences: list[SchemaDifference]) -> list[tuple[str | None, str]]:
    return [(difference.table, difference.kind) for difference in differences]


class TestLiveKeyspace:
    def test_a_freshly_migrated_keyspace_is_clean(self, cql: ScyllaClient, migrated: str) -> None:
        report = check_schema(cql, keyspace=migrated)

        assert report.differences == []
        assert report.clean
        assert len(report.tables) == 9
        assert {"messages", "message_reaction_counts", "message_edits"} <= set(report.tables)

    def test_a_dropped_column_is_exactly_the_difference(
        self, cql: ScyllaClient, migrated: str
    ) -> None:
        alter(cql, f"ALTER TABLE {migrated}.messages DROP entities")

        differences = check_schema(cql, keyspace=migrated).differences

        assert [str(d) for d in differences] == [
            f"messages: column entities (text) missing from live keyspace {migrated}"
        ]

    def test_changed_compaction_is_exactly_the_difference(
        self, cql: ScyllaClient, migrated: str
    ) -> None:
        alter(
            cql,
            f"ALTER TABLE {migrated}.messages WITH compaction = "
            "{'class': 'SizeTieredCompactionStrategy'}",
        )

        differences = check_schema(cql, keyspace=migrated).differences

        assert kinds(differences) == [("messages", "compaction")]
        assert "SizeTieredCompactionStrategy" in differences[0].detail
        assert "TimeWindowCompactionStrategy" in differences[0].detail

    def test_added_column_and_table_are_reported(self, cql: ScyllaClient, migrated: str) -> None:
        alter(cql, f"ALTER TABLE {migrated}.message_reactions ADD note text")
        alter(cql, f"CREATE TABLE {migrated}.scratchpad (k int PRIMARY KEY)")

        differences = check_schema(cql, keyspace=migrated).differences

        assert kinds(differences) == [
            ("message_reactions", "extra column"),
            ("scratchpad", "extra table"),
        ]

    def test_wrong_clustering_order_missing_index_and_missing_table(
        self, cql: ScyllaClient, migrated: str
    ) -> None:
        alter(cql, f"DROP TABLE {migrated}.pinned_messages")
        alter(
            cql,
            f"CREATE TABLE {migrated}.pinned_messages (channel_id uuid, message_id bigint, "
            "bucket int, pinned_by bigint, pinned_at timestamp, "
            "PRIMARY KEY (channel_id, message_id)) WITH CLUSTERING ORDER BY (message_id ASC)",
        )
        alter(cql, f"DROP INDEX {migrated}.idx_telegram_sync_chat")
        alter(cql, f"DROP TABLE {migrated}.message_read_positions")

        differences = check_schema(cql, keyspace=migrated).differences

        assert kinds(differences) == [
            ("message_read_positions", "missing table"),
            ("pinned_messages", "clustering"),
            ("telegram_sync_state", "missing index"),
        ]
        assert differences[1].detail == (
            f"clustering is (message_id ASC) in live keyspace {migrated}, "
            "(message_id DESC) in the migration files"
        )

    def test_a_wrong_partition_key_is_reported(self, cql: ScyllaClient, migrated: str) -> None:
        alter(cql, f"DROP TABLE {migrated}.message_read_positions")
        alter(
            cql,
            f"CREATE TABLE {migrated}.message_read_positions (channel_id uuid, user_id bigint, "
            "last_read_message_id bigint, updated_at timestamp, PRIMARY KEY (channel_id, user_id))",
        )

        differences = check_schema(cql, keyspace=migrated).differences

        assert kinds(differences) == [
            ("message_read_positions", "partition key"),
            ("message_read_positions", "clustering"),
        ]

    def test_pending_and_changed_migrations_are_reported(
        self, cql: ScyllaClient, keyspace: str, tmp_path: Path
    ) -> None:
        apply_migrations(cql, keyspace=keyspace, directory=copy_migrations(tmp_path, upto=1))
        alter(cql, f"UPDATE {keyspace}.{MIGRATIONS_TABLE} SET checksum = 'x' WHERE version = 1")

        differences = check_schema(cql, keyspace=keyspace).differences

        assert kinds(differences) == [
            ("message_edits", "missing table"),
            ("messages", "missing column"),
            (None, "changed migration"),
            (None, "pending migration"),
            (None, "pending migration"),
        ]
        assert str(differences[3]) == f"002_add_message_edits.cql not applied to {keyspace}"

    def test_replication_other_than_the_settings_is_reported(
        self, cql: ScyllaClient, migrated: str
    ) -> None:
        alter(
            cql,
            f"ALTER KEYSPACE {migrated} WITH replication = "
            "{'class': 'NetworkTopologyStrategy', 'datacenter1': 1}",
        )

        differences = check_schema(cql, keyspace=migrated).differences

        assert kinds(differences) == [(None, "replication")]
        assert "class: NetworkTopologyStrategy, datacenter1: 1" in differences[0].detail

    def test_a_missing_keyspace_is_one_difference(self, cql: ScyllaClient, keyspace: str) -> None:
        differences = check_schema(cql, keyspace=keyspace).differences
        assert kinds(differences) == [(None, "missing keyspace")]


class PinnedMessageDrifted(Model):
    """A model that disagrees with the files: ascending clustering, a text pinned_by."""

    __table_name__ = "pinned_messages"

    channel_id = columns.UUID(partition_key=True)
    message_id = columns.BigInt(primary_key=True)
    bucket = columns.Integer()
    pinned_by = columns.Text()
    pinned_at = columns.DateTime()


class MessageWithOtherCompaction(Message):
    __table_name__ = "messages"
    __options__ = {"compaction": {"class": "LeveledCompactionStrategy"}}


def models_with(*replacements: type[Model]) -> list[type[Model]]:
    replaced = {model.__table_name__ for model in replacements}
    return [m for m in CQL_MODELS if m.__table_name__ not in replaced] + list(replacements)


class TestModels:
    def test_the_project_models_match_the_files(self, files: SchemaShape) -> None:
        assert diff_shapes(files, shape_from_models(CQL_MODELS)) == []

    def test_a_drifted_model_is_reported(self, files: SchemaShape) -> None:
        differences = diff_shapes(files, shape_from_models(models_with(PinnedMessageDrifted)))

        assert [str(d) for d in differences] == [
            "pinned_messages: column pinned_by is text in the cqlengine models, "
            "bigint in the migration files",
            "pinned_messages: clustering is (message_id ASC) in the cqlengine models, "
            "(message_id DESC) in the migration files",
        ]

    def test_a_model_declaring_other_compaction_is_reported(self, files: SchemaShape) -> None:
        differences = diff_shapes(files, shape_from_models(models_with(MessageWithOtherCompaction)))
        assert kinds(differences) == [("messages", "compaction")]

    def test_a_missing_model_is_reported(self, files: SchemaShape) -> None:
        models = [m for m in CQL_MODELS if m is not PinnedMessage]
        assert kinds(diff_shapes(files, shape_from_models(models))) == [
            ("pinned_messages", "missing table")
        ]

    def test_check_schema_compares_the_models_it_is_given(
        self, cql: ScyllaClient, migrated: str
    ) -> None:
        report = check_schema(cql, keyspace=migrated, models=models_with(PinnedMessageDrifted))
        assert kinds(report.differences) == [
            ("pinned_messages", "column type"),
            ("pinned_messages", "clustering"),
        ]


class TestSchemaFile:
    def test_schema_scylla_builds_what_the_migrations_build(
        self, cql: ScyllaClient, files: SchemaShape
    ) -> None:
        # schema.scylla is the readable whole; the migrations are how it gets built.
        text = (Path(settings.BASE_DIR) / "schema" / "schema.scylla").read_text()
        statements = split_statements(text)
        assert statements[0].startswith("CREATE KEYSPACE IF NOT EXISTS wellwon_scylla")
        with scratch_keyspace(cql) as keyspace:
            dialect = detect_dialect(cql.session)
            run_ddl(cql.session, render_create_keyspace(keyspace, cql.config.replication, dialect))
            session = cql.cluster.connect(keyspace)
            try:
                for statement in statements[1:]:
                    session.execute(statement, timeout=60)
            finally:
                session.shutdown()
            cql.cluster.refresh_keyspace_metadata(keyspace)
            built = shape_from_metadata(cql.cluster.metadata.keyspaces[keyspace], "schema.scylla")
            assert diff_shapes(files, built) == []


class TestOptionsComparison:
    def shape(self, compaction: dict[str, str], *, partial: bool = False) -> SchemaShape:
        table = TableShape("t", {"k": "int"}, ("k",), (), {}, {"compaction": compaction})
        return SchemaShape("partial" if partial else "full", {"t": table}, partial)

    def test_a_partial_side_is_compared_on_what_it_declares(self) -> None:
        full = self.shape({"class": "TimeWindowCompactionStrategy", "min_threshold": "4"})
        declared = self.shape({"class": "TimeWindowCompactionStrategy"}, partial=True)
        assert diff_shapes(full, declared) == []
        other = self.shape({"class": "LeveledCompactionStrategy"}, partial=True)
        assert kinds(diff_shapes(full, other)) == [("t", "compaction")]

    def test_full_sides_must_match_exactly(self) -> None:
        full = self.shape({"class": "TimeWindowCompactionStrategy", "min_threshold": "4"})
        fewer = self.shape({"class": "TimeWindowCompactionStrategy"})
        assert kinds(diff_shapes(full, fewer)) == [("t", "compaction")]


class TestCommand:
    def test_clean_keyspace_prints_ok(self, cql: ScyllaClient, migrated: str) -> None:
        out = StringIO()
        call_command("scylla_check", "--keyspace", migrated, stdout=out)
        assert "Schema OK" in out.getvalue()

    def test_drift_is_listed_and_fails(self, cql: ScyllaClient, migrated: str) -> None:
        alter(cql, f"ALTER TABLE {migrated}.messages DROP mentions")
        out = StringIO()
        with pytest.raises(CommandError, match=r"1 schema difference\(s\)"):
            call_command("scylla_check", "--keyspace", migrated, stdout=out)
        assert (
            f"  - [missing column] messages: column mentions (set<bigint>) missing from "
            f"live keyspace {migrated}" in out.getvalue()
        )

    def test_exit_status_from_the_command_line(self, cql: ScyllaClient, migrated: str) -> None:
        def check() -> subprocess.CompletedProcess[str]:
            return subprocess.run(  # noqa: S603 - our own manage.py
                [sys.executable, "manage.py", "scylla_check", "--keyspace", migrated],
                cwd=settings.BASE_DIR,
                env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )

        clean = check()
        assert clean.returncode == 0, clean.stderr
        alter(cql, f"ALTER TABLE {migrated}.channel_metadata DROP channel_name")
        drifted = check()
        assert drifted.returncode == 1
        assert "channel_metadata: column channel_name (text) missing" in drifted.stdout
        assert "CommandError: 1 schema difference(s)" in drifted.stderr
