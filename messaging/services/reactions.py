"""Reactions: one per user and emoji on a message, counted once."""

from __future__ import annotations

from messaging import events
from messaging.models import Participant
from messaging.selectors.messages import stored_message
from messaging.services.reaction_rules import check_reaction
from messaging.services.read_only import check_chat_writable
from messaging.stores import message_repo


def reaction_add(*, participant: Participant, message_id: int, emoji: str) -> bool:
    """True if the reaction is new; False if I already had it (counted once either way).

    The repository refuses a message that does not exist or was deleted
    (``MessageNotFound`` -> 404) and an emoji it cannot take (-> 400).
    """
    check_chat_writable(participant)
    check_reaction(participant=participant, message_id=message_id, emoji=emoji)
    added = message_repo().add_reaction(participant.chat_id, message_id, participant.user_id, emoji)
    events.reaction_changed(participant=participant, message_id=message_id, emoji=emoji, added=True)
    return added


def reaction_remove(*, participant: Participant, message_id: int, emoji: str) -> bool:
    """Takes my reaction back; False if I had none (still a success: nothing to undo).

    The emoji is not checked: a reaction stored under older rules stays removable."""
    check_chat_writable(participant)
    # 404 for other chats
    stored_message(chat_id=participant.chat_id, message_id=message_id, fresh=True)
    removed = message_repo().remove_reaction(
        participant.chat_id, message_id, participant.user_id, emoji
    )
    events.reaction_changed(
        participant=participant, message_id=message_id, emoji=emoji, added=False
    )
    return removed
