"""Telegram peers and chat ids, normalised so an export and the Bot API meet on one key.

Telegram has three kinds of peer: users, basic groups ("chats") and channels
(supergroups are channels too). The two sources write their ids differently:

- Telegram Desktop's export writes a chat's ``id`` as the bare peer id and a
  sender as ``"user123"``, ``"chat123"`` or ``"channel123"``;
- the Bot API writes users as ``123``, basic groups as ``-123`` and
  supergroups and channels as ``-100123`` (``-(10**12 + 123)``).

The mapping table is keyed on the Bot API form, and senders are linked to
WellWon users by the export's form (``Peer.key``), which both sources can
produce.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from messaging.telegram.types import MalformedMessage

# Bot API ids of supergroups and channels are -(CHANNEL_ID_OFFSET + bare id): "-100" + id.
CHANNEL_ID_OFFSET = 1_000_000_000_000


class PeerKind(StrEnum):
    USER = "user"
    CHAT = "chat"  # a basic group
    CHANNEL = "channel"  # a channel or a supergroup


# The export's dialog ``type`` -> the kind of peer its bare ``id`` belongs to.
EXPORT_CHAT_KINDS: dict[str, PeerKind] = {
    "personal_chat": PeerKind.USER,
    "bot_chat": PeerKind.USER,
    "saved_messages": PeerKind.USER,
    "replies": PeerKind.USER,
    "verification_codes": PeerKind.USER,
    "private_group": PeerKind.CHAT,
    "private_supergroup": PeerKind.CHANNEL,
    "public_supergroup": PeerKind.CHANNEL,
    "private_channel": PeerKind.CHANNEL,
    "public_channel": PeerKind.CHANNEL,
}

# Export types whose messages are broadcast posts (a WellWon "channel"); the rest are groups.
EXPORT_BROADCAST_TYPES = frozenset({"private_channel", "public_channel"})


@dataclass(frozen=True, slots=True)
class Peer:
    """A Telegram user, group or channel: a message's sender or a reactor."""

    kind: PeerKind
    id: int  # the bare id, always positive
    name: str | None = None

    @property
    def key(self) -> str:
        """The export's spelling (``user123``): the key of the user link table."""
        return f"{self.kind}{self.id}"

    @property
    def bot_api_id(self) -> int:
        return to_bot_api_id(self.kind, self.id)


def to_bot_api_id(kind: PeerKind, bare_id: int) -> int:
    if kind is PeerKind.USER:
        return bare_id
    if kind is PeerKind.CHAT:
        return -bare_id
    return -(CHANNEL_ID_OFFSET + bare_id)


def peer_from_bot_api_id(chat_id: int, name: str | None = None) -> Peer:
    """A Bot API chat or user id (``123``, ``-123``, ``-100123``) as a peer."""
    if chat_id > 0:
        return Peer(PeerKind.USER, chat_id, name)
    if chat_id < -CHANNEL_ID_OFFSET:
        return Peer(PeerKind.CHANNEL, -chat_id - CHANNEL_ID_OFFSET, name)
    if chat_id < 0:
        return Peer(PeerKind.CHAT, -chat_id, name)
    raise MalformedMessage("a Telegram id is never 0")


def parse_peer_key(value: object, name: str | None = None) -> Peer:
    """The export's ``from_id`` (``"user123"``, ``"channel123"``, ``"chat123"``) as a peer."""
    if isinstance(value, str):
        for kind in PeerKind:
            digits = value.removeprefix(kind.value)
            if digits != value and digits.isdigit() and int(digits) > 0:
                return Peer(kind, int(digits), name)
    raise MalformedMessage(f"not a Telegram peer id: {value!r}")


def export_chat_id(chat_type: object, bare_id: object) -> int:
    """The Bot API id of an exported dialog, from its ``type`` and bare ``id``.

    An id that is already negative is taken as written in the Bot API form
    (exports edited or produced by other tools sometimes carry it).
    """
    if isinstance(bare_id, bool) or not isinstance(bare_id, int) or bare_id == 0:
        raise MalformedMessage(f"the chat's id must be a non-zero integer, not {bare_id!r}")
    if bare_id < 0:
        return bare_id
    kind = EXPORT_CHAT_KINDS.get(chat_type) if isinstance(chat_type, str) else None
    if kind is None:
        known = ", ".join(sorted(EXPORT_CHAT_KINDS))
        raise MalformedMessage(f"unknown chat type {chat_type!r} (expected one of: {known})")
    return to_bot_api_id(kind, bare_id)
