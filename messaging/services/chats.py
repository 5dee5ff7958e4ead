"""Use cases of chats and their membership (PostgreSQL only).

Role rules, in one place:
- the creator of a chat is its ``owner``; the people named at creation are members;
- owners and admins rename the chat and add people; only the owner archives it,
  and only the owner grants the admin role (nobody is made owner by being added);
- owners and admins remove members, admins cannot remove the owner or other
  admins unless they are the owner; anyone may leave, except the owner, who
  archives the chat instead (a chat always has its owner);
- a direct chat is exactly two people and never changes membership;
- people are added to an existing chat only if the actor can reach them (an active
  account sharing a chat with the actor); an id of nobody, of a stranger or of a
  deactivated account gets one and the same answer, so adding ids maps nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max

from messaging import events
from messaging.models import (
    Chat,
    ChatType,
    Participant,
    ParticipantRole,
    SearchEntry,
    direct_pair_key,
)
from messaging.selectors.chats import users_sharing_a_chat
from messaging.services.errors import (
    AlreadyDone,
    InvalidInput,
    NotPermitted,
    ParticipantNotFound,
)
from messaging.services.followers import mirror_chat_metadata


@dataclass(frozen=True)
class ChatOpened:
    chat: Chat
    created: bool  # False: the pair's direct chat existed and is answered instead


def chat_create(*, creator: Any, name: str, type: str, participant_ids: Sequence[int] = ()) -> Chat:
    """``chat_open`` for callers that need only the chat (the Telegram bridge)."""
    return chat_open(creator=creator, name=name, type=type, participant_ids=participant_ids).chat


def chat_open(
    *, creator: Any, name: str, type: str, participant_ids: Sequence[int] = ()
) -> ChatOpened:
    """Creates a chat with its creator as owner and the named users as members.

    A pair of people has one direct chat: opening it again (either of them, any
    name) answers the existing one, archived or not. PostgreSQL's unique
    ``direct_pair`` decides a race, so the loser answers the winner's chat.
    """
    others = sorted({int(uid) for uid in participant_ids} - {creator.pk})
    if type == ChatType.DIRECT and len(others) != 1:
        raise InvalidInput("participants", "A direct chat has exactly one other participant.")
    active = get_user_model().objects.filter(pk__in=others, is_active=True)
    found = set(active.values_list("pk", flat=True))
    missing = [uid for uid in others if uid not in found]
    if missing:
        raise InvalidInput("participants", f"No such user: {', '.join(map(str, missing))}.")
    pair = direct_pair_key(creator.pk, others[0]) if type == ChatType.DIRECT else ""
    existing = Chat.objects.filter(direct_pair=pair).first() if pair else None
    if existing is not None:
        return ChatOpened(chat=existing, created=False)
    try:
        with transaction.atomic():
            chat = Chat.objects.create(name=name, type=type, created_by=creator, direct_pair=pair)
            Participant.objects.bulk_create(
                [Participant(chat=chat, user=creator, role=ParticipantRole.OWNER)]
                + [
                    Participant(chat=chat, user_id=uid, role=ParticipantRole.MEMBER)
                    for uid in others
                ]
            )
    except IntegrityError:
        if not pair:
            raise
        return ChatOpened(chat=Chat.objects.get(direct_pair=pair), created=False)
    mirror_chat_metadata(chat=chat)
    events.chat_joined(chat.pk, users=[creator.pk, *others])
    return ChatOpened(chat=chat, created=True)


def chat_update(
    *, actor: Participant, name: str | None = None, archived: bool | None = None
) -> Chat:
    """Renames and/or (un)archives a chat; archiving is the owner's alone."""
    chat = actor.chat
    if not actor.can_manage:
        raise NotPermitted("Only the chat's owner or admins can change it.")
    if archived is not None and archived != chat.archived and actor.role != ParticipantRole.OWNER:
        raise NotPermitted("Only the chat's owner can archive or unarchive it.")
    fields = ["updated_at"]
    if name is not None:
        chat.name = name
        fields.append("name")
    if archived is not None:
        chat.archived = archived
        fields.append("archived")
    chat.save(update_fields=fields)
    if name is not None:
        mirror_chat_metadata(chat=chat)
    events.chat_updated(chat)
    return chat


def chat_archive(*, actor: Participant) -> Chat:
    """``DELETE`` of a chat: archived, never dropped (its messages stay in CQL)."""
    if actor.role != ParticipantRole.OWNER:
        raise NotPermitted("Only the chat's owner can archive it.")
    return chat_update(actor=actor, archived=True)


def participant_set_muted(*, participant: Participant, muted: bool) -> Participant:
    """Mutes or unmutes the chat for this participant only (clients stop notifying)."""
    if participant.muted != muted:
        participant.muted = muted
        participant.save(update_fields=["muted"])
        events.chat_updated(participant.chat, users=[participant.user_id])
    return participant


def participant_add(
    *, actor: Participant, user_id: int, role: str = ParticipantRole.MEMBER
) -> Participant:
    """Adds a user; the newcomer starts with the history already read (unread 0)."""
    chat = actor.chat
    if not actor.can_manage:
        raise NotPermitted("Only the chat's owner or admins can add participants.")
    if role == ParticipantRole.OWNER:
        raise InvalidInput("role", "A chat has one owner; add people as admin or member.")
    if role == ParticipantRole.ADMIN and actor.role != ParticipantRole.OWNER:
        raise NotPermitted("Only the chat's owner can make admins.")
    if chat.type == ChatType.DIRECT:
        raise InvalidInput("user", "A direct chat cannot take more participants.")
    if not _reachable(actor, user_id):
        raise InvalidInput("user", UNREACHABLE)
    newest = SearchEntry.objects.filter(chat=chat).aggregate(m=Max("message_id"))["m"]
    try:
        with transaction.atomic():
            added = Participant.objects.create(
                chat=chat, user_id=user_id, role=role, last_read_message_id=newest
            )
    except IntegrityError:
        raise AlreadyDone("This user is already a participant.") from None
    events.chat_joined(chat.pk, users=[user_id])
    return added


UNREACHABLE = "No user with this id that you can add: add people who share a chat with you."


def _reachable(actor: Participant, user_id: int) -> bool:
    if user_id not in users_sharing_a_chat(actor.user_id, [user_id]):
        return False
    return get_user_model().objects.filter(pk=user_id, is_active=True).exists()


def participant_remove(*, actor: Participant, user_id: int) -> None:
    """Removes a participant, or lets the actor leave (``user_id`` = the actor)."""
    chat = actor.chat
    if chat.type == ChatType.DIRECT:
        raise InvalidInput("user", "Nobody leaves a direct chat; archive it instead.")
    leaving = user_id == actor.user_id
    if leaving:
        if actor.role == ParticipantRole.OWNER:
            raise InvalidInput("user", "The owner cannot leave; archive the chat instead.")
        actor.delete()
        events.chat_left(chat.pk, user_id=user_id)
        return
    if not actor.can_manage:
        raise NotPermitted("Only the chat's owner or admins can remove participants.")
    target = Participant.objects.filter(chat=chat, user_id=user_id).first()
    if target is None:
        raise ParticipantNotFound()
    if target.role != ParticipantRole.MEMBER and actor.role != ParticipantRole.OWNER:
        raise NotPermitted("Only the chat's owner can remove the owner or admins.")
    if target.role == ParticipantRole.OWNER:
        raise InvalidInput("user", "The owner cannot be removed.")
    target.delete()
    events.chat_left(chat.pk, user_id=user_id)
