"""Streaming reader of a Telegram Desktop JSON export (``result.json``).

Two shapes exist. "Export chat history" of one chat writes the dialog itself::

    {"name": "...", "type": "private_supergroup", "id": 1234567890, "messages": [...]}

"Export Telegram data" of a whole account writes every dialog under
``chats.list`` (and the chats one has left under ``left_chats.list``), beside
contacts, sessions and so on::

    {"about": "...", "personal_information": {...}, "chats": {"about": "...", "list": [
        {"name": "...", "type": "personal_chat", "id": 42, "messages": [...]}, ...]}}

An export can be gigabytes, so it is never loaded at once: ``ijson`` yields
parse events and one message object at a time is built from them. tdesktop
writes each dialog's ``name``, ``type`` and ``id`` before its ``messages``,
which is what lets every message be tagged with its chat as it streams by.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import ijson
from ijson.common import ObjectBuilder

from messaging.telegram.ids import EXPORT_BROADCAST_TYPES, export_chat_id
from messaging.telegram.types import MalformedMessage

# Where dialogs live: the whole document (one-chat export) or the account export's lists.
_DIALOG_PREFIXES = ("", "chats.list.item", "left_chats.list.item")


class MalformedExport(ValueError):
    """The file is not JSON, or not shaped like a Telegram Desktop export; nothing past it reads."""


@dataclass(frozen=True, slots=True)
class ExportChat:
    name: str
    type: str
    bare_id: int
    chat_id: int  # the Bot API form, the mapping table's key
    in_account_export: bool = False  # one of chats.list[] rather than a one-chat export

    @property
    def is_broadcast(self) -> bool:
        return self.type in EXPORT_BROADCAST_TYPES


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """One element of a dialog's ``messages``, not yet parsed (it may be malformed)."""

    chat: ExportChat
    index: int  # 0-based position in the dialog's messages array
    raw: Any

    @property
    def position(self) -> str:
        return f"chat {self.chat.name!r} ({self.chat.chat_id}) messages[{self.index}]"


class CountingReader:
    """A binary file wrapper that counts the bytes handed to the parser (for progress)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.bytes_read += len(data)
        return data


def iter_export(stream: BinaryIO | CountingReader) -> Iterator[ExportRecord]:
    """Yields every message of every dialog in file order; raises ``MalformedExport``."""
    try:
        yield from _records(ijson.parse(stream, use_float=True))
    except ijson.JSONError as exc:
        raise MalformedExport(f"not valid JSON: {exc}") from None


def _records(events: Iterator[tuple[str, str, Any]]) -> Iterator[ExportRecord]:
    first = next(events, None)
    if first is None or first[:2] != ("", "start_map"):
        raise MalformedExport("not a Telegram Desktop export: the file is not a JSON object")
    headers: dict[str, dict[str, Any]] = {p: {} for p in _DIALOG_PREFIXES}
    dialogs = 0
    for prefix, event, value in events:
        dialog, _, key = prefix.rpartition(".")
        if dialog in headers and key in ("name", "type", "id") and event != "map_key":
            headers[dialog][key] = value
        elif dialog in headers and key == "messages" and event == "start_array":
            chat = _chat(headers[dialog], prefix, in_account_export=bool(dialog))
            headers[dialog] = {}  # the next dialog of a list brings its own header
            dialogs += 1
            yield from _messages(events, chat, prefix + ".item")
    if not dialogs:
        raise MalformedExport(
            "not a Telegram Desktop export: no dialog with messages "
            "(expected a one-chat export or chats.list[] of an account export)"
        )


def _chat(header: dict[str, Any], prefix: str, *, in_account_export: bool) -> ExportChat:
    try:
        chat_id = export_chat_id(header.get("type"), header.get("id"))
    except MalformedMessage as exc:
        raise MalformedExport(
            f"{prefix}: {exc} (a dialog's type and id precede its messages)"
        ) from None
    name = header.get("name")
    return ExportChat(
        name=name if isinstance(name, str) else str(header.get("type")),
        type=str(header["type"]) if header.get("type") else "",
        bare_id=int(header["id"]),
        chat_id=chat_id,
        in_account_export=in_account_export,
    )


def _messages(
    events: Iterator[tuple[str, str, Any]], chat: ExportChat, item_prefix: str
) -> Iterator[ExportRecord]:
    """Builds each element of one ``messages`` array, leaving the stream after its end."""
    for index, (prefix, event, value) in enumerate(events):
        if prefix != item_prefix:
            return  # the array's own end_array
        if event in ("start_map", "start_array"):
            yield ExportRecord(chat, index, _build(events, event, item_prefix))
        else:  # a bare scalar where a message object belongs: malformed, reported by the parser
            yield ExportRecord(chat, index, value)


def _build(events: Iterator[tuple[str, str, Any]], start: str, item_prefix: str) -> Any:
    builder = ObjectBuilder()
    builder.event(start, None)
    depth = 1
    for prefix, event, value in events:
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0 and prefix == item_prefix:
                break
    return builder.value
