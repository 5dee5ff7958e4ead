"""Chats and their participants.

A ``Chat`` row is the relational side of a CQL channel: its ``id`` is the
``channel_id`` of every message, reaction and pin of the chat. ``Participant``
carries the role that gates every chat-scoped action and the durable unread
tracking: the last message the user has read and how many messages by others,
not deleted, are newer than it (kept exact by ``messaging.services.unread``,
repairable by ``manage.py rebuild_unread``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ChatType(models.TextChoices):
    DIRECT = "direct", "Direct (two people)"
    GROUP = "group", "Group"
    CHANNEL = "channel", "Channel (only owners and admins post)"


class ParticipantRole(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"


# Roles allowed to manage a chat (rename, add or remove people, delete others' messages).
MANAGER_ROLES = frozenset({ParticipantRole.OWNER, ParticipantRole.ADMIN})


class Chat(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=16, choices=ChatType.choices, default=ChatType.GROUP)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="created_chats",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every message send, so "my chats" can be listed by recent activity.
    updated_at = models.DateTimeField(auto_now=True)
    archived = models.BooleanField(default=False)
    # The Telegram chat mirrored into this one (Bot API form, -100... for supergroups).
    telegram_chat_id = models.BigIntegerField(null=True, blank=True, unique=True)
    # A direct chat's two user ids, "<lower>:<higher>"; unique, so a pair has one direct
    # chat even when two requests race (see direct_pair_key). Empty for other types.
    direct_pair = models.CharField(max_length=41, blank=True, default="", editable=False)

    class Meta:
        ordering = ("-updated_at",)
        indexes = [models.Index(fields=["-updated_at", "id"], name="chat_recent_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["direct_pair"],
                condition=~models.Q(direct_pair=""),
                name="chat_one_direct_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.type})"


def direct_pair_key(user_id: int, other_id: int) -> str:
    """The ``direct_pair`` of two users, the same whoever opens the chat."""
    low, high = sorted((int(user_id), int(other_id)))
    return f"{low}:{high}"


class Participant(models.Model):
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_memberships"
    )
    role = models.CharField(
        max_length=16, choices=ParticipantRole.choices, default=ParticipantRole.MEMBER
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    muted = models.BooleanField(default=False)
    # Snowflake id of the newest message this user has read; null = nothing read yet.
    last_read_message_id = models.BigIntegerField(null=True, blank=True)
    unread_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chat", "user"], name="participant_unique_chat_user")
        ]
        indexes = [models.Index(fields=["user", "chat"], name="participant_user_chat_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.chat_id} ({self.role})"

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGER_ROLES
