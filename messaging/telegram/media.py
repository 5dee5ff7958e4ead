"""Media descriptions: what a message carried, even when the file itself is not there.

WellWon stores no Telegram files; it keeps a description per attachment
(``type``, ``file_name``, ``size``, ``mime_type``, ``duration``, ``width``,
``height``...) and where the file can be found: ``path`` relative to the export
folder when Telegram Desktop saved it, ``note`` with the exporter's marker when
it did not ("(File not included. Change data exporting settings to
download.)"), ``telegram_file_id`` for a Bot API message.

Attachment types follow the export's ``media_type`` names; the Bot API's
fields are mapped onto them so a message looks the same from both sources.
"""

from __future__ import annotations

import re
from typing import Any

from messaging.telegram.types import Attachment, MalformedMessage

# Attachment type -> the message's ``message_type`` (schema: text, image, file, voice, video...).
MESSAGE_TYPES: dict[str, str] = {
    "photo": "image",
    "sticker": "sticker",
    "voice_message": "voice",
    "video_message": "video",
    "video_file": "video",
    "animation": "video",
    "audio_file": "audio",
    "file": "file",
    "contact": "contact",
    "location": "location",
    "venue": "location",
    "poll": "poll",
    "game": "game",
    "invoice": "invoice",
    "dice": "dice",
}

# The exporter's markers written instead of a path when it skipped a file.
_SKIPPED_FILE = re.compile(r"^\((?:File|Photo) (?:not included|exceeds maximum size|unavailable)")

# Bot API message field -> attachment type, in the order checked (an animation
# message carries a ``document`` too: the more specific field wins).
_BOT_API_FILES: tuple[tuple[str, str], ...] = (
    ("animation", "animation"),
    ("sticker", "sticker"),
    ("voice", "voice_message"),
    ("video_note", "video_message"),
    ("video", "video_file"),
    ("audio", "audio_file"),
    ("document", "file"),
)


def message_type_for(attachments: list[Attachment]) -> str:
    if not attachments:
        return "text"
    return MESSAGE_TYPES.get(attachments[0]["type"], "file")


def _file_location(value: object) -> dict[str, str]:
    if not isinstance(value, str) or not value:
        raise MalformedMessage(f"a file reference must be a path or a marker: {value!r}")
    if _SKIPPED_FILE.match(value):
        return {"note": value}
    return {"path": value}


def _copy(target: Attachment, source: dict[str, Any], names: dict[str, str]) -> None:
    """Copies the present, non-empty fields ``source[key]`` to ``target[names[key]]``."""
    for key, name in names.items():
        value = source.get(key)
        if value is not None and value != "":
            target[name] = value


def export_attachments(raw: dict[str, Any]) -> list[Attachment]:
    """Attachments of an exported message, from its media fields."""
    if "photo" in raw:
        photo: Attachment = {"type": "photo", **_file_location(raw["photo"])}
        _copy(photo, raw, {"photo_file_size": "size", "width": "width", "height": "height"})
        return [photo]
    if "file" in raw:
        document: Attachment = {"type": raw.get("media_type") or "file"}
        document.update(_file_location(raw["file"]))
        _copy(
            document,
            raw,
            {
                "file_name": "file_name",
                "file_size": "size",
                "mime_type": "mime_type",
                "duration_seconds": "duration",
                "width": "width",
                "height": "height",
                "performer": "performer",
                "title": "title",
                "sticker_emoji": "emoji",
            },
        )
        if "file_name" not in document and "path" in document:
            document["file_name"] = document["path"].rsplit("/", 1)[-1]
        return [document]
    return _export_non_file(raw)


def _export_non_file(raw: dict[str, Any]) -> list[Attachment]:
    if isinstance(raw.get("contact_information"), dict):
        contact: Attachment = {"type": "contact"}
        _copy(contact, raw["contact_information"], _CONTACT_FIELDS)
        return [contact]
    if "place_name" in raw or "address" in raw:
        venue: Attachment = {"type": "venue"}
        _copy(venue, raw, {"place_name": "title", "address": "address"})
        _copy(venue, raw.get("location_information") or {}, _POINT_FIELDS)
        return [venue]
    if isinstance(raw.get("location_information"), dict):
        location: Attachment = {"type": "location"}
        _copy(location, raw["location_information"], _POINT_FIELDS)
        return [location]
    if isinstance(raw.get("poll"), dict):
        poll = raw["poll"]
        answers = [a.get("text") for a in poll.get("answers") or [] if isinstance(a, dict)]
        described: Attachment = {"type": "poll", "answers": answers}
        _copy(described, poll, {"question": "question", "total_voters": "total_voters"})
        return [described]
    if "game_title" in raw:
        return [{"type": "game", "title": raw["game_title"]}]
    if isinstance(raw.get("invoice_information"), dict):
        invoice: Attachment = {"type": "invoice"}
        _copy(invoice, raw["invoice_information"], _INVOICE_FIELDS)
        return [invoice]
    return []


_CONTACT_FIELDS = {"first_name": "first_name", "last_name": "last_name", "phone_number": "phone"}
_POINT_FIELDS = {"latitude": "latitude", "longitude": "longitude"}
_INVOICE_FIELDS = {"title": "title", "amount": "amount", "currency": "currency"}


def bot_api_attachments(raw: dict[str, Any]) -> list[Attachment]:
    """Attachments of a Bot API ``Message``."""
    sizes = raw.get("photo")
    if isinstance(sizes, list) and sizes:
        largest = sizes[-1]  # PhotoSize list, smallest first
        if not isinstance(largest, dict):
            raise MalformedMessage("photo must be a list of PhotoSize objects")
        photo: Attachment = {"type": "photo"}
        _copy(photo, largest, _BOT_API_FILE_FIELDS)
        return [photo]
    for field_name, attachment_type in _BOT_API_FILES:
        media = raw.get(field_name)
        if isinstance(media, dict):
            described: Attachment = {"type": attachment_type}
            _copy(described, media, _BOT_API_FILE_FIELDS)
            if attachment_type == "video_message" and "length" in media:
                described["width"] = described["height"] = media["length"]
            return [described]
    return _bot_api_non_file(raw)


_BOT_API_FILE_FIELDS = {
    "file_id": "telegram_file_id",
    "file_name": "file_name",
    "file_size": "size",
    "mime_type": "mime_type",
    "duration": "duration",
    "width": "width",
    "height": "height",
    "performer": "performer",
    "title": "title",
    "emoji": "emoji",
}


def _bot_api_non_file(raw: dict[str, Any]) -> list[Attachment]:
    if isinstance(raw.get("contact"), dict):
        contact: Attachment = {"type": "contact"}
        _copy(contact, raw["contact"], _CONTACT_FIELDS)
        return [contact]
    if isinstance(raw.get("venue"), dict):
        venue: Attachment = {"type": "venue"}
        _copy(venue, raw["venue"], {"title": "title", "address": "address"})
        _copy(venue, raw["venue"].get("location") or {}, _POINT_FIELDS)
        return [venue]
    if isinstance(raw.get("location"), dict):
        location: Attachment = {"type": "location"}
        _copy(location, raw["location"], _POINT_FIELDS)
        return [location]
    if isinstance(raw.get("poll"), dict):
        poll = raw["poll"]
        options = poll.get("options") or []
        described: Attachment = {
            "type": "poll",
            "answers": [o.get("text") for o in options if isinstance(o, dict)],
        }
        _copy(described, poll, {"question": "question", "total_voter_count": "total_voters"})
        return [described]
    if isinstance(raw.get("dice"), dict):
        dice: Attachment = {"type": "dice"}
        _copy(dice, raw["dice"], {"emoji": "emoji", "value": "value"})
        return [dice]
    if isinstance(raw.get("game"), dict):
        return [{"type": "game", "title": raw["game"].get("title")}]
    return []
