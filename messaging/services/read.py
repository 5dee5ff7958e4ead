"""Marking a chat read up to a message; read positions never move backwards."""

from __future__ import annotations

from messaging import events
from messaging.errors import InvalidInput
from messaging.models import Participant
from messaging.services.followers import mirror_read_position
from messaging.services.ledger import chat_ledger
from messaging.services.unread import read_position_advance
from messaging.stores import message_repo


def mark_read(*, participant: Participant, message_id: int) -> Participant:
    """Moves my read position to ``message_id`` if that is forward; recounts my unread.

    The message must be one of this chat's (deleted ones count: a client may
    have seen it before it was deleted). PostgreSQL holds the authoritative
    position (unread counts derive from it); CQL gets a copy.
    """
    if message_repo().get_message(participant.chat_id, message_id, fresh=True) is None:
        raise InvalidInput("message_id", "No such message in this chat.")
    with chat_ledger(participant.chat_id):
        read_position_advance(participant=participant, message_id=message_id)
    mirror_read_position(
        chat_id=participant.chat_id,
        user_id=participant.user_id,
        message_id=message_id
        if participant.last_read_message_id is None
        else participant.last_read_message_id,
    )
    events.read_updated(participant)
    return participant
