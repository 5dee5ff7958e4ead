"""Bot API Update objects -> the neutral shapes (documented fields of Update and Message)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from messaging.telegram.botapi import ReactionChange, ReactionTotals, parse_update
from messaging.telegram.ids import Peer, PeerKind
from messaging.telegram.types import MalformedMessage, TelegramMessage


def _message(update: dict[str, Any]) -> TelegramMessage:
    parsed = parse_update(update)
    assert isinstance(parsed.payload, TelegramMessage)
    return parsed.payload


class TestMessages:
    def test_supergroup_message(self, bot_updates: dict[str, Any]) -> None:
        parsed = parse_update(bot_updates["supergroup_message"])
        assert (parsed.update_id, parsed.kind, parsed.is_edit) == (900000001, "message", False)
        message = _message(bot_updates["supergroup_message"])
        assert message.chat_id == -1001234567890
        assert message.message_id == 15
        assert message.sender == Peer(PeerKind.USER, 1002, "Bob Jones")
        assert message.date == datetime.fromtimestamp(1709298000, tz=UTC)
        assert message.reply_to_message_id == 3
        assert [e["type"] for e in message.entities] == ["bold", "url", "hashtag"]
        assert message.edited_at is None

    def test_edit(self, bot_updates: dict[str, Any]) -> None:
        parsed = parse_update(bot_updates["edited_message"])
        assert parsed.is_edit
        message = _message(bot_updates["edited_message"])
        assert message.edited_at == datetime.fromtimestamp(1709298600, tz=UTC)
        assert "v2.0.1" in message.text

    def test_channel_post_photo_caption(self, bot_updates: dict[str, Any]) -> None:
        message = _message(bot_updates["channel_post_photo"])
        assert message.sender == Peer(PeerKind.CHANNEL, 9876543210, "WellWon News")
        assert message.message_type == "image"
        assert message.text == "New office 🏢"
        assert message.entities == [{"type": "italic", "offset": 0, "length": 10}]
        (photo,) = message.attachments
        assert photo["telegram_file_id"] == "AgACAgQAAx0CYmFy-large"
        assert (photo["width"], photo["size"]) == (1280, 98765)

    def test_voice(self, bot_updates: dict[str, Any]) -> None:
        message = _message(bot_updates["voice_message"])
        assert message.message_type == "voice"
        assert message.text == ""
        assert message.attachments[0]["duration"] == 7
        assert message.attachments[0]["type"] == "voice_message"

    def test_service_new_members(self, bot_updates: dict[str, Any]) -> None:
        message = _message(bot_updates["new_members"])
        assert message.message_type == "system"
        assert message.text == "Alice Smith added Dave Brown"

    def test_anonymous_admin_is_the_group(self) -> None:
        update = {
            "update_id": 1,
            "message": {
                "message_id": 3,
                "from": {"id": 1087968824, "is_bot": True, "first_name": "Group"},
                "sender_chat": {"id": -1001234567890, "title": "Team chat", "type": "supergroup"},
                "chat": {"id": -1001234567890, "title": "Team chat", "type": "supergroup"},
                "date": 1709298000,
                "text": "from the admins",
            },
        }
        assert _message(update).sender == Peer(PeerKind.CHANNEL, 1234567890, "Team chat")

    def test_pinned_message_links(self) -> None:
        chat = {"id": -555000, "type": "group", "title": "Book club"}
        update = {
            "update_id": 2,
            "message": {
                "message_id": 9,
                "from": {"id": 1001, "is_bot": False, "first_name": "Alice"},
                "chat": chat,
                "date": 1709298000,
                "pinned_message": {"message_id": 4, "chat": chat, "date": 1709290000},
            },
        }
        message = _message(update)
        assert (message.text, message.reply_to_message_id) == ("Alice pinned a message", 4)


class TestReactions:
    def test_change(self, bot_updates: dict[str, Any]) -> None:
        change = parse_update(bot_updates["reaction_changed"]).payload
        assert isinstance(change, ReactionChange)
        assert change.reactor == Peer(PeerKind.USER, 1001, "Alice Smith")
        assert change.removed == ["🔥"]
        assert change.added == []
        added = parse_update(bot_updates["reaction_added"]).payload
        assert isinstance(added, ReactionChange)
        assert added.added == ["🔥", "👍"]

    def test_unknown_reaction_kinds_are_left_out(self, bot_updates: dict[str, Any]) -> None:
        update = copy.deepcopy(bot_updates["reaction_added"])
        update["message_reaction"]["new_reaction"].append({"type": "hologram", "id": 1})
        change = parse_update(update).payload
        assert isinstance(change, ReactionChange)
        assert change.added == ["🔥", "👍"]
        update = copy.deepcopy(bot_updates["reaction_count"])
        update["message_reaction_count"]["reactions"].append(
            {"type": {"type": "hologram"}, "total_count": 4}
        )
        totals = parse_update(update).payload
        assert isinstance(totals, ReactionTotals)
        assert set(totals.counts) == {"❤", "custom_emoji:5368324170671202286", "paid:star"}

    def test_counts(self, bot_updates: dict[str, Any]) -> None:
        totals = parse_update(bot_updates["reaction_count"]).payload
        assert isinstance(totals, ReactionTotals)
        assert totals.chat_id == -1009876543210
        assert totals.counts == {
            "❤": 12,
            "custom_emoji:5368324170671202286": 3,
            "paid:star": 1,
        }


class TestUpdates:
    def test_unknown_kind_has_no_payload(self, bot_updates: dict[str, Any]) -> None:
        parsed = parse_update(bot_updates["callback_query"])
        assert (parsed.update_id, parsed.kind, parsed.payload) == (900000010, None, None)

    @pytest.mark.parametrize(
        "raw",
        [
            [],
            {"message": {}},
            {"update_id": "1"},
            {"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {}}},
            {"update_id": 1, "message": {"message_id": 0, "date": 1, "chat": {"id": 5}}},
            {"update_id": 1, "message": {"message_id": 1, "chat": {"id": 5}}},
            {"update_id": 1, "message_reaction": {"chat": {"id": 5}, "message_id": 1, "date": 1}},
            {"update_id": 1, "message_reaction_count": {"chat": {"id": 5}, "message_id": 1}},
        ],
    )
    def test_malformed(self, raw: object) -> None:
        with pytest.raises(MalformedMessage):
            parse_update(raw)
