"""Message text and its formatting entities, from both sources, in one form.

Stored entities follow the Bot API's ``MessageEntity``: ``type``, ``offset``
and ``length`` counted in UTF-16 code units (an emoji outside the BMP is two),
plus the type's extra field. The Bot API already sends that form; the export
writes the text as a list of parts instead (``text_entities``: every part an
object ``{type, text, ...}``; the older ``text``: plain strings mixed with such
objects), so offsets are rebuilt by walking the parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeGuard

from messaging.telegram.ids import Peer, PeerKind
from messaging.telegram.types import Entity, MalformedMessage

# The export's part type -> the Bot API entity type ("plain" and "unknown" carry no entity).
EXPORT_ENTITY_TYPES: dict[str, str] = {
    "mention": "mention",
    "hashtag": "hashtag",
    "cashtag": "cashtag",
    "bot_command": "bot_command",
    "link": "url",
    "email": "email",
    "phone": "phone_number",
    "bank_card": "bank_card",
    "bold": "bold",
    "italic": "italic",
    "underline": "underline",
    "strikethrough": "strikethrough",
    "spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "text_link": "text_link",
    "mention_name": "text_mention",
    "custom_emoji": "custom_emoji",
}

# Bot API entity fields kept as they are, beside type/offset/length.
_BOT_API_EXTRAS = ("url", "language", "custom_emoji_id")


@dataclass(frozen=True, slots=True)
class FormattedText:
    text: str
    entities: list[Entity] = field(default_factory=list)
    # Users named by a text mention (a mention without a username): become ``mentions``.
    mentioned: list[Peer] = field(default_factory=list)


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, Telegram's unit for entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def export_text(text: object, text_entities: object = None) -> FormattedText:
    """Plain text and entities from an exported message's ``text``/``text_entities``."""
    if text_entities is not None:
        if not isinstance(text_entities, list):
            raise MalformedMessage("text_entities must be a list")
        parts: list[Any] = text_entities
    elif text is None:
        parts = []
    elif isinstance(text, str):
        parts = [text]
    elif isinstance(text, list):
        parts = text
    else:
        raise MalformedMessage("text must be a string or a list of strings and objects")

    chunks: list[str] = []
    entities: list[Entity] = []
    mentioned: list[Peer] = []
    offset = 0
    for part in parts:
        entity_type: object = "plain"
        if isinstance(part, str):
            chunk = part
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            chunk, entity_type = part["text"], part.get("type")
        else:
            raise MalformedMessage(f"a text part must be a string or {{type, text}}: {part!r}")
        length = utf16_length(chunk)
        bot_type = EXPORT_ENTITY_TYPES.get(entity_type) if isinstance(entity_type, str) else None
        if bot_type and length:
            entity = _export_entity(bot_type, offset, length, part)
            if entity.get("user_id") is not None:
                mentioned.append(Peer(PeerKind.USER, entity["user_id"]))
            entities.append(entity)
        chunks.append(chunk)
        offset += length
    return FormattedText("".join(chunks), entities, mentioned)


def _export_entity(bot_type: str, offset: int, length: int, part: dict[str, Any]) -> Entity:
    entity: Entity = {"type": bot_type, "offset": offset, "length": length}
    if bot_type == "text_link" and isinstance(part.get("href"), str):
        entity["url"] = part["href"]
    elif bot_type == "pre" and part.get("language"):
        entity["language"] = str(part["language"])
    elif bot_type == "custom_emoji" and part.get("document_id") is not None:
        entity["custom_emoji_id"] = str(part["document_id"])
    elif bot_type == "blockquote" and part.get("collapsed") is True:
        entity["type"] = "expandable_blockquote"
    elif bot_type == "text_mention":
        user_id = part.get("user_id")
        if isinstance(user_id, str) and user_id.isdigit():
            user_id = int(user_id)
        if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
            raise MalformedMessage(f"a mention_name part needs a user_id: {part!r}")
        entity["user_id"] = user_id
    return entity


def bot_api_text(text: object, entities: object) -> FormattedText:
    """A Bot API message's ``text``/``entities`` (or ``caption``/``caption_entities``), checked."""
    if text is None:
        return FormattedText("")
    if not isinstance(text, str):
        raise MalformedMessage("text must be a string")
    if entities is None:
        return FormattedText(text)
    if not isinstance(entities, list):
        raise MalformedMessage("entities must be a list")
    limit = utf16_length(text)
    result: list[Entity] = []
    mentioned: list[Peer] = []
    for raw in entities:
        entity = _bot_api_entity(raw, limit)
        if entity.get("user_id") is not None:
            mentioned.append(Peer(PeerKind.USER, entity["user_id"]))
        result.append(entity)
    return FormattedText(text, result, mentioned)


def _bot_api_entity(raw: object, limit: int) -> Entity:
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise MalformedMessage(f"an entity must be an object with a type: {raw!r}")
    offset, length = raw.get("offset"), raw.get("length")
    if not (_is_count(offset) and _is_count(length)) or offset + length > limit:
        raise MalformedMessage(f"entity outside the text (UTF-16 length {limit}): {raw!r}")
    entity: Entity = {"type": raw["type"], "offset": offset, "length": length}
    for name in _BOT_API_EXTRAS:
        if isinstance(raw.get(name), str):
            entity[name] = raw[name]
    user = raw.get("user")
    if isinstance(user, dict) and _is_count(user.get("id")):
        entity["user_id"] = user["id"]
    return entity


def _is_count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
