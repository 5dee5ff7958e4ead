"""Reads of chats and participants, always from the caller's point of view.

Every chat-scoped read starts with ``participant_get``: a caller who is not a
participant gets ``ChatNotFound``, the same answer as for a chat that does not
exist, so ids of other people's chats leak nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery

from messaging.errors import ChatNotFound, ParticipantNotFound
from messaging.models import Chat, Participant


def parse_chat_id(value: Any) -> uuid.UUID:
    """A chat id from a path or body; anything that is not a UUID is simply not found."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise ChatNotFound() from None


def parse_user_id(value: str) -> int:
    """A user id from a path; anything else names no participant."""
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    raise ParticipantNotFound()


def _user_id(user: Any) -> int | None:
    if isinstance(user, int):
        return user
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.pk)


def user_is_participant(user: Any, chat_id: uuid.UUID) -> bool:
    """True if ``user`` (a user, or a user id) takes part in the chat; anonymous: False."""
    user_id = _user_id(user)
    if user_id is None:
        return False
    try:
        parsed = parse_chat_id(chat_id)
    except ChatNotFound:
        return False
    return Participant.objects.filter(chat_id=parsed, user_id=user_id).exists()


def participant_get(*, user: Any, chat_id: Any) -> Participant:
    """The caller's membership (with its chat) or ``ChatNotFound``: one query."""
    user_id = _user_id(user)
    parsed = parse_chat_id(chat_id)
    if user_id is None:
        raise ChatNotFound()
    try:
        return Participant.objects.select_related("chat").get(chat_id=parsed, user_id=user_id)
    except Participant.DoesNotExist:
        raise ChatNotFound() from None


def chats_of_user(*, user: Any, archived: bool | None = None) -> QuerySet[Chat]:
    """The user's chats, each annotated with the user's role and unread tracking.

    One SQL statement: the user's participant row is joined as a filtered
    relation and the member count is a correlated subquery, so a page of chats
    costs one query whatever its length.
    """
    user_id = _user_id(user)
    member_count = (
        Participant.objects.filter(chat=OuterRef("pk"))
        .order_by()
        .values("chat")
        .annotate(n=Count("pk"))
        .values("n")
    )
    chats = (
        Chat.objects.annotate(
            me=FilteredRelation("participants", condition=Q(participants__user_id=user_id))
        )
        .filter(me__user_id=user_id)
        .annotate(
            role=F("me__role"),
            unread_count=F("me__unread_count"),
            last_read_message_id=F("me__last_read_message_id"),
            muted=F("me__muted"),
            participant_count=Subquery(member_count),
        )
    )
    if archived is not None:
        chats = chats.filter(archived=archived)
    return chats


def chat_get(*, user: Any, chat_id: Any) -> Chat:
    """One of the user's chats with the same annotations as the list, or ``ChatNotFound``."""
    try:
        return chats_of_user(user=user).get(pk=parse_chat_id(chat_id))
    except Chat.DoesNotExist:
        raise ChatNotFound() from None


def participants_of_chat(*, chat_id: uuid.UUID) -> list[Participant]:
    """The members of a chat, owners first, then admins, then members by join time."""
    role_rank = {"owner": 0, "admin": 1, "member": 2}
    members = list(
        Participant.objects.filter(chat_id=chat_id)
        .select_related("user")
        .order_by("joined_at", "pk")
    )
    members.sort(key=lambda p: role_rank.get(p.role, 3))
    return members
