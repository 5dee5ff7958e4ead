"""The reads a connection needs, as blocking functions (consumers call them in a thread).

Each returns JSON-ready data in the REST API's shapes, so an event shows a
message or a chat exactly as ``GET`` would show it to that user.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.settings import api_settings

from messaging.api.serializers.chats import ChatSerializer
from messaging.api.serializers.messages import message_representation
from messaging.errors import ChatNotFound
from messaging.models import Participant
from messaging.repository.data import MAX_PAGE_LIMIT, StoredMessage
from messaging.selectors.chats import chat_get
from messaging.selectors.messages import messages_hydrate, profiles_for
from messaging.selectors.previews import chat_previews
from messaging.stores import message_repo


def user_for_token(key: str) -> AbstractBaseUser | None:
    """The active user of a token, checked by the API's own token authentication class."""
    for auth_class in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if isinstance(auth_class, type) and issubclass(auth_class, TokenAuthentication):
            try:
                user, _ = auth_class().authenticate_credentials(key)
            except AuthenticationFailed:
                return None
            return user
    return None


def chat_ids_of_user(user_id: int) -> set[str]:
    return {
        str(chat_id)
        for chat_id in Participant.objects.filter(user_id=user_id).values_list("chat_id", flat=True)
    }


def profile_data(user_id: int) -> dict[str, Any]:
    profile = profiles_for([user_id])[user_id]
    return {"id": profile.id, "username": profile.username, "display_name": profile.display_name}


def message_data(message: StoredMessage) -> dict[str, Any]:
    """A message as ``GET .../messages/`` shows it, ``reactions[].me`` still false for all."""
    view = messages_hydrate(chat_id=message.channel_id, messages=[message], viewer_id=0)[0]
    return message_representation(view)


def reactions_seen_by(chat_id: str, message_id: str, user_id: int) -> list[dict[str, Any]]:
    """A message's reactions with ``me`` for ``user_id`` (an edit's event, per recipient)."""
    found = message_repo().get_reactions(uuid.UUID(chat_id), [int(message_id)], user_id=user_id)
    return [
        {"emoji": r.emoji, "count": r.count, "me": r.me} for r in found.get(int(message_id), [])
    ]


def chat_data(user: Any, chat_id: str) -> dict[str, Any] | None:
    """The chat as ``GET /api/chats/{id}/`` shows it to ``user``; None if no longer theirs."""
    try:
        chat = chat_get(user=user, chat_id=chat_id)
    except ChatNotFound:
        return None
    data: dict[str, Any] = ChatSerializer(chat, context=chat_previews(chats=[chat])).data
    return data


def messages_after(
    *, chat_id: str, after_id: int, viewer_id: int, page: int = MAX_PAGE_LIMIT
) -> Iterator[list[dict[str, Any]]]:
    """Every message newer than ``after_id``, oldest first, a page at a time (ids are offsets)."""
    channel_id = uuid.UUID(chat_id)
    while True:
        rows = message_repo().get_messages(channel_id, limit=page, after_id=after_id)
        if not rows:
            return
        views = messages_hydrate(chat_id=channel_id, messages=rows, viewer_id=viewer_id)
        yield [message_representation(view) for view in views]
        if len(rows) < page:
            return
        after_id = rows[-1].message_id


def chat_mates(user_id: int) -> dict[uuid.UUID, list[int]]:
    """The users who share a chat with ``user_id``, each under one of the shared chats."""
    mine = Participant.objects.filter(user_id=user_id).values("chat_id")
    rows = (
        Participant.objects.filter(chat_id__in=mine)
        .exclude(user_id=user_id)
        .values_list("chat_id", "user_id")
        .order_by("user_id", "chat_id")
    )
    mates: dict[uuid.UUID, list[int]] = {}
    seen: set[int] = set()
    for chat_id, mate in rows:
        if mate not in seen:
            seen.add(mate)
            mates.setdefault(chat_id, []).append(mate)
    return mates
