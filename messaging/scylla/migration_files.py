"""The migration files and the rules they follow, without a server.

``schema/migrations/NNN_name.cql`` holds plain CQL, one change per file, with
unqualified table names: the runner applies them inside the configured
keyspace, which it creates itself (the keyspace DDL depends on the server,
see ``dialect``). Files are additive: no DROP, TRUNCATE, RENAME or column
drop, no keyspace statements; a change to the past is a new file.

A file's checksum covers its statements with comments removed and whitespace
outside literals collapsed, so clarifying a comment in an applied file is
fine while changing a single statement is refused.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

FILENAME = re.compile(r"(?P<version>\d{3})_(?P<name>[a-z0-9]+(?:_[a-z0-9]+)*)\.cql")

_REFUSED: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), reason)
    for pattern, reason in (
        (r"^(CREATE|ALTER|DROP)\s+KEYSPACE\b", "keyspace statements belong to the runner"),
        (r"^USE\b", "files are keyspace-agnostic; the runner picks the keyspace"),
        (r"^(DROP|TRUNCATE)\b", "migrations are additive only"),
        (r"^ALTER\s+(TABLE|TYPE)\s+\S+\s+(DROP|RENAME)\b", "migrations are additive only"),
        (
            r"^(CREATE|ALTER)\s+(TABLE|TYPE|(CUSTOM\s+)?INDEX\s+.*?\bON)\s+"
            r"(IF\s+NOT\s+EXISTS\s+)?\"?\w+\"?\.",
            "names must not carry a keyspace",
        ),
    )
)


class MigrationError(Exception):
    """A migration cannot be applied safely; the message names the file and the fix."""


class ChangedMigrationError(MigrationError):
    """An applied migration's file no longer matches what was applied."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path
    statements: tuple[str, ...]

    @property
    def filename(self) -> str:
        return self.path.name

    @cached_property
    def checksum(self) -> str:
        return checksum(self.statements)


@dataclass(frozen=True)
class AppliedMigration:
    """A row of the keyspace's ``schema_migrations`` table."""

    version: int
    name: str
    checksum: str
    applied_at: datetime | None


def checksum(statements: Iterable[str]) -> str:
    return hashlib.sha256(";\n".join(statements).encode()).hexdigest()


def split_statements(text: str) -> list[str]:
    """CQL text -> its statements, comments removed, spacing made canonical outside literals.

    Understands ``--``, ``//`` and ``/* */`` comments, '...' strings (with ''
    escapes), "..." identifiers and $$...$$ bodies, so a ``;`` or ``--`` inside
    a literal never splits or truncates a statement. Outside literals a run of
    whitespace becomes one space, none after an opening or before a closing
    bracket, one after a comma: re-flowing a statement keeps its checksum.
    """
    statements: list[str] = []
    builder = _StatementBuilder()
    i, length = 0, len(text)
    while i < length:
        char = text[i]
        pair = text[i : i + 2]
        if pair in ("--", "//"):
            end = text.find("\n", i)
            i = length if end < 0 else end
            builder.space()
        elif pair == "/*":
            end = text.find("*/", i + 2)
            if end < 0:
                raise MigrationError("unterminated /* comment")
            i = end + 2
            builder.space()
        elif char in "'\"" or pair == "$$":
            end = _literal_end(text, i)
            builder.add(text[i:end])
            i = end
        elif char == ";":
            builder.flush_into(statements)
            i += 1
        elif char.isspace():
            builder.space()
            i += 1
        else:
            builder.add(char)
            i += 1
    builder.flush_into(statements)
    return statements


def refusal(statement: str) -> str | None:
    """Why a statement may not appear in a migration file, or None when it may."""
    for pattern, reason in _REFUSED:
        if pattern.search(statement):
            return reason
    return None


def load_migration(path: Path) -> Migration:
    match = FILENAME.fullmatch(path.name)
    if match is None:
        raise MigrationError(
            f"{path.name}: migration files are named NNN_lowercase_name.cql "
            "(three digits, e.g. 002_add_message_thread.cql)"
        )
    statements = tuple(split_statements(path.read_text(encoding="utf-8")))
    if not statements:
        raise MigrationError(f"{path.name}: the file holds no CQL statement")
    for statement in statements:
        reason = refusal(statement)
        if reason is not None:
            raise MigrationError(f"{path.name}: {reason}: {statement[:80]}")
    return Migration(int(match["version"]), match["name"], path, statements)


def load_migrations(directory: Path) -> list[Migration]:
    """Every ``*.cql`` file of the directory, checked, in version order."""
    if not directory.is_dir():
        raise MigrationError(f"migrations directory {directory} does not exist")
    migrations = sorted(
        (load_migration(path) for path in directory.glob("*.cql")), key=lambda m: m.version
    )
    seen: dict[int, Migration] = {}
    for migration in migrations:
        twin = seen.setdefault(migration.version, migration)
        if twin is not migration:
            raise MigrationError(
                f"{twin.filename} and {migration.filename} share version {migration.version:03d}"
            )
    if not migrations:
        raise MigrationError(f"no migration files (NNN_name.cql) in {directory}")
    return migrations


def plan_pending(
    migrations: list[Migration], applied: Iterable[AppliedMigration], *, keyspace: str
) -> list[Migration]:
    """The migrations still to apply, after checking the applied ones against their files.

    Refuses an applied migration whose file changed or disappeared, and a new
    file numbered below the latest applied one (it would run out of order on
    some keyspaces and in order on others).
    """
    by_version = {migration.version: migration for migration in migrations}
    done = {row.version: row for row in applied}
    for version, row in sorted(done.items()):
        migration = by_version.get(version)
        if migration is None:
            raise MigrationError(
                f"migration {version:03d}_{row.name}.cql is recorded as applied in {keyspace} "
                "but its file is missing; restore it (applied migrations are never deleted)"
            )
        if migration.checksum != row.checksum:
            raise ChangedMigrationError(
                f"{migration.filename} was changed after it was applied to {keyspace} "
                f"(applied checksum {row.checksum[:12]}, file now {migration.checksum[:12]}). "
                "Applied migrations are immutable: restore the file and put the change in a "
                f"new migration numbered {max(by_version) + 1:03d}."
            )
    pending = [m for m in migrations if m.version not in done]
    latest = max(done, default=0)
    for migration in pending:
        if migration.version < latest:
            raise MigrationError(
                f"{migration.filename} is numbered below {latest:03d}, already applied to "
                f"{keyspace}; renumber it above {max(by_version):03d}"
            )
    return pending


def _literal_end(text: str, start: int) -> int:
    if text.startswith("$$", start):
        end = text.find("$$", start + 2)
        if end < 0:
            raise MigrationError("unterminated $$ literal")
        return end + 2
    quote = text[start]
    i = start + 1
    while True:
        end = text.find(quote, i)
        if end < 0:
            raise MigrationError(f"unterminated {quote} literal")
        if text.startswith(quote * 2, end):
            i = end + 2
            continue
        return end + 1


class _StatementBuilder:
    """Accumulates one statement's tokens with canonical spacing."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pending_space = False

    def space(self) -> None:
        self.pending_space = True

    def add(self, token: str) -> None:
        if (
            self.pending_space
            and self.parts
            and self.parts[-1][-1] not in "([{"
            and token[0] not in ")]},"
        ):
            self.parts.append(" ")
        self.parts.append(token)
        self.pending_space = token == ","  # noqa: S105 - a CQL token, not a secret

    def flush_into(self, statements: list[str]) -> None:
        statement = "".join(self.parts)
        if statement:
            statements.append(statement)
        self.parts.clear()
        self.pending_space = False
