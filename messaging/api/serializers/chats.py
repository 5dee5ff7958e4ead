"""Chats and participants: what ``/api/chats/...`` takes and answers.

``ChatSerializer`` declares its fields (the OpenAPI schema and the browsable API
take their shape from them) but builds a chat's JSON by hand in
``chat_representation``, as ``MessageSerializer`` does for messages: DRF's
nested serializers (one ``LastMessageSerializer`` per chat, each deep-copying
its fields) cost about a third of the chat list's CPU. A test keeps the two in
step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from messaging.api.fields import SnowflakeField, UTCDateTimeField, format_utc
from messaging.api.serializers.users import UserSerializer
from messaging.models import Chat, ChatType, ParticipantRole
from messaging.selectors.previews import MessagePreview
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

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if isinstance(instance, Chat):
            return chat_representation(instance, self.context)
        data: dict[str, Any] = super().to_representation(instance)
        return data


def chat_representation(chat: Chat, context: Mapping[str, Any]) -> dict[str, Any]:
    """``ChatSerializer``'s output for an annotated chat, field for field, without DRF."""
    preview = context.get("last_messages", {}).get(chat.pk)
    annotated: Any = chat  # role, unread_count, ...: annotations of ``chats_of_user``
    return {
        "id": str(chat.pk),
        "name": chat.name,
        "type": str(chat.type),
        "role": _text(annotated.role),
        "unread_count": _integer(annotated.unread_count),
        "last_read_message_id": _text(annotated.last_read_message_id),
        "muted": _boolean(annotated.muted),
        "last_message": None if preview is None else _last_message(preview),
        "participant_count": _integer(annotated.participant_count),
        "message_count": int(context.get("message_counts", {}).get(chat.pk, 0)),
        "archived": chat.archived,
        "telegram_chat_id": chat.telegram_chat_id,
        "created_at": format_utc(chat.created_at),
        "updated_at": format_utc(chat.updated_at),
    }


def _last_message(preview: MessagePreview) -> dict[str, Any]:
    sender = preview.sender
    return {
        "id": str(preview.id),
        "content": preview.content,
        "sender": {
            "id": sender.id,
            "username": sender.username,
            "display_name": sender.display_name,
        },
        "created_at": None if preview.created_at is None else format_utc(preview.created_at),
        "deleted": preview.deleted,
    }


# DRF's rule for a declared field: None stays None, anything else is converted.
def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _integer(value: Any) -> int | None:
    return None if value is None else int(value)


def _boolean(value: Any) -> bool | None:
    return None if value is None else bool(value)


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
