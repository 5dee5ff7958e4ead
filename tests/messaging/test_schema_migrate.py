"""The migration runner against the real Cassandra, each test in a throwaway keyspace."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from messaging.scylla import ScyllaClient
from messaging.scylla.migration_files import ChangedMigrationError, MigrationError
from messaging.scylla.migrations import (
    LOCK_ROW,
    LOCK_TABLE,
    MIGRATIONS_TABLE,
    MigrationLockTimeout,
    MigrationReport,
    apply_migrations,
)
from tests.messaging.schema_support import copy_migrations, scratch_keyspace, shipped_versions


@pytest.fixture
def keyspace(cql: ScyllaClient) -> Iterator[str]:
    with scratch_keyspace(cql) as name:
        yield name


def tables(client: ScyllaClient, keyspace: str) -> set[str]:
    return set(client.cluster.metadata.keyspaces[keyspace].tables)


def columns(client: ScyllaClient, keyspace: str, table: str) -> set[str]:
    client.cluster.refresh_table_metadata(keyspace, table)
    return set(client.cluster.metadata.keyspaces[keyspace].tables[table].columns)


def recorded(client: ScyllaClient, keyspace: str) -> list[tuple[int, str, str]]:
    rows = client.execute(f"SELECT version, name, checksum FROM {keyspace}.{MIGRATIONS_TABLE}")
    return sorted((row.version, row.name, row.checksum) for row in rows)


class TestMigrate:
    def test_an_empty_keyspace_gets_every_migration(self, cql: ScyllaClient, keyspace: str) -> None:
        report = apply_migrations(cql, keyspace=keyspace)

        assert report.keyspace_ddl is not None
        assert report.keyspace_ddl.startswith(f"CREATE KEYSPACE IF NOT EXISTS {keyspace} ")
        assert [m.version for m in report.applied] == shipped_versions()
        assert report.already_applied == []
        assert {"messages", "message_reaction_counts", "message_edits"} <= tables(cql, keyspace)
        assert recorded(cql, keyspace) == [(m.version, m.name, m.checksum) for m in report.applied]
        index = cql.cluster.metadata.keyspaces[keyspace].indexes
        assert "idx_telegram_sync_chat" in index

    def test_a_second_run_is_a_no_op(self, cql: ScyllaClient, keyspace: str) -> None:
        first = apply_migrations(cql, keyspace=keyspace)
        before = recorded(cql, keyspace)

        second = apply_migrations(cql, keyspace=keyspace)

        assert second.applied == []
        assert second.keyspace_ddl is None
        assert [row.version for row in second.already_applied] == shipped_versions()
        assert [row.checksum for row in second.already_applied] == [
            m.checksum for m in first.applied
        ]
        assert recorded(cql, keyspace) == before

    def test_the_lock_is_released_after_a_run(self, cql: ScyllaClient, keyspace: str) -> None:
        apply_migrations(cql, keyspace=keyspace)
        assert cql.execute(f"SELECT * FROM {keyspace}.{LOCK_TABLE}").all() == []

    def test_only_new_files_are_applied(
        self, cql: ScyllaClient, keyspace: str, tmp_path: Path
    ) -> None:
        directory = copy_migrations(tmp_path, upto=1)
        assert [
            m.version for m in apply_migrations(cql, keyspace=keyspace, directory=directory).applied
        ] == [1]
        assert "message_edits" not in tables(cql, keyspace)

        copy_migrations(tmp_path)
        report = apply_migrations(cql, keyspace=keyspace, directory=directory)

        assert [m.filename for m in report.applied] == [
            "002_add_message_edits.cql",
            "003_add_message_reaction_flag.cql",
        ]
        assert "message_edits" in tables(cql, keyspace)
        assert "has_reactions" in columns(cql, keyspace, "messages")

    def test_a_column_added_before_the_file_was_recorded_is_skipped(
        self, cql: ScyllaClient, keyspace: str, tmp_path: Path
    ) -> None:
        # A run that died after its ALTER ... ADD ran but before the file was recorded.
        directory = copy_migrations(tmp_path, upto=2)
        apply_migrations(cql, keyspace=keyspace, directory=directory)
        statement = f"ALTER TABLE {keyspace}.messages ADD has_reactions boolean"
        cql.session.execute(statement, timeout=60)

        copy_migrations(tmp_path)
        report = apply_migrations(cql, keyspace=keyspace, directory=directory)

        assert [m.version for m in report.applied] == [3]
        assert [version for version, _name, _checksum in recorded(cql, keyspace)] == [1, 2, 3]


class TestPlan:
    def test_plan_on_a_missing_keyspace_creates_nothing(
        self, cql: ScyllaClient, keyspace: str
    ) -> None:
        report = apply_migrations(cql, keyspace=keyspace, plan_only=True)

        assert report.plan_only
        assert report.keyspace_ddl is not None
        assert [m.version for m in report.applied] == shipped_versions()
        cql.cluster.refresh_schema_metadata()
        assert keyspace not in cql.cluster.metadata.keyspaces

    def test_plan_lists_only_what_is_pending(
        self, cql: ScyllaClient, keyspace: str, tmp_path: Path
    ) -> None:
        directory = copy_migrations(tmp_path, upto=1)
        apply_migrations(cql, keyspace=keyspace, directory=directory)
        copy_migrations(tmp_path)

        report = apply_migrations(cql, keyspace=keyspace, directory=directory, plan_only=True)

        assert report.keyspace_ddl is None
        assert [m.version for m in report.applied] == [2, 3]
        assert "message_edits" not in tables(cql, keyspace)


class TestRefusals:
    def test_a_changed_applied_file_is_refused_by_name(
        self, cql: ScyllaClient, keyspace: str, tmp_path: Path
    ) -> None:
        directory = copy_migrations(tmp_path)
        apply_migrations(cql, keyspace=keyspace, directory=directory)
        first = directory / "001_initial_schema.cql"
        first.write_text(first.read_text().replace("    sender_id bigint,", "    sender_id text,"))

        with pytest.raises(ChangedMigrationError) as refused:
            apply_migrations(cql, keyspace=keyspace, directory=directory)

        assert "001_initial_schema.cql was changed after it was applied" in str(refused.value)
        assert (
            cql.cluster.metadata.keyspaces[keyspace]
            .tables["messages"]
            .columns["sender_id"]
            .cql_type
            == "bigint"
        )

    def test_a_clarified_comment_is_not_a_change(
        self, cql: ScyllaClient, keyspace: str, tmp_path: Path
    ) -> None:
        directory = copy_migrations(tmp_path)
        apply_migrations(cql, keyspace=keyspace, directory=directory)
        first = directory / "001_initial_schema.cql"
        reflowed = first.read_text().replace("PRIMARY KEY ((", "PRIMARY KEY (\n        (")
        first.write_text("-- a clarified comment\n" + reflowed)

        assert apply_migrations(cql, keyspace=keyspace, directory=directory).applied == []

    def test_a_failing_statement_names_the_file_and_records_nothing(
        self, cql: ScyllaClient, keyspace: str, tmp_path: Path
    ) -> None:
        directory = copy_migrations(tmp_path)
        (directory / "004_broken.cql").write_text("ALTER TABLE no_such_table ADD x text;")

        with pytest.raises(MigrationError, match=r"004_broken\.cql failed at: ALTER TABLE"):
            apply_migrations(cql, keyspace=keyspace, directory=directory)

        assert [row[0] for row in recorded(cql, keyspace)] == shipped_versions()
        assert cql.execute(f"SELECT * FROM {keyspace}.{LOCK_TABLE}").all() == []


class TestConcurrency:
    def test_two_runners_at_once_apply_each_file_once(
        self, cql: ScyllaClient, keyspace: str
    ) -> None:
        # Two clients, two clusters: as two processes would be.
        clients = [ScyllaClient(cql.config), ScyllaClient(cql.config)]
        start = threading.Barrier(len(clients))
        reports: list[MigrationReport] = []
        errors: list[BaseException] = []

        def run(client: ScyllaClient) -> None:
            try:
                client.session  # noqa: B018 - connect before the race starts
                start.wait()
                reports.append(apply_migrations(client, keyspace=keyspace))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(client,)) for client in clients]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        finally:
            for client in clients:
                client.shutdown()

        assert errors == []
        applied = sorted(len(report.applied) for report in reports)
        assert applied == [0, len(shipped_versions())]
        assert [row[0] for row in recorded(cql, keyspace)] == shipped_versions()

    def test_a_held_lock_makes_the_runner_wait_then_give_up_naming_the_holder(
        self, cql: ScyllaClient, keyspace: str
    ) -> None:
        apply_migrations(cql, keyspace=keyspace)
        cql.execute(
            f"INSERT INTO {keyspace}.{LOCK_TABLE} (name, owner) VALUES (%s, 'other-host:42') "
            "USING TTL 30",
            (LOCK_ROW,),
            write=True,
        )

        with pytest.raises(MigrationLockTimeout, match="other-host:42"):
            apply_migrations(cql, keyspace=keyspace, lock_timeout=0.5)

        cql.execute(f"DELETE FROM {keyspace}.{LOCK_TABLE} WHERE name = %s", (LOCK_ROW,), write=True)
        assert apply_migrations(cql, keyspace=keyspace).applied == []


class TestCommand:
    def run(self, *args: str) -> str:
        out = StringIO()
        call_command("scylla_migrate", *args, stdout=out)
        return out.getvalue()

    def test_migrate_prints_what_it_did(self, cql: ScyllaClient, keyspace: str) -> None:
        plan = self.run("--keyspace", keyspace, "--plan")
        assert "Apache Cassandra 5.0" in plan
        assert "Would create the keyspace: CREATE KEYSPACE IF NOT EXISTS" in plan
        assert "Would apply 001_initial_schema.cql" in plan

        done = self.run("--keyspace", keyspace)
        assert "Created the keyspace" in done
        assert "Applied 001_initial_schema.cql (9 statements)" in done
        assert "Applied 002_add_message_edits.cql (1 statements)" in done
        assert "Applied 003_add_message_reaction_flag.cql (1 statements)" in done

        again = self.run("--keyspace", keyspace)
        assert (
            "Nothing to apply: 3 migration(s) applied (latest 003_add_message_reaction_flag)."
            in again
        )

    def test_a_bad_keyspace_name_is_a_command_error(self, cql: ScyllaClient) -> None:
        with pytest.raises(CommandError, match="invalid keyspace name"):
            self.run("--keyspace", "no-dashes")


def test_the_cql_fixture_keyspace_is_fully_migrated(cql: ScyllaClient) -> None:
    assert [row[0] for row in recorded(cql, cql.keyspace)] == shipped_versions()
