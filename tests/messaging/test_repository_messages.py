"""Message rows on real Cassandra: inserts (single, bulk, Telegram), lookups, edits, errors."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from messaging.repository import (
    MAX_CONTENT_LENGTH,
    InvalidMessageInput,
    MessageData,
    MessageDeleted,
    MessageNotFound,
    MessageScyllaRepo,
    StoredMessage,
    TelegramMappingConflict,
)
from messaging.scylla import ScyllaClient, calculate_message_bucket
from messaging.scylla.snowflake import (
    MAX_SNOWFLAKE,
    MIN_SNOWFLAKE,
    snowflake_to_datetime,
    snowflake_to_unix_micros,
)
from tests.messaging.repo_support import channel, counting_queries, days_ago, message, repo

__all__ = ["channel", "repo"]


def read_trace_tombstones(cql: ScyllaClient, table: str, where: str, params: tuple) -> int:
    """Tombstone cells a read met, from the coordinator's own trace of the query.

    Cassandra traces every read with "Read N live rows and M tombstone cells";
    a column written as null is a tombstone cell there, an unset one is absent.
    """
    statement = cql.prepare(f"SELECT * FROM {cql.keyspace}.{table} WHERE {where}")
    trace = cql.session.execute(statement, params, trace=True).get_query_trace(max_wait_sec=10)
    counts = [
        int(event.description.split(" and ")[1].split()[0])
        for event in trace.events
        if "tombstone cells" in event.description
    ]
    assert counts, [event.description for event in trace.events]
    return sum(counts)


class TestInsertAndGet:
    def test_every_field_round_trips(self, repo: MessageScyllaRepo, channel: uuid.UUID) -> None:
        data = message(
            channel,
            "Hello, **World**!",
            sender_id=42,
            message_type="image",
            source="api",
            reply_to_id=123_456,
            attachments=[{"type": "image", "file_name": "a.png", "size": 10, "url": "u"}],
            mentions={1, 2, 3},
            entities=[{"type": "bold", "offset": 7, "length": 9}],
        )
        message_id = repo.insert_message(data)
        stored = repo.get_message(channel, message_id)
        assert stored is not None
        assert stored.message_id == message_id and stored.channel_id == channel
        assert stored.bucket == calculate_message_bucket(message_id)
        assert (stored.content, stored.sender_id) == ("Hello, **World**!", 42)
        assert (stored.message_type, stored.source, stored.reply_to_id) == ("image", "api", 123_456)
        assert stored.attachments == data.attachments
        assert stored.entities == data.entities
        assert stored.mentions == frozenset({1, 2, 3})
        assert stored.created_at.tzinfo is UTC
        assert stored.created_at == snowflake_to_datetime(message_id)
        assert abs(stored.created_at - datetime.now(UTC)) < timedelta(seconds=5)
        assert (stored.edited_at, stored.deleted_at, stored.is_deleted) == (None, None, False)

    def test_minimal_message_reads_with_defaults(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        stored = repo.get_message(channel, repo.insert_message(message(channel, "x")))
        assert stored is not None
        assert (stored.message_type, stored.source) == ("text", "web")
        assert (stored.attachments, stored.entities, stored.mentions) == ([], [], frozenset())
        assert (stored.reply_to_id, stored.telegram_message_id, stored.telegram_chat_id) == (
            None,
            None,
            None,
        )

    def test_read_results_are_frozen_dataclasses(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        stored = repo.get_message(channel, repo.insert_message(message(channel, "a")))
        assert stored is not None
        with pytest.raises(dataclasses.FrozenInstanceError):
            stored.content = "b"  # type: ignore[misc]
        edited = dataclasses.replace(stored, content="b")
        assert edited.content == "b" and edited.message_id == stored.message_id
        assert dataclasses.replace(stored) == stored
        assert StoredMessage(**dataclasses.asdict(stored)) == stored

    def test_unknown_or_foreign_ids_read_as_none(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        message_id = repo.insert_message(message(channel))
        assert repo.get_message(uuid.uuid4(), message_id) is None
        assert repo.get_message(channel, message_id + 1) is None

    def test_imported_message_lands_in_the_bucket_of_its_time(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        when = days_ago(95)
        message_id = repo.insert_message(message(channel, "old", source="import", created_at=when))
        assert abs(snowflake_to_datetime(message_id) - when) < timedelta(milliseconds=1)
        stored = repo.get_message(channel, message_id)
        assert stored is not None and stored.content == "old"
        assert stored.bucket < calculate_message_bucket(repo.insert_message(message(channel)))

    def test_pre_assigned_id_makes_a_retry_idempotent(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        first = repo.insert_message(message(channel, "once"))
        again = repo.insert_message(message(channel, "once", message_id=first))
        assert again == first
        assert [m.message_id for m in repo.get_messages(channel)] == [first]


class TestNoTombstones:
    def test_absent_optional_columns_are_not_written(
        self, cql: ScyllaClient, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        message_id = repo.insert_message(message(channel, "few fields"))
        key = (channel, calculate_message_bucket(message_id), message_id)
        where = "channel_id = ? AND bucket = ? AND message_id = ?"
        assert read_trace_tombstones(cql, "messages", where, key) == 0
        assert read_trace_tombstones(cql, "channel_metadata", "channel_id = ?", (channel,)) == 0

        # The check can fail: the same row written with nulls shows their tombstones.
        other = uuid.uuid4()
        cql.execute(
            cql.prepare(
                f"INSERT INTO {cql.keyspace}.messages (channel_id, bucket, message_id, sender_id,"
                " content, reply_to_id, attachments) VALUES (?, ?, ?, ?, ?, ?, ?)"
            ),
            (other, key[1], message_id, 11, "few fields", None, None),
            write=True,
        )
        assert read_trace_tombstones(cql, "messages", where, (other, *key[1:])) == 2

    def test_unset_columns_and_mentions_never_overwrite_older_data(
        self, cql: ScyllaClient, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        """A null or a collection overwrite deletes what was there before; unset and append do not.

        Older cells are planted with an old write time, then the repository writes
        the same row: had it written a null for reply_to_id or replaced the mentions
        set (as ``INSERT ... mentions = {...}`` does, with a collection tombstone),
        the planted values would be gone.
        """
        message_id = repo.insert_message(message(channel, "x"))
        bucket = calculate_message_bucket(message_id)
        plant = cql.prepare(
            f"UPDATE {cql.keyspace}.messages USING TIMESTAMP ? SET reply_to_id = ?,"
            " mentions = mentions + ? WHERE channel_id = ? AND bucket = ? AND message_id = ?"
        )
        old = snowflake_to_unix_micros(message_id) - 10_000_000
        cql.execute(plant, (old, 777, {99}, channel, bucket, message_id), write=True)

        repo.insert_message(message(channel, "x", mentions={5}, message_id=message_id))
        stored = repo.get_message(channel, message_id)
        assert stored is not None
        assert stored.reply_to_id == 777
        assert stored.mentions == frozenset({5, 99})

        # Control: an INSERT of the set does delete the planted element.
        cql.execute(plant, (old, 777, {99}, channel, bucket, message_id), write=True)
        cql.execute(
            cql.prepare(
                f"INSERT INTO {cql.keyspace}.messages (channel_id, bucket, message_id, mentions)"
                " VALUES (?, ?, ?, ?)"
            ),
            (channel, bucket, message_id, {5}),
            write=True,
        )
        stored = repo.get_message(channel, message_id)
        assert stored is not None and stored.mentions == frozenset({5})


class TestChannelMetadataOnInsert:
    def test_buckets_and_last_message(self, repo: MessageScyllaRepo, channel: uuid.UUID) -> None:
        old = repo.insert_message(message(channel, "old", created_at=days_ago(30), sender_id=1))
        new = repo.insert_message(message(channel, "new", sender_id=2))
        metadata = repo.get_channel_metadata(channel)
        assert metadata is not None
        assert metadata.active_buckets == tuple(
            sorted({calculate_message_bucket(old), calculate_message_bucket(new)})
        )
        assert (metadata.last_message_id, metadata.last_sender_id) == (new, 2)
        assert metadata.last_message_at == snowflake_to_datetime(new)

    def test_an_older_import_never_replaces_the_last_message(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        new = repo.insert_message(message(channel, "new", sender_id=2))
        repo.insert_message(message(channel, "late import", created_at=days_ago(3), sender_id=3))
        repo.insert_messages([message(channel, "bulk", created_at=days_ago(2), sender_id=4)])
        metadata = repo.get_channel_metadata(channel)
        assert metadata is not None
        assert (metadata.last_message_id, metadata.last_sender_id) == (new, 2)
        assert len(metadata.active_buckets) >= 1

    def test_a_single_insert_is_one_request(
        self, cql: ScyllaClient, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        repo.insert_message(message(channel, "warm-up"))  # statements prepared
        with counting_queries(cql) as sync_counted:
            first = repo.insert_message(message(channel, "one"))
        with counting_queries(cql) as async_counted:
            second = asyncio.run(repo.ainsert_message(message(channel, "two")))
        # The row and the channel's metadata travel as one unlogged batch.
        assert (sync_counted.queries, async_counted.queries) == (1, 1)
        metadata = repo.get_channel_metadata(channel)
        assert metadata is not None and metadata.last_message_id == second > first
        assert repo.get_message(channel, first) is not None


class TestBulkInsert:
    def test_ids_in_order_and_every_row_readable(
        self, cql: ScyllaClient, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        batch = [
            message(channel, f"m{i}", created_at=days_ago(60 - i * 0.2), source="import")
            for i in range(300)
        ]
        ids = repo.insert_messages(batch, concurrency=32)
        assert len(ids) == 300 and ids == sorted(ids)
        found = repo.get_messages_by_ids(channel, ids)
        assert [found[i].content for i in ids] == [f"m{i}" for i in range(300)]
        metadata = repo.get_channel_metadata(channel)
        assert metadata is not None
        assert set(metadata.active_buckets) == {calculate_message_bucket(i) for i in ids}
        assert metadata.last_message_id == ids[-1]

    def test_statements_first_needed_mid_batch_are_prepared_up_front(
        self, cql: ScyllaClient, channel: uuid.UUID
    ) -> None:
        """Regression: a statement first prepared from the driver's I/O thread deadlocked it.

        With concurrency 1, everything after the first statement is submitted from
        driver callbacks; on a client whose cache is empty the channel metadata
        statement, last in the batch, was prepared there and never answered.
        """
        fresh = ScyllaClient(cql.config)
        try:
            ids = MessageScyllaRepo(fresh).insert_messages(
                [message(channel, f"m{i}") for i in range(20)], concurrency=1
            )
        finally:
            fresh.shutdown()
        assert len(ids) == 20

    def test_empty_batch(self, repo: MessageScyllaRepo) -> None:
        assert repo.insert_messages([]) == []

    def test_one_bad_message_rejects_the_batch_before_writing(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        with pytest.raises(InvalidMessageInput) as error:
            repo.insert_messages([message(channel), message(channel, "x" * 4097)])
        assert error.value.field == "content"
        assert repo.get_channel_metadata(channel) is None


class TestTelegram:
    def test_a_mapped_message_is_stored_once(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        tg_message, tg_chat = uuid.uuid4().int % 10**9, -100_000_000_000 - uuid.uuid4().int % 10**6
        data = message(
            channel,
            "from tg",
            source="telegram",
            telegram_message_id=tg_message,
            telegram_chat_id=tg_chat,
        )
        first = repo.insert_message(data)
        assert repo.insert_message(data) == first
        assert repo.insert_messages([data, data]) == [first, first]
        assert [m.message_id for m in repo.get_messages(channel)] == [first]
        found = repo.get_message_by_telegram_id(
            channel_id=channel, telegram_message_id=tg_message, telegram_chat_id=tg_chat
        )
        assert found is not None and found.message_id == first
        assert (found.telegram_message_id, found.telegram_chat_id) == (tg_message, tg_chat)
        assert repo.get_message_by_telegram_id(uuid.uuid4(), tg_message, tg_chat) is None
        assert repo.get_message_by_telegram_id(channel, tg_message + 1, tg_chat) is None

    def test_duplicates_inside_one_batch_share_an_id(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        tg = uuid.uuid4().int % 10**9
        batch = [
            message(channel, "a", telegram_message_id=tg, telegram_chat_id=-5, source="import"),
            message(channel, "plain", source="import"),
            message(channel, "a", telegram_message_id=tg, telegram_chat_id=-5, source="import"),
        ]
        ids = repo.insert_messages(batch)
        assert ids[0] == ids[2] != ids[1]
        assert len(repo.get_messages(channel)) == 2

    def test_a_message_mirrored_into_another_channel_is_a_conflict(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        tg = uuid.uuid4().int % 10**9
        repo.insert_message(message(channel, telegram_message_id=tg, telegram_chat_id=-7))
        with pytest.raises(TelegramMappingConflict):
            repo.insert_message(message(uuid.uuid4(), telegram_message_id=tg, telegram_chat_id=-7))

    def test_a_claim_without_its_row_is_completed_by_the_retry(
        self, cql: ScyllaClient, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        """An insert died after claiming the mapping: the retry writes the row under that id."""
        tg = uuid.uuid4().int % 10**9
        claimed_id = repo.insert_message(message(uuid.uuid4(), "probe"))  # any valid id
        cql.execute(
            cql.prepare(
                f"INSERT INTO {cql.keyspace}.telegram_message_mapping (telegram_message_id,"
                " telegram_chat_id, channel_id, bucket, message_id) VALUES (?, ?, ?, ?, ?)"
            ),
            (tg, -9, channel, calculate_message_bucket(claimed_id), claimed_id),
            write=True,
        )
        retried = repo.insert_message(
            message(channel, "retried", telegram_message_id=tg, telegram_chat_id=-9)
        )
        assert retried == claimed_id
        stored = repo.get_message(channel, claimed_id)
        assert stored is not None and stored.content == "retried"


class TestGetByIds:
    def test_across_buckets_skipping_unknown_and_foreign_ids(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        ids = [
            repo.insert_message(message(channel, f"d{d}", created_at=days_ago(d)))
            for d in (0, 15, 33)
        ]
        foreign = repo.insert_message(message(uuid.uuid4()))
        found = repo.get_messages_by_ids(channel, [*ids, ids[0], foreign, ids[0] + 1])
        assert sorted(found) == sorted(ids)
        assert found[ids[1]].content == "d15"
        assert repo.get_messages_by_ids(channel, []) == {}


class TestEditAndDelete:
    def test_edit_returns_the_previous_version(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        message_id = repo.insert_message(message(channel, "first"))
        previous = repo.edit_message(channel, message_id, "second")
        assert previous.content == "first" and previous.edited_at is None
        when = datetime.now(UTC).replace(microsecond=0)
        assert repo.edit_message(channel, message_id, "third", edited_at=when).content == "second"
        stored = repo.get_message(channel, message_id)
        assert stored is not None and stored.content == "third" and stored.edited_at == when

    def test_edit_errors(self, repo: MessageScyllaRepo, channel: uuid.UUID) -> None:
        message_id = repo.insert_message(message(channel))
        with pytest.raises(MessageNotFound):
            repo.edit_message(uuid.uuid4(), message_id, "elsewhere")
        with pytest.raises(MessageNotFound):
            repo.edit_message(channel, message_id + 1, "missing")
        with pytest.raises(InvalidMessageInput) as error:
            repo.edit_message(channel, message_id, "x" * (MAX_CONTENT_LENGTH + 1))
        assert error.value.field == "content"
        repo.delete_message(channel, message_id)
        with pytest.raises(MessageDeleted):
            repo.edit_message(channel, message_id, "too late")

    def test_delete_keeps_the_row_but_none_of_its_body(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        secret = message(
            channel,
            "secret",
            attachments=[{"a": 1}],
            mentions={7},
            entities=[{"type": "bold", "offset": 0, "length": 6}],
            reply_to_id=42,
        )
        message_id = repo.insert_message(secret)
        before = repo.delete_message(channel, message_id)
        assert before.content == "secret" and not before.is_deleted
        stored = repo.get_message(channel, message_id)
        assert stored is not None
        assert (stored.content, stored.is_deleted) == ("", True)
        assert (stored.attachments, stored.mentions, stored.entities) == ([], frozenset(), [])
        assert (stored.sender_id, stored.created_at, stored.reply_to_id) == (
            before.sender_id,
            before.created_at,
            42,
        )
        assert stored.deleted_at is not None and stored.deleted_at.tzinfo is UTC
        assert [m.message_id for m in repo.get_messages(channel)] == [message_id]
        again = repo.delete_message(channel, message_id)
        assert again.is_deleted and again.deleted_at == stored.deleted_at
        with pytest.raises(MessageNotFound):
            repo.delete_message(uuid.uuid4(), message_id)


class TestInputErrors:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"content": "x" * (MAX_CONTENT_LENGTH + 1)}, "content"),
            ({"content": 5}, "content"),
            ({"sender_id": -1}, "sender_id"),
            ({"source": "carrier-pigeon"}, "source"),
            ({"message_type": "Text!"}, "message_type"),
            ({"reply_to_id": MIN_SNOWFLAKE - 1}, "reply_to_id"),
            ({"mentions": {-3}}, "mentions"),
            ({"attachments": [1, 2]}, "attachments"),
            ({"entities": [{"bad": object()}]}, "entities"),
            ({"telegram_message_id": 5}, "telegram_chat_id"),
            ({"created_at": datetime(2026, 1, 1)}, "created_at"),  # noqa: DTZ001
            ({"created_at": datetime(1969, 12, 31, tzinfo=UTC)}, "created_at"),
            ({"created_at": datetime.now(UTC) + timedelta(hours=1)}, "created_at"),
            ({"message_id": MAX_SNOWFLAKE + 1}, "message_id"),
            ({"channel_id": "not-a-uuid"}, "channel_id"),
        ],
    )
    def test_bad_message_fields(
        self, repo: MessageScyllaRepo, channel: uuid.UUID, changes: dict, field: str
    ) -> None:
        data = message(channel)
        for name, value in changes.items():
            setattr(data, name, value)
        with pytest.raises(InvalidMessageInput) as error:
            repo.insert_message(data)
        assert error.value.field == field
        assert isinstance(error.value, ValueError)

    def test_content_at_the_maximum_is_accepted(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        message_id = repo.insert_message(message(channel, "é" * MAX_CONTENT_LENGTH))
        stored = repo.get_message(channel, message_id)
        assert stored is not None and len(stored.content) == MAX_CONTENT_LENGTH

    @pytest.mark.parametrize("bad_id", [MIN_SNOWFLAKE - 1, 1 << 63, True, "12"])
    def test_bad_message_ids(
        self, repo: MessageScyllaRepo, channel: uuid.UUID, bad_id: object
    ) -> None:
        with pytest.raises(InvalidMessageInput) as error:
            repo.get_message(channel, bad_id)  # type: ignore[arg-type]
        assert error.value.field == "message_id"

    def test_not_a_message_data(self, repo: MessageScyllaRepo) -> None:
        with pytest.raises(InvalidMessageInput):
            repo.insert_message({"content": "dict"})  # type: ignore[arg-type]

    def test_message_data_keeps_the_seed_field_names(self) -> None:
        data = MessageData(channel_id=uuid.uuid4(), content="c", sender_id=1)
        assert (data.message_type, data.source, data.created_at, data.message_id) == (
            "text",
            "web",
            None,
            None,
        )
