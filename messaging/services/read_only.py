"""Archived chats are read-only: nothing in them changes until the owner unarchives.

Posting and editing check it in ``messages``; reactions, pins and typing here,
so an archived chat's reactions, pins and indicators stay as they were.
"""

from __future__ import annotations

from messaging.errors import NotPermitted
from messaging.models import Participant

ARCHIVED = "This chat is archived, so it is read-only; its owner can unarchive it."


def check_chat_writable(participant: Participant) -> None:
    if participant.chat.archived:
        raise NotPermitted(ARCHIVED)
