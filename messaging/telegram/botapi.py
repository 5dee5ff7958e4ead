"""Bot API ``Update`` objects -> the neutral shapes (pure).

Handled kinds (https://core.telegram.org/bots/api#update): ``message``,
``edited_message``, ``channel_post``, ``edited_channel_post`` (a ``Message``),
``message_reaction`` (``MessageReactionUpdated``: one user's reactions before
and after) and ``message_reaction_count`` (``MessageReactionCountUpdated``:
anonymous totals, sent for channels). Any other kind parses to an update
without a payload, which the webhook acknowledges and ignores.

A ``Message``'s ids are already in the Bot API form the mapping table uses;
its entities are already counted in UTF-16 code units.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeGuard

from messaging.telegram.ids import Peer, peer_from_bot_api_id
from messaging.telegram.media import bot_api_attachments, message_type_for
from messaging.telegram.reactions import bot_api_reaction_keys
from messaging.telegram.service import bot_api_service_event, describe_service, full_name
from messaging.telegram.text import bot_api_text
from messaging.telegram.types import MalformedMessage, TelegramMessage

MESSAGE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post")
EDIT_KINDS = frozenset({"edited_message", "edited_channel_post"})


@dataclass(frozen=True, slots=True)
class ReactionChange:
    """One reactor's reactions on a message changed from ``old`` to ``new``."""

    chat_id: int
    message_id: int
    reactor: Peer
    date: datetime
    old: list[str]
    new: list[str]

    @property
    def added(self) -> list[str]:
        return [key for key in self.new if key not in self.old]

    @property
    def removed(self) -> list[str]:
        return [key for key in self.old if key not in self.new]


@dataclass(frozen=True, slots=True)
class ReactionTotals:
    """The anonymous reaction counts of a message, as they now stand."""

    chat_id: int
    message_id: int
    date: datetime
    counts: dict[str, int]


Payload = TelegramMessage | ReactionChange | ReactionTotals


@dataclass(frozen=True, slots=True)
class ParsedUpdate:
    update_id: int
    kind: str | None  # None: a kind this bridge does not handle
    payload: Payload | None = None

    @property
    def is_edit(self) -> bool:
        return self.kind in EDIT_KINDS


def parse_update(raw: object) -> ParsedUpdate:
    """Parses an ``Update``; raises ``MalformedMessage`` when a handled kind is malformed."""
    if not isinstance(raw, dict):
        raise MalformedMessage("an Update must be a JSON object")
    update_id = raw.get("update_id")
    if not _is_int(update_id) or update_id < 0:
        raise MalformedMessage("update_id must be a non-negative integer")
    for kind in MESSAGE_KINDS:
        if kind in raw:
            return ParsedUpdate(update_id, kind, parse_bot_message(raw[kind]))
    if "message_reaction" in raw:
        return ParsedUpdate(
            update_id, "message_reaction", _reaction_change(raw["message_reaction"])
        )
    if "message_reaction_count" in raw:
        totals = _reaction_totals(raw["message_reaction_count"])
        return ParsedUpdate(update_id, "message_reaction_count", totals)
    return ParsedUpdate(update_id, None)


def parse_bot_message(raw: object) -> TelegramMessage:
    """A Bot API ``Message`` as a ``TelegramMessage``."""
    if not isinstance(raw, dict):
        raise MalformedMessage("a Message must be a JSON object")
    chat_id = _chat_id(raw)
    message_id = _positive(raw.get("message_id"), "message_id")
    sender = _sender(raw)
    attachments = bot_api_attachments(raw)
    event = bot_api_service_event(raw)
    edit_date = raw.get("edit_date")
    common: dict[str, Any] = {
        "chat_id": chat_id,
        "message_id": message_id,
        "date": _unix(raw.get("date"), "date"),
        "sender": sender,
        "attachments": attachments,
        "edited_at": None if edit_date is None else _unix(edit_date, "edit_date"),
    }
    if event is not None:
        pinned = raw.get("pinned_message")
        return TelegramMessage(
            text=describe_service(event, sender.name if sender else None),
            message_type="system",
            reply_to_message_id=_linked_id(pinned, chat_id),
            **common,
        )
    if "text" in raw:
        formatted = bot_api_text(raw.get("text"), raw.get("entities"))
    else:
        formatted = bot_api_text(raw.get("caption"), raw.get("caption_entities"))
    return TelegramMessage(
        text=formatted.text,
        entities=formatted.entities,
        message_type=message_type_for(attachments),
        reply_to_message_id=_linked_id(raw.get("reply_to_message"), chat_id),
        mentioned=formatted.mentioned,
        **common,
    )


def _chat_id(raw: dict[str, Any]) -> int:
    chat = raw.get("chat")
    if not isinstance(chat, dict) or not _is_int(chat.get("id")) or chat["id"] == 0:
        raise MalformedMessage("chat.id must be a non-zero integer")
    return int(chat["id"])


def _sender(raw: dict[str, Any]) -> Peer | None:
    # sender_chat (a channel's post, an anonymous admin) names the real author;
    # "from" is then a placeholder bot account.
    sender_chat = raw.get("sender_chat")
    if isinstance(sender_chat, dict) and _is_int(sender_chat.get("id")):
        return peer_from_bot_api_id(sender_chat["id"], sender_chat.get("title"))
    user = raw.get("from")
    if isinstance(user, dict) and _is_int(user.get("id")) and user["id"] > 0:
        return peer_from_bot_api_id(user["id"], full_name(user))
    return None


def _linked_id(linked: object, chat_id: int) -> int | None:
    """The id of a replied-to or pinned ``Message`` of the same chat."""
    if not isinstance(linked, dict):
        return None
    linked_chat = linked.get("chat")
    if isinstance(linked_chat, dict) and linked_chat.get("id") not in (None, chat_id):
        return None
    return _positive(linked.get("message_id"), "reply_to_message.message_id")


def _reaction_change(raw: object) -> ReactionChange:
    if not isinstance(raw, dict):
        raise MalformedMessage("message_reaction must be an object")
    user = raw.get("user")
    actor_chat = raw.get("actor_chat")
    if isinstance(user, dict) and _is_int(user.get("id")):
        reactor = peer_from_bot_api_id(user["id"], full_name(user))
    elif isinstance(actor_chat, dict) and _is_int(actor_chat.get("id")):
        reactor = peer_from_bot_api_id(actor_chat["id"], actor_chat.get("title"))
    else:
        raise MalformedMessage("message_reaction needs a user or an actor_chat")
    return ReactionChange(
        chat_id=_chat_id(raw),
        message_id=_positive(raw.get("message_id"), "message_id"),
        reactor=reactor,
        date=_unix(raw.get("date"), "date"),
        old=bot_api_reaction_keys(raw.get("old_reaction")),
        new=bot_api_reaction_keys(raw.get("new_reaction")),
    )


def _reaction_totals(raw: object) -> ReactionTotals:
    if not isinstance(raw, dict) or not isinstance(raw.get("reactions"), list):
        raise MalformedMessage("message_reaction_count needs a reactions list")
    counts: dict[str, int] = {}
    for item in raw["reactions"]:
        if not isinstance(item, dict) or not _is_int(item.get("total_count")):
            raise MalformedMessage(f"a ReactionCount needs type and total_count: {item!r}")
        for key in bot_api_reaction_keys([item.get("type")]):  # none for an unknown kind
            counts[key] = max(0, item["total_count"])
    return ReactionTotals(
        chat_id=_chat_id(raw),
        message_id=_positive(raw.get("message_id"), "message_id"),
        date=_unix(raw.get("date"), "date"),
        counts=counts,
    )


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _positive(value: object, name: str) -> int:
    if not _is_int(value) or value <= 0:
        raise MalformedMessage(f"{name} must be a positive integer, not {value!r}")
    return value


def _unix(value: object, name: str) -> datetime:
    if not _is_int(value) or value < 0:
        raise MalformedMessage(f"{name} must be a Unix time, not {value!r}")
    return datetime.fromtimestamp(value, tz=UTC)
