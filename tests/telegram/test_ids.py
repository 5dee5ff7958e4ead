"""Chat and peer ids: the export's bare ids and the Bot API's signed ones meet on one key."""

from __future__ import annotations

import pytest

from messaging.telegram.ids import (
    Peer,
    PeerKind,
    export_chat_id,
    parse_peer_key,
    peer_from_bot_api_id,
)
from messaging.telegram.types import MalformedMessage


class TestExportChatId:
    @pytest.mark.parametrize(
        ("chat_type", "bare_id", "expected"),
        [
            ("private_supergroup", 1234567890, -1001234567890),
            ("public_supergroup", 1234567890, -1001234567890),
            ("private_channel", 1987654321, -1001987654321),
            ("public_channel", 42, -1000000000042),
            ("private_group", 555000, -555000),
            ("personal_chat", 1002, 1002),
            ("bot_chat", 93372553, 93372553),
            ("saved_messages", 1001, 1001),
        ],
    )
    def test_bot_api_form(self, chat_type: str, bare_id: int, expected: int) -> None:
        assert export_chat_id(chat_type, bare_id) == expected

    def test_already_signed_id_is_kept(self) -> None:
        assert export_chat_id("private_supergroup", -1001234567890) == -1001234567890

    @pytest.mark.parametrize(
        ("chat_type", "bare_id"),
        [("mystery", 5), ("personal_chat", 0), ("personal_chat", "12"), ("personal_chat", True)],
    )
    def test_rejects(self, chat_type: str, bare_id: object) -> None:
        with pytest.raises(MalformedMessage):
            export_chat_id(chat_type, bare_id)


class TestPeers:
    def test_export_keys(self) -> None:
        assert parse_peer_key("user1001", "Alice") == Peer(PeerKind.USER, 1001, "Alice")
        assert parse_peer_key("channel777").bot_api_id == -1000000000777
        assert parse_peer_key("chat555000").bot_api_id == -555000

    @pytest.mark.parametrize("value", ["user", "userabc", "robot12", "user-5", 1001, None, "user0"])
    def test_bad_keys(self, value: object) -> None:
        with pytest.raises(MalformedMessage):
            parse_peer_key(value)

    @pytest.mark.parametrize(
        ("bot_api_id", "key"),
        [(1001, "user1001"), (-555000, "chat555000"), (-1001234567890, "channel1234567890")],
    )
    def test_bot_api_ids_round_trip(self, bot_api_id: int, key: str) -> None:
        peer = peer_from_bot_api_id(bot_api_id)
        assert peer.key == key
        assert peer.bot_api_id == bot_api_id
        assert parse_peer_key(key).bot_api_id == bot_api_id
