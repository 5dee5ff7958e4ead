"""The cqlengine models read and write the migrated tables of the test keyspace."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cassandra.util import uuid_from_time
from django.conf import settings

from messaging.cql_models import (
    CQL_MODELS,
    Message,
    MessageEdit,
    MessageReactionCount,
    TelegramSyncState,
)
from messaging.scylla import ScyllaClient


@pytest.fixture(scope="module")
def models(cql: ScyllaClient) -> ScyllaClient:
    # The shared client: cqlengine gets a cluster of its own from it, so the dict
    # rows it forces never reach the hot-path sessions.
    cql.register_cqlengine()
    return cql


def test_every_table_has_one_model() -> None:
    names = [model.__table_name__ for model in CQL_MODELS]
    assert len(names) == len(set(names)) == 9


def test_a_message_round_trips_with_its_set_and_timestamps(models: ScyllaClient) -> None:
    channel = uuid.uuid4()
    created = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    Message.create(
        channel_id=channel,
        bucket=7,
        message_id=42,
        sender_id=9,
        content="hello",
        mentions={1, 2},
        created_at=created,
    )
    Message.create(channel_id=channel, bucket=7, message_id=43, content="newer")

    rows = list(Message.objects(channel_id=channel, bucket=7))

    assert [row.message_id for row in rows] == [43, 42]  # clustering DESC
    assert rows[1].mentions == {1, 2}
    assert rows[1].created_at == created.replace(tzinfo=None)  # the driver's naive UTC


def test_counters_and_the_indexed_lookup(models: ScyllaClient) -> None:
    channel = uuid.uuid4()
    MessageReactionCount.objects(channel_id=channel, message_id=1, emoji="👍").update(
        reaction_count=1
    )
    MessageReactionCount.objects(channel_id=channel, message_id=1, emoji="👍").update(
        reaction_count=1
    )
    counted = MessageReactionCount.objects.get(channel_id=channel, message_id=1, emoji="👍")
    assert counted.reaction_count == 2

    chat = -100_000_000_000 - uuid.uuid4().int % 10**9
    TelegramSyncState.create(channel_id=channel, telegram_chat_id=chat, status="live")
    assert [row.channel_id for row in TelegramSyncState.objects(telegram_chat_id=chat)] == [channel]


def test_edits_come_back_oldest_first(models: ScyllaClient) -> None:
    channel = uuid.uuid4()
    first = uuid_from_time(datetime(2026, 1, 1, tzinfo=UTC))
    second = uuid_from_time(datetime(2026, 1, 2, tzinfo=UTC))
    MessageEdit.create(channel_id=channel, message_id=5, edit_id=second, content="v2")
    MessageEdit.create(channel_id=channel, message_id=5, edit_id=first, content="v1")
    edits = MessageEdit.objects(channel_id=channel, message_id=5)
    assert [edit.content for edit in edits] == ["v1", "v2"]


def test_no_runtime_code_changes_the_schema_through_cqlengine() -> None:
    # Tables come from the migration files only; sync_table is for throwaway development.
    sources = (Path(settings.BASE_DIR) / app for app in ("messaging", "presence", "wellwon"))
    offenders = [
        str(path)
        for source in sources
        for path in source.rglob("*.py")
        if "sync_table(" in path.read_text() or "create_keyspace_" in path.read_text()
    ]
    assert offenders == []


def test_the_shared_client_keeps_its_namedtuple_rows(models: ScyllaClient) -> None:
    assert Message.objects(channel_id=uuid.uuid4(), bucket=1).count() == 0  # cqlengine works
    row = models.execute("SELECT release_version FROM system.local").one()
    assert row.release_version.startswith("5.0")
