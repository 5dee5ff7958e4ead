"""Telegram reactions as the emoji strings of WellWon's reaction tables.

Telegram has three kinds of reaction: a standard emoji, a custom emoji (a
sticker, named by its document id) and the paid star reaction. The export and
the Bot API describe them with the same ``type`` names (``emoji``,
``custom_emoji``, ``paid``); each becomes one string key.
"""

from __future__ import annotations

import contextlib
from typing import Any

from messaging.telegram.ids import Peer, parse_peer_key
from messaging.telegram.types import MalformedMessage, ReactionCount

PAID_REACTION = "paid:star"
REACTION_TYPES = frozenset({"emoji", "custom_emoji", "paid"})


def reaction_key(kind: object, emoji: object = None, custom_id: object = None) -> str:
    """``emoji`` itself, ``custom_emoji:<id>`` or ``paid:star``."""
    if kind == "emoji" and isinstance(emoji, str) and emoji:
        return emoji
    if kind == "custom_emoji" and custom_id not in (None, ""):
        return f"custom_emoji:{custom_id}"
    if kind == "paid":
        return PAID_REACTION
    raise MalformedMessage(f"not a reaction: type={kind!r}")


def export_reactions(raw: object) -> list[ReactionCount]:
    """An exported message's ``reactions``: ``[{type, count, emoji|document_id, recent?}]``."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise MalformedMessage("reactions must be a list")
    result = []
    for item in raw:
        if not isinstance(item, dict):
            raise MalformedMessage(f"a reaction must be an object: {item!r}")
        if item.get("type") not in REACTION_TYPES:
            continue  # a kind newer than this code: the message itself still imports
        count = item.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise MalformedMessage(f"a reaction needs a count: {item!r}")
        key = reaction_key(item.get("type"), item.get("emoji"), item.get("document_id"))
        reactors = tuple(_recent_reactors(item.get("recent")))
        result.append(ReactionCount(key, max(count, len(reactors)), reactors))
    return result


def _recent_reactors(recent: object) -> list[Peer]:
    """The reactors the export names; one it cannot read stays in the anonymous count."""
    if not isinstance(recent, list):
        return []
    peers = []
    for reactor in recent:
        if isinstance(reactor, dict) and reactor.get("from_id"):
            with contextlib.suppress(MalformedMessage):
                peers.append(parse_peer_key(reactor["from_id"], reactor.get("from")))
    return peers


def bot_api_reaction_keys(raw: object) -> list[str]:
    """A Bot API list of ``ReactionType`` objects as reaction keys."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise MalformedMessage("a reaction list must be a list")
    return [
        _bot_api_reaction_key(item)
        for item in raw
        if not isinstance(item, dict) or item.get("type") in REACTION_TYPES
    ]


def _bot_api_reaction_key(item: Any) -> str:
    if not isinstance(item, dict):
        raise MalformedMessage(f"a ReactionType must be an object: {item!r}")
    return reaction_key(item.get("type"), item.get("emoji"), item.get("custom_emoji_id"))
