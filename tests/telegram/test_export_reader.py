"""The streaming export reader: both export shapes, positions, and shape errors."""

from __future__ import annotations

import io

import pytest

from messaging.telegram.export import CountingReader, MalformedExport, iter_export
from tests.telegram.conftest import FIXTURES


def _read(data: bytes) -> list:  # type: ignore[type-arg]
    return list(iter_export(io.BytesIO(data)))


def test_single_chat_export() -> None:
    with (FIXTURES / "supergroup_export.json").open("rb") as stream:
        records = list(iter_export(stream))
    assert [r.raw["id"] for r in records] == list(range(1, 15))
    chat = records[0].chat
    assert (chat.name, chat.type, chat.bare_id) == ("Team chat", "private_supergroup", 1234567890)
    assert chat.chat_id == -1001234567890
    assert not chat.is_broadcast
    assert records[3].position == "chat 'Team chat' (-1001234567890) messages[3]"


def test_account_export_reads_chats_and_left_chats() -> None:
    with (FIXTURES / "account_export.json").open("rb") as stream:
        reader = CountingReader(stream)
        records = list(iter_export(reader))
        assert reader.bytes_read == (FIXTURES / "account_export.json").stat().st_size
    chats = [(r.chat.name, r.chat.chat_id, r.raw["id"], r.index) for r in records]
    assert chats == [
        ("Bob Jones", 1002, 501, 0),
        ("Bob Jones", 1002, 502, 1),
        ("Book club", -555000, 1, 0),
        ("Book club", -555000, 2, 1),
        ("Old announcements", -1001987654321, 77, 0),
    ]
    assert records[-1].chat.is_broadcast


def test_non_object_messages_are_yielded_for_the_parser_to_reject() -> None:
    records = _read(b'{"name": "x", "type": "personal_chat", "id": 5, "messages": [7, {"id": 1}]}')
    assert [(r.index, r.raw) for r in records] == [(0, 7), (1, {"id": 1})]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not a JSON object|not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"about": "x"}', "no dialog"),
        (b"<html>", "not valid JSON"),
        (b'{"name": "x", "type": "personal_chat", "id": 5, "messages": [{"id": 1}', "not valid"),
        (b'{"name": "x", "messages": []}', "type and id precede"),
        (b'{"name": "x", "type": "nonsense", "id": 5, "messages": []}', "unknown chat type"),
    ],
)
def test_malformed_exports(data: bytes, reason: str) -> None:
    with pytest.raises(MalformedExport, match=reason):
        _read(data)


def test_records_before_a_json_error_are_delivered() -> None:
    data = b'{"name": "x", "type": "personal_chat", "id": 5, "messages": [{"id": 1}, {"id": 2}, {'
    seen = []
    with pytest.raises(MalformedExport):
        for record in iter_export(io.BytesIO(data)):
            seen.append(record.raw["id"])
    assert seen == [1, 2]
