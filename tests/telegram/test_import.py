"""``manage.py telegram_import`` against the real stores, on exports shaped like tdesktop's."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from messaging.models import Chat, ChatType, Participant, SearchEntry
from messaging.stores import edit_history_repo, message_repo
from messaging.telegram.models import TelegramUserLink
from tests.messaging.api_support import make_user
from tests.telegram.conftest import load_fixture
from tests.telegram.support import (
    all_messages,
    by_telegram_id,
    channel_id_of,
    fresh_bare_id,
    linked_chat,
    supergroup_export,
    write_export,
)

pytestmark = pytest.mark.usefixtures("stores")


def run_import(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("telegram_import", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def imported_chat(bare_id: int) -> Chat:
    return Chat.objects.get(telegram_chat_id=channel_id_of(bare_id))


class TestSupergroupExport:
    """The documented one-chat export: every kind of message lands as written."""

    @pytest.fixture
    def imported(self, tmp_path: Path) -> dict[str, Any]:
        bare = fresh_bare_id()
        path = write_export(tmp_path / "result.json", supergroup_export(bare))
        out, _ = run_import(path, "--chat", "auto", "--no-progress")
        chat = imported_chat(bare)
        return {"out": out, "chat": chat, "messages": by_telegram_id(all_messages(chat.pk))}

    def test_every_message_stored_in_order_with_original_times(
        self, imported: dict[str, Any]
    ) -> None:
        messages = imported["messages"]
        assert sorted(messages) == list(range(1, 15))
        export = load_fixture("supergroup_export.json")["messages"]
        for raw in export:
            stored = messages[raw["id"]]
            assert stored.created_at == datetime.fromtimestamp(int(raw["date_unixtime"]), UTC)
            assert stored.source == "telegram"
            assert stored.telegram_chat_id == imported["chat"].telegram_chat_id
        ids_in_time_order = [messages[i].message_id for i in range(1, 15)]
        assert ids_in_time_order == sorted(ids_in_time_order)
        assert "14 imported, 0 duplicates skipped, 0 failed" in imported["out"]

    def test_chat_created_and_linked(self, imported: dict[str, Any]) -> None:
        chat = imported["chat"]
        assert (chat.name, chat.type) == ("Team chat", ChatType.GROUP)
        state = message_repo().get_telegram_sync_state(chat.pk)
        assert state is not None
        assert (state.status, state.last_telegram_message_id, state.imported_count) == (
            "idle",
            14,
            14,
        )
        assert state.last_error in (None, "")

    def test_replies_and_pins_linked(self, imported: dict[str, Any]) -> None:
        messages = imported["messages"]
        assert messages[3].reply_to_id == messages[2].message_id
        assert messages[9].reply_to_id == messages[4].message_id  # the pinned message
        assert messages[2].reply_to_id is None

    def test_entities_keep_utf16_offsets(self, imported: dict[str, Any]) -> None:
        message = imported["messages"][3]
        assert message.content == "Hi Alice 👋 see the docs and @alice"
        link = next(e for e in message.entities if e["type"] == "text_link")
        assert (link["offset"], link["length"], link["url"]) == (16, 8, "https://example.com/docs")

    def test_edit_marked(self, imported: dict[str, Any]) -> None:
        messages = imported["messages"]
        assert messages[4].edited_at == datetime(2024, 3, 1, 12, 10, tzinfo=UTC)
        assert messages[2].edited_at is None

    def test_media_described_without_files(self, imported: dict[str, Any]) -> None:
        messages = imported["messages"]
        assert messages[5].message_type == "image"
        assert messages[5].attachments[0]["note"].startswith("(File not included.")
        assert messages[6].attachments[0]["file_name"] == "report-q1.pdf"
        assert messages[6].attachments[0]["size"] == 2048000
        assert messages[7].message_type == "voice"
        assert messages[7].attachments[0]["duration"] == 12
        assert messages[8].message_type == "sticker"

    def test_service_messages_are_system_messages(self, imported: dict[str, Any]) -> None:
        messages = imported["messages"]
        assert messages[11].message_type == "system"
        assert messages[11].content == "Alice Smith added Dave Brown, Deleted Account"

    def test_senders_linked_to_placeholder_users(self, imported: dict[str, Any]) -> None:
        messages = imported["messages"]
        alice = TelegramUserLink.objects.get(telegram_peer="user1001")
        assert alice.is_placeholder
        assert messages[2].sender_id == alice.user_id
        user = get_user_model().objects.get(pk=alice.user_id)
        assert user.username == "tg_user1001"
        assert user.first_name == "Alice Smith"
        assert not user.has_usable_password()
        channel = TelegramUserLink.objects.get(telegram_peer="channel777")
        assert messages[12].sender_id == channel.user_id
        assert Participant.objects.filter(chat=imported["chat"], user_id=alice.user_id).exists()

    def test_reactions_counted(self, imported: dict[str, Any]) -> None:
        message_id = imported["messages"][10].message_id
        carol = TelegramUserLink.objects.get(telegram_peer="user1003").user_id
        reactions = message_repo().get_reactions(imported["chat"].pk, [message_id], carol)
        counts = {r.emoji: (r.count, r.me) for r in reactions[message_id]}
        assert counts == {
            "👍": (3, True),
            "❤": (1, False),
            "custom_emoji:5368324170671202286": (2, False),
        }

    def test_unread_counts_follow(self, tmp_path: Path) -> None:
        from messaging.services.unread import unread_rebuild

        bare = fresh_bare_id()
        chat = linked_chat(channel_id_of(bare))
        reader = make_user("reader")
        Participant.objects.create(chat=chat, user=reader)
        alice = make_user("alice")
        TelegramUserLink.objects.create(telegram_peer="user1001", user=alice)
        Participant.objects.create(chat=chat, user=alice)
        path = write_export(tmp_path / "result.json", supergroup_export(bare))
        run_import(path, "--chat", str(chat.pk), "--no-progress", "--batch-size", "4")
        counts = dict(Participant.objects.filter(chat=chat).values_list("user_id", "unread_count"))
        assert counts[reader.pk] == 14
        assert counts[alice.pk] == 14 - 6  # Alice sent 6 of them (3 as service messages)
        unread_rebuild(chat_id=chat.pk)
        rebuilt = dict(Participant.objects.filter(chat=chat).values_list("user_id", "unread_count"))
        assert rebuilt == counts

    def test_search_index_follows(self, imported: dict[str, Any]) -> None:
        chat = imported["chat"]
        assert SearchEntry.objects.filter(chat=chat).count() == 14
        assert SearchEntry.objects.filter(chat=chat, content__contains="Ship it?").exists()


class TestIdempotentAndResumable:
    def test_second_run_stores_nothing_new(self, tmp_path: Path) -> None:
        bare = fresh_bare_id()
        path = write_export(tmp_path / "result.json", supergroup_export(bare))
        run_import(path, "--chat", "auto", "--no-progress")
        chat = imported_chat(bare)
        before = all_messages(chat.pk)
        out, _ = run_import(path, "--chat", str(chat.pk), "--no-progress")
        assert "0 imported, 14 duplicates skipped, 0 failed" in out
        after = all_messages(chat.pk)
        assert [m.message_id for m in after] == [m.message_id for m in before]
        message_id = by_telegram_id(after)[10].message_id
        reactions = message_repo().get_reactions(chat.pk, [message_id])[message_id]
        assert {r.emoji: r.count for r in reactions}["👍"] == 3  # not counted twice
        assert SearchEntry.objects.filter(chat=chat).count() == 14

    def test_rerun_with_a_newer_edit_records_history_and_reindexes(self, tmp_path: Path) -> None:
        bare = fresh_bare_id()
        export = supergroup_export(bare)
        path = write_export(tmp_path / "result.json", export)
        run_import(path, "--chat", "auto", "--no-progress")
        chat = imported_chat(bare)
        (message,) = [m for m in export["messages"] if m["id"] == 4]
        message["text"] = "Meeting moved to 17:00"
        message["text_entities"] = [{"type": "plain", "text": "Meeting moved to 17:00"}]
        message["edited_unixtime"] = str(int(message["edited_unixtime"]) + 600)
        write_export(path, export)
        run_import(path, "--chat", str(chat.pk), "--no-progress")
        stored = by_telegram_id(all_messages(chat.pk))[4]
        assert stored.content == "Meeting moved to 17:00"
        (previous,) = edit_history_repo().get_history(chat.pk, stored.message_id)
        assert previous.content == "Meeting moved to 16:00 (edited)"
        entry = SearchEntry.objects.get(chat=chat, message_id=stored.message_id)
        assert entry.content == "Meeting moved to 17:00"

    def test_abort_at_malformed_message_then_rerun_completes(self, tmp_path: Path) -> None:
        bare = fresh_bare_id()
        export = supergroup_export(bare)
        broken = export["messages"][6]  # id 7, the eighth... seventh element
        del broken["date_unixtime"], broken["date"]
        path = write_export(tmp_path / "result.json", export)
        with pytest.raises(CommandError, match=r"messages\[6\].*date"):
            run_import(path, "--chat", "auto", "--no-progress", "--on-error", "abort")
        chat = imported_chat(bare)
        assert sorted(by_telegram_id(all_messages(chat.pk))) == [1, 2, 3, 4, 5, 6]
        state = message_repo().get_telegram_sync_state(chat.pk)
        assert state is not None
        assert (state.status, state.last_telegram_message_id) == ("failed", 6)
        assert "messages[6]" in (state.last_error or "")

        broken["date_unixtime"] = "1709294700"
        write_export(path, export)
        out, _ = run_import(path, "--chat", str(chat.pk), "--no-progress", "--on-error", "abort")
        assert "8 imported, 0 duplicates skipped, 0 failed" in out
        assert "resumed after Telegram message 6 (6 passed over)" in out
        assert sorted(by_telegram_id(all_messages(chat.pk))) == list(range(1, 15))
        state = message_repo().get_telegram_sync_state(chat.pk)
        assert state is not None
        assert (state.status, state.last_telegram_message_id, state.imported_count) == (
            "idle",
            14,
            14,
        )

    def test_skip_reports_positions_and_stores_the_rest(self, tmp_path: Path) -> None:
        bare = fresh_bare_id()
        export = supergroup_export(bare)
        del export["messages"][1]["id"]
        export["messages"][4]["text_entities"] = "bold"
        export["messages"].insert(3, "not a message")
        path = write_export(tmp_path / "result.json", export)
        out, err = run_import(path, "--chat", "auto", "--no-progress")
        assert "12 imported, 0 duplicates skipped, 3 failed" in out
        assert "messages[1]: id must be a positive integer" in err
        assert "messages[3]: a message must be a JSON object" in err
        assert "messages[5]: text_entities must be a list" in err
        assert "Failures by reason:" in out

    def test_history_before_2024_keeps_its_time_and_replies(self, tmp_path: Path) -> None:
        bare = fresh_bare_id()
        export = supergroup_export(bare)
        for message in export["messages"]:  # the same chat, ten years earlier
            message["date_unixtime"] = str(int(message["date_unixtime"]) - 10 * 365 * 86_400)
        path = write_export(tmp_path / "result.json", export)
        out, _ = run_import(path, "--chat", "auto", "--no-progress")
        assert "14 imported, 0 duplicates skipped, 0 failed" in out
        messages = by_telegram_id(all_messages(imported_chat(bare).pk))
        first = export["messages"][0]
        assert messages[first["id"]].created_at == datetime.fromtimestamp(
            int(first["date_unixtime"]), UTC
        )
        assert all(m.message_id < 0 for m in messages.values())  # ids before the 2024 epoch
        assert messages[3].reply_to_id == messages[2].message_id

    def test_message_before_1970_fails_with_its_reason(self, tmp_path: Path) -> None:
        bare = fresh_bare_id()
        export = supergroup_export(bare)
        export["messages"][1]["date_unixtime"] = "-86400"  # 1969-12-31
        path = write_export(tmp_path / "result.json", export)
        out, err = run_import(path, "--chat", "auto", "--no-progress")
        assert "13 imported, 0 duplicates skipped, 1 failed" in out
        assert "messages[1]" in err
        messages = by_telegram_id(all_messages(imported_chat(bare).pk))
        assert messages[3].reply_to_id is None  # its reply target was not stored

    def test_text_longer_than_the_store_takes_is_reported(self, tmp_path: Path) -> None:
        bare = fresh_bare_id()
        export = supergroup_export(bare)
        longest = "é" * 4096  # Telegram's own limit fits
        too_long = "x" * 4097  # only a hand-made file has more
        for index, text in ((3, longest), (4, too_long)):
            export["messages"][index]["text"] = text
            export["messages"][index]["text_entities"] = [{"type": "plain", "text": text}]
        path = write_export(tmp_path / "result.json", export)
        out, err = run_import(path, "--chat", "auto", "--no-progress")
        assert "13 imported, 0 duplicates skipped, 1 failed" in out
        assert "messages[4]: content: is 4097 characters" in err
        messages = by_telegram_id(all_messages(imported_chat(bare).pk))
        assert messages[export["messages"][3]["id"]].content == longest


class TestChatsAndFiles:
    def test_account_export_makes_one_chat_per_dialog(self, tmp_path: Path) -> None:
        export = load_fixture("account_export.json")
        personal, group, channel = fresh_bare_id(), fresh_bare_id(), fresh_bare_id()
        export["chats"]["list"][0]["id"] = personal
        export["chats"]["list"][1]["id"] = group
        export["left_chats"]["list"][0]["id"] = channel
        path = write_export(tmp_path / "result.json", export)
        out, _ = run_import(tmp_path, "--chat", "auto", "--no-progress")  # the folder works
        assert "5 imported, 0 duplicates skipped, 0 failed" in out
        assert Chat.objects.get(telegram_chat_id=personal).type == ChatType.GROUP
        assert Chat.objects.get(telegram_chat_id=-group).name == "Book club"
        broadcast = Chat.objects.get(telegram_chat_id=channel_id_of(channel))
        assert broadcast.type == ChatType.CHANNEL
        reply = by_telegram_id(all_messages(Chat.objects.get(telegram_chat_id=personal).pk))
        assert reply[502].reply_to_id == reply[501].message_id
        assert path.exists()

    def test_chat_option_takes_only_its_linked_dialog(self, tmp_path: Path) -> None:
        export = load_fixture("account_export.json")
        personal = fresh_bare_id()
        export["chats"]["list"][0]["id"] = personal
        export["chats"]["list"][1]["id"] = fresh_bare_id()
        export["left_chats"]["list"][0]["id"] = fresh_bare_id()
        path = write_export(tmp_path / "result.json", export)
        chat = linked_chat(personal)
        out, _ = run_import(path, "--chat", str(chat.pk), "--no-progress")
        assert "2 imported" in out
        assert "3 messages of other chats passed over" in out
        assert len(all_messages(chat.pk)) == 2

    def test_single_export_links_an_unlinked_chat(self, tmp_path: Path) -> None:
        from messaging.services.chats import chat_create

        bare = fresh_bare_id()
        chat = chat_create(creator=make_user("owner"), name="mine", type="group")
        path = write_export(tmp_path / "result.json", supergroup_export(bare))
        run_import(path, "--chat", str(chat.pk), "--no-progress")
        chat.refresh_from_db()
        assert chat.telegram_chat_id == channel_id_of(bare)
        assert len(all_messages(chat.pk)) == 14

    def test_chat_linked_elsewhere_is_refused(self, tmp_path: Path) -> None:
        chat = linked_chat(channel_id_of(fresh_bare_id()))
        path = write_export(tmp_path / "result.json", supergroup_export(fresh_bare_id()))
        with pytest.raises(CommandError, match="mirrors Telegram chat"):
            run_import(path, "--chat", str(chat.pk), "--no-progress")
        assert all_messages(chat.pk) == []

    @pytest.mark.parametrize(
        ("content", "reason"),
        [
            ("this is not json", "not valid JSON"),
            (json.dumps([1, 2, 3]), "not a Telegram Desktop export"),
            (json.dumps({"about": "x", "contacts": {"list": []}}), "no dialog with messages"),
        ],
    )
    def test_files_that_are_not_exports(self, tmp_path: Path, content: str, reason: str) -> None:
        path = tmp_path / "result.json"
        path.write_text(content)
        with pytest.raises(CommandError, match=reason):
            run_import(path, "--chat", "auto", "--no-progress")

    def test_truncated_file_keeps_what_was_read(self, tmp_path: Path) -> None:
        bare = fresh_bare_id()
        text = json.dumps(supergroup_export(bare), ensure_ascii=False)
        cut = text.index('"id": 9,')
        path = tmp_path / "result.json"
        path.write_text(text[:cut], encoding="utf-8")
        with pytest.raises(CommandError, match="not valid JSON"):
            run_import(path, "--chat", "auto", "--no-progress", "--batch-size", "3")
        stored = sorted(by_telegram_id(all_messages(imported_chat(bare).pk)))
        assert stored == list(range(1, 9))

    def test_bad_options(self, tmp_path: Path) -> None:
        path = write_export(tmp_path / "result.json", supergroup_export(fresh_bare_id()))
        with pytest.raises(CommandError, match="UUID"):
            run_import(path, "--chat", "nope")
        with pytest.raises(CommandError, match="no export file"):
            run_import(tmp_path / "missing.json", "--chat", "auto")
        with pytest.raises(CommandError, match="timezone"):
            run_import(path, "--chat", "auto", "--export-timezone", "Mars/Base")
