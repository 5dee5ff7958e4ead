"""Members who join a chat because they wrote in the chat it mirrors (Telegram senders).

Unlike ``chat``'s participant use cases, nobody adds them: a sender of a
mirrored chat is a member there, so becomes one here, as a plain member.
Like anyone added to a chat, a newcomer starts with what the chat held read.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import Max

from messaging.models import Participant, ParticipantRole, SearchEntry


def chat_member_ids(*, chat_id: uuid.UUID) -> set[int]:
    return set(Participant.objects.filter(chat_id=chat_id).values_list("user_id", flat=True))


def members_join(*, chat_id: uuid.UUID, user_ids: Iterable[int]) -> None:
    """Makes these users members (those already in the chat are left as they are)."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return
    newest = SearchEntry.objects.filter(chat_id=chat_id).aggregate(newest=Max("message_id"))[
        "newest"
    ]
    Participant.objects.bulk_create(
        [
            Participant(
                chat_id=chat_id,
                user_id=user_id,
                role=ParticipantRole.MEMBER,
                last_read_message_id=newest,
            )
            for user_id in wanted
        ],
        ignore_conflicts=True,
    )
