"""Reactions: one per user and emoji on a message, counted once."""

from __future__ import annotations

from messaging.models import Participant
from messaging.selectors.messages import stored_message
from messaging.stores import message_repo


def reaction_add(*, participant: Participant, message_id: int, emoji: str) -> bool:
    """True if the reaction is new; False if I already had it (counted once either way).

    The repository refuses a message that does not exist or was deleted
    (``MessageNotFound`` -> 404) and an emoji it cannot take (-> 400).
    """
    return message_repo().add_reaction(participant.chat_id, message_id, participant.user_id, emoji)


def reaction_remove(*, participant: Participant, message_id: int, emoji: str) -> bool:
    """Takes my reaction back; False if I had none (still a success: nothing to undo)."""
    stored_message(chat_id=participant.chat_id, message_id=message_id)  # 404 for other chats
    return message_repo().remove_reaction(
        participant.chat_id, message_id, participant.user_id, emoji
    )
