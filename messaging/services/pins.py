"""Pins: anyone in a direct chat or group, only owners and admins in a channel; none
change in an archived chat."""

from __future__ import annotations

from messaging import events
from messaging.errors import InvalidInput, MessageNotFound, MessageNotFoundInChat, NotPermitted
from messaging.models import ChatType, Participant
from messaging.repository.data import Pin
from messaging.services.read_only import check_chat_writable
from messaging.stores import message_repo


def _check_can_pin(participant: Participant) -> None:
    check_chat_writable(participant)
    if participant.chat.type == ChatType.CHANNEL and not participant.can_manage:
        raise NotPermitted("Only the channel's owner and admins pin messages.")


def pin_add(*, participant: Participant, message_id: int) -> Pin:
    """Pins a live message of this chat (pinning again moves it to the top)."""
    _check_can_pin(participant)
    try:
        pin = message_repo().pin_message(participant.chat_id, message_id, participant.user_id)
    except MessageNotFound:  # deleted ones included: a body field, so a 400
        raise InvalidInput("message_id", "No such message in this chat.") from None
    events.pin_added(participant=participant, pin=pin)
    return pin


def pin_remove(*, participant: Participant, message_id: int) -> None:
    _check_can_pin(participant)
    if not message_repo().unpin_message(participant.chat_id, message_id):
        raise MessageNotFoundInChat("This message is not pinned.")
    events.pin_removed(participant=participant, message_id=message_id)
