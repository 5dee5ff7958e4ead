"""One message of a Telegram Desktop JSON export -> ``TelegramMessage`` (pure).

Field names are those of tdesktop's JSON writer (``export_output_json.cpp``):
``id``, ``type`` (``message``/``service``/``unsupported``), ``date`` and
``date_unixtime``, ``edited``/``edited_unixtime``, ``from``/``from_id`` (for
service messages ``actor``/``actor_id``), ``reply_to_message_id``, ``text``
and ``text_entities``, the media fields and ``reactions``.

``date`` is the exporting machine's local time without an offset, so the time
comes from ``date_unixtime``; only exports older than that field fall back to
``date``, read in a timezone the caller names.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from messaging.telegram.ids import Peer, parse_peer_key
from messaging.telegram.media import export_attachments, message_type_for
from messaging.telegram.reactions import export_reactions
from messaging.telegram.service import describe_service, export_service_event
from messaging.telegram.text import export_text
from messaging.telegram.types import MalformedMessage, TelegramMessage, UnsupportedMessage


def parse_export_message(raw: object, *, chat_id: int, local_tz: tzinfo = UTC) -> TelegramMessage:
    """Parses one element of a dialog's ``messages`` array; raises ``MalformedMessage``."""
    if not isinstance(raw, dict):
        raise MalformedMessage("a message must be a JSON object")
    message_id = _positive_int(raw.get("id"), "id")
    kind = raw.get("type", "message")
    if kind == "unsupported":
        raise UnsupportedMessage(f"message {message_id} is of a kind the exporter cannot write")
    if kind not in ("message", "service"):
        raise MalformedMessage(f"unknown message type {kind!r}")
    date = _time(raw, "date", local_tz)
    if date is None:
        raise MalformedMessage("date_unixtime (or date) is missing")
    attachments = export_attachments(raw)
    reactions = export_reactions(raw.get("reactions"))
    if kind == "service":
        sender = _peer(raw, "actor")
        event = export_service_event(raw)
        actor = raw.get("actor")
        text = describe_service(event, actor if isinstance(actor, str) else None)
        return TelegramMessage(
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            sender=sender,
            text=text,
            message_type="system",
            attachments=attachments,
            # A pin's "message_id" names the pinned message: kept as the reply link.
            reply_to_message_id=_optional_id(raw.get("message_id"), "message_id"),
            reactions=reactions,
        )
    formatted = export_text(raw.get("text"), raw.get("text_entities"))
    return TelegramMessage(
        chat_id=chat_id,
        message_id=message_id,
        date=date,
        sender=_peer(raw, "from"),
        text=formatted.text,
        entities=formatted.entities,
        message_type=message_type_for(attachments),
        attachments=attachments,
        reply_to_message_id=_reply_to(raw),
        edited_at=_time(raw, "edited", local_tz),
        reactions=reactions,
        mentioned=formatted.mentioned,
    )


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise MalformedMessage(f"{name} must be a positive integer, not {value!r}")
    return value


def _optional_id(value: object, name: str) -> int | None:
    return None if value is None else _positive_int(value, name)


def _reply_to(raw: dict[str, Any]) -> int | None:
    # A reply to a message of another chat (``reply_to_peer_id``) cannot be linked here.
    if raw.get("reply_to_peer_id") is not None:
        return None
    return _optional_id(raw.get("reply_to_message_id"), "reply_to_message_id")


def _peer(raw: dict[str, Any], label: str) -> Peer | None:
    peer_id = raw.get(f"{label}_id")
    if peer_id is None:
        return None
    name = raw.get(label)
    return parse_peer_key(peer_id, name if isinstance(name, str) else None)


def _time(raw: dict[str, Any], label: str, local_tz: tzinfo) -> datetime | None:
    """``<label>_unixtime``, else ``<label>`` read in ``local_tz``, else None."""
    unixtime = raw.get(f"{label}_unixtime")
    if unixtime is not None:
        seconds = _positive_int(unixtime, f"{label}_unixtime")
        return datetime.fromtimestamp(seconds, tz=UTC)
    local = raw.get(label)
    if local is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(local))
    except ValueError:
        raise MalformedMessage(f"{label} is not a date: {local!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local_tz)
    return parsed.astimezone(UTC)
