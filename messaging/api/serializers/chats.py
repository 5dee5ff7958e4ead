"""Chats and participants: what ``/api/chats/...`` takes and answers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from messaging.api.fields import SnowflakeField, UTCDateTimeField
from messaging.api.serializers.users import UserSerializer
from messaging.models import ChatType, ParticipantRole
from messaging.selectors.users import UserProfile


class LastMessageSerializer(serializers.Serializer[Any]):
    id = SnowflakeField(read_only=True)
    content = serializers.CharField(read_only=True)
    sender = UserSerializer(read_only=True)
    created_at = UTCDateTimeField()
    deleted = serializers.BooleanField(read_only=True)


class ChatSerializer(serializers.Serializer[Any]):
    """A chat as its participant sees it (role, unread, last message).

    Reads a ``Chat`` annotated by ``chats_of_user``; the last messages and
    message counts of the page come in the context (``chat_previews``),
    fetched once per page.
    """

    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    type = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True)
    unread_count = serializers.IntegerField(read_only=True)
    last_read_message_id = SnowflakeField(read_only=True, allow_null=True)
    muted = serializers.BooleanField(read_only=True)
    last_message = serializers.SerializerMethodField()
    participant_count = serializers.IntegerField(read_only=True)
    message_count = serializers.SerializerMethodField()
    archived = serializers.BooleanField(read_only=True)
    telegram_chat_id = serializers.IntegerField(read_only=True, allow_null=True)
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    @extend_schema_field(LastMessageSerializer(allow_null=True))
    def get_last_message(self, chat: Any) -> dict[str, Any] | None:
        preview = self.context.get("last_messages", {}).get(chat.pk)
        return None if preview is None else LastMessageSerializer(preview).data

    def get_message_count(self, chat: Any) -> int:
        return int(self.context.get("message_counts", {}).get(chat.pk, 0))


class ChatCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=ChatType.choices, default=ChatType.GROUP)
    participants = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=1000,
        help_text="User ids to add as members (the creator becomes the owner).",
    )


class ChatUpdateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200, required=False)
    archived = serializers.BooleanField(required=False)


class PresenceSerializer(serializers.Serializer[Any]):
    status = serializers.CharField(read_only=True)
    last_seen = UTCDateTimeField(allow_null=True)


class ParticipantSerializer(serializers.Serializer[Any]):
    """A member of a chat; ``presence`` comes from Redis (context ``presence``: id -> info)."""

    user = serializers.SerializerMethodField()
    role = serializers.CharField(read_only=True)
    joined_at = UTCDateTimeField()
    muted = serializers.BooleanField(read_only=True)
    presence = serializers.SerializerMethodField()

    @extend_schema_field(PresenceSerializer(allow_null=True))
    def get_presence(self, participant: Any) -> dict[str, Any] | None:
        info = self.context.get("presence", {}).get(participant.user_id)
        return None if info is None else PresenceSerializer(info).data

    @extend_schema_field(UserSerializer)
    def get_user(self, participant: Any) -> dict[str, Any]:
        return UserSerializer(UserProfile.of(participant.user)).data


class MuteSerializer(serializers.Serializer[Any]):
    muted = serializers.BooleanField(help_text="true: no notifications from this chat for me.")


class ParticipantAddSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField(min_value=1, help_text="The id of the user to add.")
    role = serializers.ChoiceField(
        choices=[ParticipantRole.ADMIN, ParticipantRole.MEMBER], default=ParticipantRole.MEMBER
    )
