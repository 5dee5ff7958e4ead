"""Reads of chats and participants, always from the caller's point of view.

Every chat-scoped read starts with ``participant_get``: a caller who is not a
participant gets ``ChatNotFound``, the same answer as for a chat that does not
exist, so ids of other people's chats leak nothing.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery

from messaging import access_cache
from messaging.access_cache import chat_key, membership_key
from messaging.models import Chat, Participant
from messaging.services.errors import ChatNotFound, ParticipantNotFound


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


def users_sharing_a_chat(user: Any, user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` who take part in at least one chat with ``user``: the people
    whose presence ``user`` may see and whom ``user`` may add to a chat. One query."""
    me = _user_id(user)
    if me is None:
        return set()
    wanted = set(user_ids) - {me}
    shared = Participant.objects.filter(
        user_id__in=wanted, chat__participants__user_id=me
    ).values_list("user_id", flat=True)
    return set(shared)


def chat_is_read_only(chat_id: uuid.UUID) -> bool:
    """True for an archived chat (the presence app refuses typing in it)."""
    return Chat.objects.filter(pk=chat_id, archived=True).exists()


def participant_get(*, user: Any, chat_id: Any) -> Participant:
    """The caller's membership (with its chat) or ``ChatNotFound``.

    From the access cache when both the membership and the chat are there (one
    Redis round trip), else one PostgreSQL query that fills it. Not being a
    participant is never cached: that answer always comes from PostgreSQL.
    """
    user_id = _user_id(user)
    parsed = parse_chat_id(chat_id)
    if user_id is None:
        raise ChatNotFound()
    keys = membership_key(parsed, user_id), chat_key(parsed)
    cached = access_cache.access.get_many(keys)
    if len(cached) == len(keys):
        member: Participant = cached[keys[0]]
        member.chat = cached[keys[1]]
        return member
    try:
        participant = (
            Participant.objects.select_related("chat")
            .only(
                *access_cache.PARTICIPANT_FIELDS, *(f"chat__{f}" for f in access_cache.CHAT_FIELDS)
            )
            .get(chat_id=parsed, user_id=user_id)
        )
    except Participant.DoesNotExist:
        raise ChatNotFound() from None
    access_cache.access.fill({keys[0]: _without_chat(participant), keys[1]: participant.chat})
    return participant


def _without_chat(participant: Participant) -> Participant:
    """A copy to cache on its own: the chat is cached (and forgotten) separately."""
    alone = copy.copy(participant)
    alone._state = copy.copy(participant._state)
    alone._state.fields_cache = {}
    return alone


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
