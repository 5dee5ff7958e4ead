"""Reactions, pins, read positions, Telegram sync state and channel metadata on real Cassandra."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from messaging.repository import (
    InvalidMessageInput,
    MessageDeleted,
    MessageNotFound,
    MessageScyllaRepo,
    ReactionSummary,
)
from messaging.scylla import ScyllaClient, calculate_message_bucket
from tests.messaging.repo_support import channel, counting_queries, days_ago, message, repo

__all__ = ["channel", "repo"]


class TestReactions:
    def test_the_same_reaction_counts_once(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        message_id = repo.insert_message(message(channel))
        assert repo.add_reaction(channel, message_id, 1, "👍") is True
        assert repo.add_reaction(channel, message_id, 1, "👍") is False
        assert repo.add_reaction(channel, message_id, 2, "👍") is True
        assert repo.add_reaction(channel, message_id, 2, "🎉") is True
        assert repo.get_reactions(channel, [message_id], user_id=1) == {
            message_id: [ReactionSummary("👍", 2, True), ReactionSummary("🎉", 1, False)]
        }
        assert repo.get_reactions(channel, [message_id])[message_id][0] == ReactionSummary(
            "👍", 2, False
        )

    def test_racing_identical_adds_count_once(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        message_id = repo.insert_message(message(channel))
        results: list[bool] = []
        start = threading.Barrier(8)

        def add() -> None:
            start.wait()
            results.append(repo.add_reaction(channel, message_id, 5, "🔥"))

        threads = [threading.Thread(target=add) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [False] * 7 + [True]
        assert repo.get_reactions(channel, [message_id], 5)[message_id] == [
            ReactionSummary("🔥", 1, True)
        ]

    def test_remove_decrements_only_an_existing_reaction(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        message_id = repo.insert_message(message(channel))
        repo.add_reaction(channel, message_id, 1, "👍")
        repo.add_reaction(channel, message_id, 2, "👍")
        assert repo.remove_reaction(channel, message_id, 1, "👍") is True
        assert repo.remove_reaction(channel, message_id, 1, "👍") is False
        assert repo.remove_reaction(channel, message_id, 3, "👍") is False
        assert repo.get_reactions(channel, [message_id], 1)[message_id] == [
            ReactionSummary("👍", 1, False)
        ]
        assert repo.remove_reaction(channel, message_id, 2, "👍") is True
        assert repo.get_reactions(channel, [message_id], 2) == {message_id: []}

    def test_a_page_of_reactions_costs_two_queries(
        self, cql: ScyllaClient, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        ids = repo.insert_messages([message(channel, f"m{i}") for i in range(50)])
        for index in (0, 7, 49):
            repo.add_reaction(channel, ids[index], 9, "👀")
        repo.get_reactions(channel, ids[:1], user_id=9)  # statements are prepared on first use
        with counting_queries(cql) as counted:
            reactions = repo.get_reactions(channel, ids, user_id=9)
        assert counted.queries == 2
        assert set(reactions) == set(ids)
        assert [i for i in ids if reactions[i]] == [ids[0], ids[7], ids[49]]
        assert reactions[ids[7]] == [ReactionSummary("👀", 1, True)]

    def test_the_first_reaction_flags_the_message_and_the_flag_stays(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        quiet, reacted = repo.insert_messages([message(channel, "a"), message(channel, "b")])
        assert [m.has_reactions for m in repo.get_messages(channel)] == [False, False]
        repo.add_reaction(channel, reacted, 1, "👍")
        repo.remove_reaction(channel, reacted, 1, "👍")
        page = {m.message_id: m for m in repo.get_messages(channel)}
        assert page[reacted].has_reactions is True  # never unset: a count may come back
        assert page[quiet].may_have_reactions is False

    def test_anonymous_counts_flag_the_message(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        message_id = repo.insert_message(message(channel))
        repo.add_reaction_counts(channel, message_id, {"❤": 3, "🔥": 2})
        repo.add_reaction_counts(channel, message_id, {"🔥": -2})
        assert repo.get_reactions(channel, [message_id])[message_id] == [
            ReactionSummary("❤", 3, False)
        ]
        stored = repo.get_message(channel, message_id)
        assert stored is not None and stored.has_reactions is True

    def test_bad_anonymous_counts(self, repo: MessageScyllaRepo, channel: uuid.UUID) -> None:
        message_id = repo.insert_message(message(channel))
        with pytest.raises(InvalidMessageInput) as error:
            repo.add_reaction_counts(channel, message_id, {"👍": "3"})  # type: ignore[dict-item]
        assert error.value.field == "deltas"
        with pytest.raises(InvalidMessageInput) as error:
            repo.add_reaction_counts(channel, message_id, {"": 1})
        assert error.value.field == "emoji"
        assert repo.get_reactions(channel, [message_id]) == {message_id: []}

    def test_a_row_from_before_the_flag_is_read_as_unknown(
        self, cql: ScyllaClient, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        message_id = repo.insert_message(message(channel))
        bucket = calculate_message_bucket(message_id)
        # What a row written before migration 003 looks like: no has_reactions cell.
        cql.execute(
            f"DELETE has_reactions FROM {cql.keyspace}.messages"
            " WHERE channel_id = %s AND bucket = %s AND message_id = %s",
            (channel, bucket, message_id),
            write=True,
        )
        stored = repo.get_message(channel, message_id)
        assert stored is not None
        assert stored.has_reactions is None
        assert stored.may_have_reactions is True

    def test_reacting_to_a_missing_foreign_or_deleted_message(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        message_id = repo.insert_message(message(channel))
        with pytest.raises(MessageNotFound):
            repo.add_reaction(uuid.uuid4(), message_id, 1, "👍")
        with pytest.raises(MessageNotFound):
            repo.add_reaction(channel, message_id + 1, 1, "👍")
        repo.delete_message(channel, message_id)
        with pytest.raises(MessageDeleted):
            repo.add_reaction(channel, message_id, 1, "👍")

    @pytest.mark.parametrize("emoji", ["", "   ", "x" * 65, None])
    def test_bad_emoji(self, repo: MessageScyllaRepo, channel: uuid.UUID, emoji: object) -> None:
        with pytest.raises(InvalidMessageInput) as error:
            repo.add_reaction(channel, 5, 1, emoji)  # type: ignore[arg-type]
        assert error.value.field == "emoji"


class TestPins:
    def test_pin_list_unpin(self, repo: MessageScyllaRepo, channel: uuid.UUID) -> None:
        old = repo.insert_message(message(channel, "old", created_at=days_ago(40)))
        a = repo.insert_message(message(channel, "a"))
        b = repo.insert_message(message(channel, "b"))
        first = repo.pin_message(channel, b, 1)
        repo.pin_message(channel, old, 2)
        repo.pin_message(channel, a, 3)
        pins = repo.get_pinned_messages(channel)
        assert [p.message_id for p in pins] == [a, old, b]  # newest pin first
        assert pins[1].bucket == first.bucket - 4 or pins[1].bucket < first.bucket
        assert pins[0].pinned_by == 3 and pins[0].pinned_at.tzinfo is UTC
        repo.pin_message(channel, b, 4)  # pinning again moves it to the top
        assert [p.message_id for p in repo.get_pinned_messages(channel)] == [b, a, old]
        assert repo.unpin_message(channel, a) is True
        assert repo.unpin_message(channel, a) is False
        assert [p.message_id for p in repo.get_pinned_messages(channel)] == [b, old]
        hydrated = repo.get_messages_by_ids(channel, [p.message_id for p in pins])
        assert hydrated[old].content == "old"

    def test_pin_errors(self, repo: MessageScyllaRepo, channel: uuid.UUID) -> None:
        message_id = repo.insert_message(message(channel))
        with pytest.raises(MessageNotFound):
            repo.pin_message(uuid.uuid4(), message_id, 1)
        repo.delete_message(channel, message_id)
        with pytest.raises(MessageDeleted):
            repo.pin_message(channel, message_id, 1)
        assert repo.get_pinned_messages(channel) == []


class TestReadPositions:
    def test_never_moves_backwards(self, repo: MessageScyllaRepo, channel: uuid.UUID) -> None:
        ids = repo.insert_messages([message(channel, f"m{i}") for i in range(3)])
        assert repo.get_read_position(channel, 7) is None
        repo.set_read_position(channel, 7, ids[1])
        assert repo.get_read_position(channel, 7) == ids[1]
        repo.set_read_position(channel, 7, ids[0])
        assert repo.get_read_position(channel, 7) == ids[1]
        repo.set_read_position(channel, 7, ids[2])
        assert repo.get_read_position(channel, 7) == ids[2]
        assert repo.get_read_position(channel, 8) is None

    def test_an_import_read_late_does_not_move_it_back(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        new = repo.insert_message(message(channel))
        old = repo.insert_message(message(channel, created_at=days_ago(300)))
        repo.set_read_position(channel, 7, new)
        repo.set_read_position(channel, 7, old)
        assert repo.get_read_position(channel, 7) == new

    def test_a_message_of_another_channel_is_refused(
        self, repo: MessageScyllaRepo, channel: uuid.UUID
    ) -> None:
        foreign = repo.insert_message(message(uuid.uuid4()))
        with pytest.raises(MessageNotFound):
            repo.set_read_position(channel, 7, foreign)


class TestTelegramSyncState:
    def test_partial_updates_keep_other_fields(self, repo: MessageScyllaRepo) -> None:
        channel_id, chat = uuid.uuid4(), -(10**12) - uuid.uuid4().int % 10**6
        assert repo.get_telegram_sync_state(channel_id) is None
        when = datetime.now(UTC).replace(microsecond=0)
        repo.update_telegram_sync_state(channel_id, telegram_chat_id=chat, status="importing")
        repo.update_telegram_sync_state(
            channel_id, last_telegram_message_id=500, imported_count=499, last_sync_at=when
        )
        repo.update_telegram_sync_state(channel_id, status="failed", last_error="flood wait")
        state = repo.get_telegram_sync_state(channel_id)
        assert state is not None
        assert (state.telegram_chat_id, state.status, state.last_error) == (
            chat,
            "failed",
            "flood wait",
        )
        assert (state.last_telegram_message_id, state.imported_count) == (500, 499)
        assert state.last_sync_at == when and state.last_update_id is None
        repo.update_telegram_sync_state(channel_id, status="live", last_error="")
        assert repo.get_telegram_sync_states_by_chat(chat)[0].status == "live"
        assert [s.channel_id for s in repo.get_telegram_sync_states_by_chat(chat)] == [channel_id]

    def test_bad_status(self, repo: MessageScyllaRepo) -> None:
        with pytest.raises(InvalidMessageInput) as error:
            repo.update_telegram_sync_state(uuid.uuid4(), status="sleeping")
        assert error.value.field == "status"


class TestChannelMetadata:
    def test_update_and_batch_read(self, cql: ScyllaClient, repo: MessageScyllaRepo) -> None:
        a, b, empty = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        created = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
        repo.update_channel_metadata(a, channel_name="General", channel_type="group")
        repo.update_channel_metadata(a, created_at=created)
        last = repo.insert_message(message(b, "hi", sender_id=4))
        metadata = repo.get_channel_metadata(a)
        assert metadata is not None
        assert (metadata.channel_name, metadata.channel_type, metadata.created_at) == (
            "General",
            "group",
            created,
        )
        assert metadata.updated_at is not None and metadata.last_message_id is None
        repo.get_channel_metadata_many([empty])  # statements are prepared on first use
        with counting_queries(cql) as counted:
            many = repo.get_channel_metadata_many([a, b, empty, a])
        assert counted.queries == 1
        assert set(many) == {a, b}
        assert (many[b].last_message_id, many[b].last_sender_id) == (last, 4)
        assert repo.get_channel_metadata_many([]) == {}

    def test_too_many_channels(self, repo: MessageScyllaRepo) -> None:
        with pytest.raises(InvalidMessageInput):
            repo.get_channel_metadata_many([uuid.uuid4() for _ in range(501)])
