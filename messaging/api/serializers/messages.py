"""Messages, reactions, pins, edit history and read positions (``/api/chats/{id}/...``).

Output serializers read the views built by ``messaging.selectors.messages``
(a stored CQL message joined with its sender's profile and its reactions);
they never touch a store themselves.

``MessageSerializer`` declares its fields (they give the OpenAPI schema and
the browsable API their shape) but builds a ``MessageView``'s JSON by hand in
``message_representation``: DRF's field-by-field machinery cost about 50 µs
per message, a third of a 50-message page's CPU in the benchmark
(``python -m benchmarks``). A test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from messaging.api.fields import SnowflakeField, UTCDateTimeField, format_utc
from messaging.api.serializers.users import UserSerializer
from messaging.repository.data import MAX_CONTENT_LENGTH
from messaging.selectors.messages import MessageView

# What a client may post; "system" messages are written by the server only.
POSTABLE_TYPES = ("text", "image", "file", "voice", "video", "sticker")
MAX_ATTACHMENTS = 10


class ReactionSerializer(serializers.Serializer[Any]):
    emoji = serializers.CharField(read_only=True)
    count = serializers.IntegerField(read_only=True)
    me = serializers.BooleanField(read_only=True, help_text="Whether I reacted with it.")


class TelegramRefSerializer(serializers.Serializer[Any]):
    message_id = serializers.IntegerField(read_only=True)
    chat_id = serializers.IntegerField(read_only=True)


class MessageSerializer(serializers.Serializer[Any]):
    """A message: reads a ``MessageView``."""

    id = SnowflakeField(source="message.message_id", read_only=True)
    chat_id = serializers.UUIDField(source="message.channel_id", read_only=True)
    sender = UserSerializer(read_only=True)
    content = serializers.CharField(source="message.content", read_only=True)
    type = serializers.CharField(source="message.message_type", read_only=True)
    source = serializers.CharField(source="message.source", read_only=True)  # type: ignore[assignment]
    reply_to = SnowflakeField(source="message.reply_to_id", read_only=True, allow_null=True)
    attachments = serializers.ListField(
        source="message.attachments", child=serializers.DictField(), read_only=True
    )
    mentions = serializers.SerializerMethodField()
    reactions = ReactionSerializer(many=True, read_only=True)
    created_at = UTCDateTimeField(source="message.created_at")
    edited_at = UTCDateTimeField(source="message.edited_at", allow_null=True)
    deleted = serializers.BooleanField(source="message.is_deleted", read_only=True)
    telegram = serializers.SerializerMethodField()

    def get_mentions(self, view: Any) -> list[int]:
        return [] if view.message.is_deleted else sorted(view.message.mentions)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if isinstance(instance, MessageView):
            return message_representation(instance)
        data: dict[str, Any] = super().to_representation(instance)
        if instance.message.is_deleted:  # nothing of a deleted message's body is shown
            data["content"], data["attachments"] = "", []
        return data

    @extend_schema_field(TelegramRefSerializer(allow_null=True))
    def get_telegram(self, view: Any) -> dict[str, int] | None:
        message = view.message
        if message.telegram_message_id is None or message.telegram_chat_id is None:
            return None
        return {"message_id": message.telegram_message_id, "chat_id": message.telegram_chat_id}


def message_representation(view: MessageView) -> dict[str, Any]:
    """``MessageSerializer``'s output for a view, field for field, without DRF's machinery."""
    message, sender = view.message, view.sender
    deleted = message.is_deleted
    telegram = None
    if message.telegram_message_id is not None and message.telegram_chat_id is not None:
        telegram = {"message_id": message.telegram_message_id, "chat_id": message.telegram_chat_id}
    return {
        "id": str(message.message_id),
        "chat_id": str(message.channel_id),
        "sender": {
            "id": sender.id,
            "username": sender.username,
            "display_name": sender.display_name,
        },
        "content": "" if deleted else message.content,
        "type": message.message_type,
        "source": message.source,
        "reply_to": None if message.reply_to_id is None else str(message.reply_to_id),
        "attachments": [] if deleted else message.attachments,
        "mentions": [] if deleted else sorted(message.mentions),
        "reactions": [{"emoji": r.emoji, "count": r.count, "me": r.me} for r in view.reactions],
        "created_at": format_utc(message.created_at),
        "edited_at": None if message.edited_at is None else format_utc(message.edited_at),
        "deleted": deleted,
        "telegram": telegram,
    }


# many=False: a ``list`` action answering one object, not a list of them.
@extend_schema_serializer(many=False)
class MessagePageSerializer(serializers.Serializer[Any]):
    """The shape of a page (for the schema; the paginator builds the body)."""

    results = MessageSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The page of older messages.")
    previous = serializers.URLField(allow_null=True, help_text="The page of newer messages.")


class AttachmentSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=("image", "file", "voice", "video", "sticker"))
    url = serializers.URLField(max_length=2048)
    file_name = serializers.CharField(max_length=255, required=False)
    size = serializers.IntegerField(min_value=0, required=False)
    mime_type = serializers.CharField(max_length=127, required=False)
    duration = serializers.FloatField(min_value=0, required=False)


class TemplateUseSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(min_value=1)
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=1000), default=dict
    )


class MessageCreateSerializer(serializers.Serializer[Any]):
    content = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_CONTENT_LENGTH
    )
    type = serializers.ChoiceField(choices=POSTABLE_TYPES, default="text")
    reply_to = SnowflakeField(required=False, allow_null=True)
    attachments = AttachmentSerializer(  # type: ignore[call-arg]
        many=True, required=False, max_length=MAX_ATTACHMENTS
    )
    template = TemplateUseSerializer(required=False, help_text="Post a template with values.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_content = bool(attrs.get("content", "").strip())
        if "template" in attrs and has_content:
            raise serializers.ValidationError(
                {"content": ["Give either content or a template, not both."]}
            )
        if "template" not in attrs and not has_content and not attrs.get("attachments"):
            raise serializers.ValidationError(
                {"content": ["A message needs content, attachments or a template."]}
            )
        return attrs


class MessageEditSerializer(serializers.Serializer[Any]):
    content = serializers.CharField(trim_whitespace=False, max_length=MAX_CONTENT_LENGTH)

    def validate_content(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("The new content must not be blank.")
        return value


class EditSerializer(serializers.Serializer[Any]):
    content = serializers.CharField(read_only=True, help_text="The text before this edit.")
    edited_at = UTCDateTimeField()
    editor = UserSerializer(read_only=True)


class ReactionAddSerializer(serializers.Serializer[Any]):
    emoji = serializers.CharField(max_length=64)


class PinSerializer(serializers.Serializer[Any]):
    message = MessageSerializer(read_only=True)
    pinned_by = UserSerializer(read_only=True)
    pinned_at = UTCDateTimeField()


class PinCreateSerializer(serializers.Serializer[Any]):
    message_id = SnowflakeField()


class ReadSerializer(serializers.Serializer[Any]):
    message_id = SnowflakeField(help_text="The newest message I have read.")


class ReadPositionSerializer(serializers.Serializer[Any]):
    last_read_message_id = SnowflakeField(read_only=True, allow_null=True)
    unread_count = serializers.IntegerField(read_only=True)


class SearchResultSerializer(MessageSerializer):
    rank = serializers.FloatField(read_only=True)


@extend_schema_serializer(many=False)
class SearchResultsSerializer(serializers.Serializer[Any]):
    results = SearchResultSerializer(many=True)
