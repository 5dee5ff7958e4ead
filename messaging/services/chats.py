"""Use cases of chats and their membership (PostgreSQL only).

Role rules, in one place:
- the creator of a chat is its ``owner``; the people named at creation are members;
- owners and admins rename the chat and add people; only the owner archives it,
  and only the owner grants the admin role (nobody is made owner by being added);
- owners and admins remove members, admins cannot remove the owner or other
  admins unless they are the owner; anyone may leave, except the owner, who
  archives the chat instead (a chat always has its owner);
- a direct chat is exactly two people and never changes membership.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max

from messaging.errors import InvalidInput, NotPermitted, ParticipantNotFound
from messaging.models import Chat, ChatType, Participant, ParticipantRole, SearchEntry
from messaging.services.followers import mirror_chat_metadata


def chat_create(*, creator: Any, name: str, type: str, participant_ids: Sequence[int] = ()) -> Chat:
    """Creates a chat with its creator as owner and the named users as members."""
    others = sorted({int(uid) for uid in participant_ids} - {creator.pk})
    if type == ChatType.DIRECT and len(others) != 1:
        raise InvalidInput("participants", "A direct chat has exactly one other participant.")
    found = set(get_user_model().objects.filter(pk__in=others).values_list("pk", flat=True))
    missing = [uid for uid in others if uid not in found]
    if missing:
        raise InvalidInput("participants", f"No such user: {', '.join(map(str, missing))}.")
    with transaction.atomic():
        chat = Chat.objects.create(name=name, type=type, created_by=creator)
        Participant.objects.bulk_create(
            [Participant(chat=chat, user=creator, role=ParticipantRole.OWNER)]
            + [Participant(chat=chat, user_id=uid, role=ParticipantRole.MEMBER) for uid in others]
        )
    mirror_chat_metadata(chat=chat)
    return chat


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
    if not get_user_model().objects.filter(pk=user_id).exists():
        raise InvalidInput("user", f"No such user: {user_id}.")
    newest = SearchEntry.objects.filter(chat=chat).aggregate(m=Max("message_id"))["m"]
    try:
        with transaction.atomic():
            return Participant.objects.create(
                chat=chat, user_id=user_id, role=role, last_read_message_id=newest
            )
    except IntegrityError:
        raise InvalidInput("user", "This user is already a participant.") from None


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
