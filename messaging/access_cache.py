"""What is cached of who may see what: memberships, chats and profiles.

Every chat-scoped request starts with the caller's membership, and every page
of messages shows its senders' profiles; both come from PostgreSQL rows that
change rarely. They are cached in Redis (``messaging.caching``: tombstones, a
PostgreSQL fallback, ``AUTH_CACHE_TTL``) and forgotten here, through one
function per kind of row, whatever path changes the row: the receivers below
route every ``save()`` and ``delete()`` of a participant, a chat or a user to
them.

What is cached is what decides access and display, never the counters that
the follower code updates in bulk: a cached participant has its read position
and unread count deferred, a cached chat its ``updated_at`` (Django loads a
deferred field from PostgreSQL when it is read).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from messaging.caching import InvalidatingCache
from messaging.models import Chat, Participant

# Keys: membership_key -> Participant (without its chat), chat_key -> Chat,
# profile_key -> UserProfile; one namespace, so a request's lookups share a round trip.
access = InvalidatingCache("access")

PARTICIPANT_FIELDS = ("id", "chat", "user", "role", "joined_at", "muted")
CHAT_FIELDS = (
    "id",
    "name",
    "type",
    "created_by",
    "created_at",
    "archived",
    "telegram_chat_id",
    "direct_pair",
)
# Written by the followers on every message (``QuerySet.update`` and ``save(update_fields)``):
# never cached, so their changes need no forgetting.
_COUNTERS = frozenset({"last_read_message_id", "unread_count", "updated_at"})


def membership_key(chat_id: uuid.UUID, user_id: int) -> str:
    return f"m:{chat_id}:{user_id}"


def chat_key(chat_id: uuid.UUID) -> str:
    return f"c:{chat_id}"


def profile_key(user_id: int) -> str:
    return f"p:{user_id}"


def membership_changed(*, chat_id: uuid.UUID, user_id: int) -> None:
    """A participant joined, left, or changed role or mute: every process reads it again."""
    access.forget([membership_key(chat_id, user_id)])


def chat_changed(*, chat_id: uuid.UUID) -> None:
    """A chat was renamed, archived or deleted: every process reads it again."""
    access.forget([chat_key(chat_id)])


def profile_changed(*, user_id: int) -> None:
    """A user's name changed or the account is gone: every process reads the profile again."""
    access.forget([profile_key(user_id)])


def _changed(created: bool = False, update_fields: Any = None, **kwargs: Any) -> bool:
    """False for a new row (nothing of it can be cached yet) or a counters-only save."""
    return not created and not (update_fields is not None and set(update_fields) <= _COUNTERS)


def _participant_changed(sender: Any, instance: Participant, **kwargs: Any) -> None:
    if _changed(**kwargs):
        membership_changed(chat_id=instance.chat_id, user_id=instance.user_id)


def _chat_changed(sender: Any, instance: Chat, **kwargs: Any) -> None:
    if _changed(**kwargs):
        chat_changed(chat_id=instance.pk)


def _user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if _changed(**kwargs):
        profile_changed(user_id=instance.pk)


def connect_receivers() -> None:
    """Routes every save and delete of the cached rows here (``MessagingConfig.ready``).

    Connected per model: a receiver of every model's ``post_delete`` would stop
    Django's fast bulk deletes everywhere.
    """
    for model, changed in (
        (Participant, _participant_changed),
        (Chat, _chat_changed),
        (get_user_model(), _user_changed),
    ):
        for signal in (post_save, post_delete):
            signal.connect(changed, sender=model, dispatch_uid=f"access-cache-{model.__name__}")
