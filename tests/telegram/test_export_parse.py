"""One exported message -> TelegramMessage, on the documented tdesktop fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from messaging.telegram.export_parse import parse_export_message
from messaging.telegram.ids import Peer, PeerKind
from messaging.telegram.reactions import PAID_REACTION
from messaging.telegram.types import MalformedMessage, ReactionCount, UnsupportedMessage

CHAT = -1001234567890


def _by_id(export: dict[str, Any], message_id: int) -> dict[str, Any]:
    return next(m for m in export["messages"] if m["id"] == message_id)


def _parse(export: dict[str, Any], message_id: int) -> Any:
    return parse_export_message(_by_id(export, message_id), chat_id=CHAT)


class TestMessages:
    def test_plain_text_and_time_from_unixtime(self, supergroup_export: dict[str, Any]) -> None:
        message = _parse(supergroup_export, 2)
        assert message.text == "Hello everyone!"
        assert message.message_type == "text"
        assert message.sender == Peer(PeerKind.USER, 1001, "Alice Smith")
        # "date" says 15:00 (the exporter's local time); date_unixtime is 12:00 UTC.
        assert message.date == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
        assert message.chat_id == CHAT
        assert message.edited_at is None

    def test_reply_and_entities(self, supergroup_export: dict[str, Any]) -> None:
        message = _parse(supergroup_export, 3)
        assert message.reply_to_message_id == 2
        assert message.text == "Hi Alice 👋 see the docs and @alice"
        assert [(e["type"], e["offset"], e["length"]) for e in message.entities] == [
            ("bold", 3, 5),
            ("text_link", 16, 8),
            ("mention", 29, 6),
        ]

    def test_edit_marked(self, supergroup_export: dict[str, Any]) -> None:
        message = _parse(supergroup_export, 4)
        assert message.edited_at == datetime(2024, 3, 1, 12, 10, tzinfo=UTC)

    def test_photo_not_included(self, supergroup_export: dict[str, Any]) -> None:
        message = _parse(supergroup_export, 5)
        assert message.message_type == "image"
        assert message.text == "Look at this"
        (photo,) = message.attachments
        assert photo["type"] == "photo"
        assert photo["size"] == 123456
        assert (photo["width"], photo["height"]) == (1280, 720)
        assert photo["note"].startswith("(File not included.")
        assert "path" not in photo

    def test_document_described(self, supergroup_export: dict[str, Any]) -> None:
        (document,) = _parse(supergroup_export, 6).attachments
        assert document == {
            "type": "file",
            "note": "(File not included. Change data exporting settings to download.)",
            "file_name": "report-q1.pdf",
            "size": 2048000,
            "mime_type": "application/pdf",
        }

    def test_voice_with_file_and_duration(self, supergroup_export: dict[str, Any]) -> None:
        message = _parse(supergroup_export, 7)
        assert message.message_type == "voice"
        (voice,) = message.attachments
        assert voice["path"] == "voice_messages/audio_1@01-03-2024_15-05-00.ogg"
        assert voice["duration"] == 12
        assert voice["mime_type"] == "audio/ogg"

    def test_sticker(self, supergroup_export: dict[str, Any]) -> None:
        message = _parse(supergroup_export, 8)
        assert message.message_type == "sticker"
        assert message.attachments[0]["emoji"] == "😂"

    def test_location(self, supergroup_export: dict[str, Any]) -> None:
        message = _parse(supergroup_export, 14)
        assert message.message_type == "location"
        assert message.attachments == [
            {"type": "location", "latitude": 52.520008, "longitude": 13.404954}
        ]

    def test_channel_sender(self, supergroup_export: dict[str, Any]) -> None:
        message = _parse(supergroup_export, 12)
        assert message.sender == Peer(PeerKind.CHANNEL, 777, "Team News")

    def test_reactions(self, supergroup_export: dict[str, Any]) -> None:
        thumbs, heart, custom = _parse(supergroup_export, 10).reactions
        assert thumbs.emoji == "👍"
        assert thumbs.count == 3
        assert [p.key for p in thumbs.reactors] == ["user1003", "user1001"]
        assert heart == ReactionCount("❤", 1, (Peer(PeerKind.USER, 1001, "Alice Smith"),))
        assert custom == ReactionCount("custom_emoji:5368324170671202286", 2)

    def test_paid_reaction(self) -> None:
        raw = {"id": 1, "date_unixtime": "1700000000", "text": "x"}
        raw["reactions"] = [{"type": "paid", "count": 5}]  # type: ignore[assignment]
        assert parse_export_message(raw, chat_id=CHAT).reactions == [
            ReactionCount(PAID_REACTION, 5)
        ]

    def test_unknown_reaction_kinds_and_unreadable_reactors_do_not_cost_the_message(
        self,
    ) -> None:
        raw: dict[str, Any] = {"id": 1, "date_unixtime": "1700000000", "text": "x"}
        raw["reactions"] = [
            {"type": "stars_of_2030", "count": 9},
            {
                "type": "emoji",
                "emoji": "👍",
                "count": 2,
                "recent": [{"from": "A bot", "from_id": "robot7"}, {"from_id": "user5"}],
            },
        ]
        assert parse_export_message(raw, chat_id=CHAT).reactions == [
            ReactionCount("👍", 2, (Peer(PeerKind.USER, 5),))
        ]

    def test_mention_name_becomes_mentioned(self, supergroup_export: dict[str, Any]) -> None:
        message = _parse(supergroup_export, 13)
        assert message.mentioned == [Peer(PeerKind.USER, 1002)]
        assert message.text.startswith("print('hi')\nBob 🔥 secret #release\nquoted")


class TestServiceMessages:
    def test_pin_links_the_pinned_message(self, supergroup_export: dict[str, Any]) -> None:
        message = _parse(supergroup_export, 9)
        assert message.message_type == "system"
        assert message.text == "Alice Smith pinned a message"
        assert message.reply_to_message_id == 4
        assert message.sender == Peer(PeerKind.USER, 1001, "Alice Smith")

    def test_members_with_deleted_account(self, supergroup_export: dict[str, Any]) -> None:
        message = _parse(supergroup_export, 11)
        assert message.text == "Alice Smith added Dave Brown, Deleted Account"

    def test_migrate(self, supergroup_export: dict[str, Any]) -> None:
        message = _parse(supergroup_export, 1)
        assert message.text == "Alice Smith converted the group «Team chat» to a supergroup"

    def test_unknown_action_and_custom_text(self) -> None:
        base = {"id": 3, "type": "service", "date_unixtime": "1700000000", "actor": "Eve"}
        unknown = parse_export_message({**base, "action": "boost_apply"}, chat_id=CHAT)
        assert unknown.text == "Eve: boost apply"
        custom = parse_export_message({**base, "information_text": "Eve did X"}, chat_id=CHAT)
        assert custom.text == "Eve did X"


class TestDatesAndErrors:
    def test_old_export_without_unixtime_uses_named_timezone(self) -> None:
        raw = {"id": 1, "type": "message", "date": "2019-05-01T15:00:00", "text": "old"}
        berlin = parse_export_message(raw, chat_id=CHAT, local_tz=ZoneInfo("Europe/Berlin"))
        assert berlin.date == datetime(2019, 5, 1, 13, 0, tzinfo=UTC)
        assert parse_export_message(raw, chat_id=CHAT).date.hour == 15

    @pytest.mark.parametrize(
        ("raw", "reason"),
        [
            ("just a string", "JSON object"),
            ({"type": "message", "date_unixtime": "1700000000"}, "id"),
            ({"id": -4, "date_unixtime": "1700000000"}, "id"),
            ({"id": 4, "type": "message", "text": "no date"}, "date"),
            ({"id": 4, "date": "yesterday"}, "date"),
            ({"id": 4, "date_unixtime": "soon"}, "date_unixtime"),
            ({"id": 4, "type": "story", "date_unixtime": "1700000000"}, "type"),
            ({"id": 4, "date_unixtime": "1700000000", "from_id": "robot1"}, "peer"),
            ({"id": 4, "date_unixtime": "1700000000", "reply_to_message_id": "x"}, "reply"),
            ({"id": 4, "date_unixtime": "1700000000", "reactions": [{"type": "emoji"}]}, "count"),
        ],
    )
    def test_malformed_messages_name_the_problem(self, raw: object, reason: str) -> None:
        with pytest.raises(MalformedMessage, match=reason):
            parse_export_message(raw, chat_id=CHAT)

    def test_unsupported(self) -> None:
        with pytest.raises(UnsupportedMessage):
            parse_export_message({"id": 9, "type": "unsupported"}, chat_id=CHAT)

    def test_reply_to_another_chat_is_not_linked(self) -> None:
        raw = {
            "id": 5,
            "date_unixtime": "1700000000",
            "text": "x",
            "reply_to_message_id": 3,
            "reply_to_peer_id": "channel42",
        }
        assert parse_export_message(raw, chat_id=CHAT).reply_to_message_id is None
