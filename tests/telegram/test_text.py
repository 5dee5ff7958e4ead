"""Text and entities: the export's parts and the Bot API's offsets, in UTF-16 code units."""

from __future__ import annotations

import pytest

from messaging.telegram.ids import Peer, PeerKind
from messaging.telegram.text import bot_api_text, export_text, utf16_length
from messaging.telegram.types import MalformedMessage


def _slice(text: str, entity: dict[str, object]) -> str:
    """The entity's text, cut by UTF-16 offsets as a Telegram client would."""
    units = text.encode("utf-16-le")
    start, length = int(entity["offset"]), int(entity["length"])  # type: ignore[call-overload]
    return units[2 * start : 2 * (start + length)].decode("utf-16-le")


def test_utf16_length_counts_astral_emoji_twice() -> None:
    assert utf16_length("abc") == 3
    assert utf16_length("👋") == 2
    assert utf16_length("é") == 1


class TestExportText:
    def test_plain_string(self) -> None:
        result = export_text("Hello everyone!")
        assert result.text == "Hello everyone!"
        assert result.entities == []

    def test_mixed_list_offsets_after_emoji(self) -> None:
        parts = [
            "Hi ",
            {"type": "bold", "text": "Alice"},
            " 👋 see ",
            {"type": "text_link", "text": "the docs", "href": "https://example.com/docs"},
        ]
        result = export_text(parts)
        assert result.text == "Hi Alice 👋 see the docs"
        bold, link = result.entities
        assert bold == {"type": "bold", "offset": 3, "length": 5}
        # 16 in UTF-16 units, though the link starts at Python index 15.
        assert link == {
            "type": "text_link",
            "offset": 16,
            "length": 8,
            "url": "https://example.com/docs",
        }
        assert result.text.index("the docs") == 15
        assert _slice(result.text, link) == "the docs"

    def test_text_entities_win_over_text(self) -> None:
        result = export_text(
            "ignored", [{"type": "plain", "text": "a "}, {"type": "italic", "text": "b"}]
        )
        assert result.text == "a b"
        assert result.entities == [{"type": "italic", "offset": 2, "length": 1}]

    def test_entity_extras(self) -> None:
        result = export_text(
            [
                {"type": "pre", "text": "x = 1", "language": "python"},
                {"type": "mention_name", "text": "Bob", "user_id": 1002},
                {"type": "custom_emoji", "text": "🔥", "document_id": "5420315771991497307"},
                {"type": "blockquote", "text": "q", "collapsed": True},
                {"type": "link", "text": "https://x.org"},
                {"type": "phone", "text": "+1 555"},
                {"type": "unknown", "text": "?"},
            ]
        )
        types = [e["type"] for e in result.entities]
        assert types == [
            "pre",
            "text_mention",
            "custom_emoji",
            "expandable_blockquote",
            "url",
            "phone_number",
        ]
        assert result.entities[0]["language"] == "python"
        assert result.entities[1]["user_id"] == 1002
        assert result.entities[2] == {
            "type": "custom_emoji",
            "offset": 8,
            "length": 2,
            "custom_emoji_id": "5420315771991497307",
        }
        assert result.mentioned == [Peer(PeerKind.USER, 1002)]

    def test_empty(self) -> None:
        assert export_text("", []).text == ""
        assert export_text(None).text == ""

    @pytest.mark.parametrize(
        ("text", "entities"),
        [
            (42, None),
            ([{"type": "bold"}], None),
            ([7], None),
            ("x", "not a list"),
            ([{"type": "mention_name", "text": "Bob"}], None),
        ],
    )
    def test_malformed(self, text: object, entities: object) -> None:
        with pytest.raises(MalformedMessage):
            export_text(text, entities)


class TestBotApiText:
    def test_offsets_kept_and_checked(self) -> None:
        text = "🎉 Released v2.0"
        result = bot_api_text(text, [{"type": "bold", "offset": 3, "length": 8}])
        assert _slice(result.text, result.entities[0]) == "Released"

    def test_text_mention_and_extras(self) -> None:
        result = bot_api_text(
            "Bob see",
            [
                {"type": "text_mention", "offset": 0, "length": 3, "user": {"id": 1002}},
                {"type": "text_link", "offset": 4, "length": 3, "url": "https://x.org"},
            ],
        )
        assert result.entities[0]["user_id"] == 1002
        assert result.entities[1]["url"] == "https://x.org"
        assert result.mentioned == [Peer(PeerKind.USER, 1002)]

    def test_whole_text_with_astral_emoji_fits(self) -> None:
        result = bot_api_text("👋a", [{"type": "bold", "offset": 0, "length": 3}])
        assert _slice(result.text, result.entities[0]) == "👋a"

    @pytest.mark.parametrize(
        "entities",
        [
            [{"type": "bold", "offset": 2, "length": 2}],  # past the 3 UTF-16 units
            [{"type": "bold", "offset": -1, "length": 1}],
            [{"offset": 0, "length": 1}],
            "bold",
        ],
    )
    def test_out_of_range_or_malformed(self, entities: object) -> None:
        with pytest.raises(MalformedMessage):
            bot_api_text("👋a", entities)
