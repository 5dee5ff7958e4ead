"""The migration files without a server: splitting, checksums, naming, the additive rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from messaging.conf import migrations_dir
from messaging.scylla.migration_files import (
    AppliedMigration,
    ChangedMigrationError,
    Migration,
    MigrationError,
    checksum,
    load_migration,
    load_migrations,
    plan_pending,
    refusal,
    split_statements,
)
from tests.messaging.schema_support import shipped_versions

SEED_TABLES = {
    "messages",
    "telegram_message_mapping",
    "message_reactions",
    "message_reaction_counts",
    "pinned_messages",
    "telegram_sync_state",
    "channel_metadata",
    "message_read_positions",
}


class TestSplitStatements:
    def test_comments_go_and_whitespace_collapses(self) -> None:
        text = """
        -- a table
        CREATE TABLE a (   -- trailing comment
            id int PRIMARY KEY   /* block
            comment; with a semicolon */
        );
        // another style
        CREATE INDEX i ON a (id)
        """
        assert split_statements(text) == [
            "CREATE TABLE a (id int PRIMARY KEY)",
            "CREATE INDEX i ON a (id)",
        ]

    def test_literals_keep_semicolons_dashes_and_spacing(self) -> None:
        text = (
            "CREATE TABLE t (k int PRIMARY KEY) WITH comment = 'a; b -- c  d''s';"
            'CREATE TABLE "odd;name" (k int PRIMARY KEY);'
            "CREATE FUNCTION f() RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java "
            "AS $$ return 1; $$;"
        )
        assert split_statements(text) == [
            "CREATE TABLE t (k int PRIMARY KEY) WITH comment = 'a; b -- c  d''s'",
            'CREATE TABLE "odd;name" (k int PRIMARY KEY)',
            "CREATE FUNCTION f() RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java "
            "AS $$ return 1; $$",
        ]

    @pytest.mark.parametrize("text", ["SELECT 'open", 'CREATE TABLE "x', "/* never closed", "$$"])
    def test_unterminated_literals_are_errors(self, text: str) -> None:
        with pytest.raises(MigrationError, match="unterminated"):
            split_statements(text)

    def test_checksum_ignores_comments_and_layout_but_not_statements(self) -> None:
        original = split_statements("CREATE TABLE a (id int PRIMARY KEY); -- note")
        reformatted = split_statements("-- better note\nCREATE TABLE a (\n  id int PRIMARY KEY\n);")
        changed = split_statements("CREATE TABLE a (id bigint PRIMARY KEY);")
        assert checksum(original) == checksum(reformatted)
        assert checksum(original) != checksum(changed)


class TestRefusals:
    @pytest.mark.parametrize(
        "statement",
        [
            "CREATE KEYSPACE k WITH replication = {}",
            "ALTER KEYSPACE k WITH durable_writes = false",
            "drop keyspace k",
            "USE k",
            "DROP TABLE messages",
            "DROP INDEX idx_telegram_sync_chat",
            "TRUNCATE messages",
            "ALTER TABLE messages DROP entities",
            "ALTER TABLE messages RENAME message_id TO id",
            "ALTER TYPE attachment RENAME a TO b",
            "CREATE TABLE wellwon_scylla.messages (k int PRIMARY KEY)",
            "CREATE TABLE IF NOT EXISTS ks.t (k int PRIMARY KEY)",
            "CREATE INDEX IF NOT EXISTS i ON ks.t (c)",
            "ALTER TABLE ks.t ADD c text",
        ],
    )
    def test_refused(self, statement: str) -> None:
        assert refusal(statement) is not None

    @pytest.mark.parametrize(
        "statement",
        [
            "CREATE TABLE IF NOT EXISTS messages (k int PRIMARY KEY)",
            "CREATE INDEX IF NOT EXISTS idx_on ON telegram_sync_state (telegram_chat_id)",
            "CREATE CUSTOM INDEX i ON t (c) USING 'StorageAttachedIndex'",
            "ALTER TABLE messages ADD thread_id bigint",
            "ALTER TABLE messages WITH default_time_to_live = 0",
            "CREATE TYPE IF NOT EXISTS attachment (url text)",
        ],
    )
    def test_allowed(self, statement: str) -> None:
        assert refusal(statement) is None


class TestLoading:
    def write(self, directory: Path, name: str, text: str) -> Path:
        path = directory / name
        path.write_text(text)
        return path

    @pytest.mark.parametrize(
        "name", ["1_init.cql", "001-init.cql", "001_Init.cql", "001_.cql", "0001_init.cql"]
    )
    def test_badly_named_file_is_refused(self, tmp_path: Path, name: str) -> None:
        path = self.write(tmp_path, name, "CREATE TABLE a (k int PRIMARY KEY);")
        with pytest.raises(MigrationError, match=r"NNN_lowercase_name\.cql"):
            load_migration(path)

    def test_empty_file_is_refused(self, tmp_path: Path) -> None:
        path = self.write(tmp_path, "003_nothing.cql", "-- only a comment\n")
        with pytest.raises(MigrationError, match="no CQL statement"):
            load_migration(path)

    def test_destructive_statement_names_the_file(self, tmp_path: Path) -> None:
        path = self.write(tmp_path, "004_cleanup.cql", "ALTER TABLE messages DROP entities;")
        with pytest.raises(MigrationError, match=r"004_cleanup\.cql: migrations are additive only"):
            load_migration(path)

    def test_files_load_in_version_order(self, tmp_path: Path) -> None:
        self.write(tmp_path, "010_later.cql", "CREATE TABLE b (k int PRIMARY KEY);")
        self.write(tmp_path, "002_first.cql", "CREATE TABLE a (k int PRIMARY KEY);")
        self.write(tmp_path, "notes.md", "not a migration")
        loaded = load_migrations(tmp_path)
        assert [(m.version, m.name) for m in loaded] == [(2, "first"), (10, "later")]

    def test_duplicate_versions_are_refused(self, tmp_path: Path) -> None:
        self.write(tmp_path, "002_one.cql", "CREATE TABLE a (k int PRIMARY KEY);")
        self.write(tmp_path, "002_two.cql", "CREATE TABLE b (k int PRIMARY KEY);")
        with pytest.raises(MigrationError, match="share version 002"):
            load_migrations(tmp_path)

    def test_empty_or_missing_directory_is_an_error(self, tmp_path: Path) -> None:
        with pytest.raises(MigrationError, match="no migration files"):
            load_migrations(tmp_path)
        with pytest.raises(MigrationError, match="does not exist"):
            load_migrations(tmp_path / "missing")


def migration(version: int, text: str = "CREATE TABLE a (k int PRIMARY KEY)") -> Migration:
    name = f"step{version}"
    path = Path(f"{version:03d}_{name}.cql")
    return Migration(version, name, path, tuple(split_statements(text)))


def applied(m: Migration, digest: str | None = None) -> AppliedMigration:
    return AppliedMigration(m.version, m.name, digest or m.checksum, None)


class TestPlanPending:
    def test_nothing_applied_means_everything_pending(self) -> None:
        files = [migration(1), migration(2)]
        assert plan_pending(files, [], keyspace="k") == files

    def test_applied_ones_are_skipped(self) -> None:
        files = [migration(1), migration(2), migration(3)]
        done = [applied(files[0]), applied(files[1])]
        assert plan_pending(files, done, keyspace="k") == [files[2]]
        assert plan_pending(files, [*done, applied(files[2])], keyspace="k") == []

    def test_a_changed_applied_file_is_refused_by_name(self) -> None:
        files = [migration(1), migration(2)]
        with pytest.raises(ChangedMigrationError) as refused:
            plan_pending(files, [applied(files[0], "0" * 64)], keyspace="prod")
        message = str(refused.value)
        assert "001_step1.cql was changed after it was applied to prod" in message
        assert "new migration numbered 003" in message

    def test_a_deleted_applied_file_is_refused(self) -> None:
        files = [migration(2)]
        gone = AppliedMigration(1, "init", "x", None)
        with pytest.raises(MigrationError, match=r"001_init\.cql is recorded as applied"):
            plan_pending(files, [gone, applied(files[0])], keyspace="k")

    def test_a_new_file_below_the_latest_applied_is_refused(self) -> None:
        files = [migration(1), migration(2), migration(3)]
        with pytest.raises(MigrationError, match=r"002_step2\.cql is numbered below 003"):
            plan_pending(files, [applied(files[0]), applied(files[2])], keyspace="k")


class TestShippedFiles:
    def test_the_project_files_load_and_are_numbered_without_gaps(self) -> None:
        versions = shipped_versions()
        assert versions == list(range(1, len(versions) + 1))
        assert [m.version for m in load_migrations(migrations_dir())] == versions

    def test_001_creates_the_seed_tables_and_the_telegram_index(self) -> None:
        first = load_migrations(migrations_dir())[0]
        created = {
            statement.split()[5]
            for statement in first.statements
            if statement.startswith("CREATE TABLE IF NOT EXISTS")
        }
        assert created == SEED_TABLES
        assert (
            "CREATE INDEX IF NOT EXISTS idx_telegram_sync_chat ON telegram_sync_state "
            "(telegram_chat_id)" in first.statements
        )
