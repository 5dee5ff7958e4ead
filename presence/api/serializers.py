"""Input and output shapes of the presence endpoints, kept apart per endpoint."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from presence.conf import presence_settings
from presence.status import SETTABLE_STATUSES, Status


class PresenceInputSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=[s.value for s in SETTABLE_STATUSES])


_GIVE_IDS = "Give at least one user id, e.g. ?users=1,2,3."


def _is_user_id(text: str) -> bool:
    # ASCII digits of a 64-bit integer at most (int() of a huge string is slow or refused).
    return text.isascii() and text.isdigit() and len(text) <= 19


class PresenceQuerySerializer(serializers.Serializer[Any]):
    users = serializers.CharField(
        help_text="Comma-separated user ids, at most PRESENCE_MAX_USERS (100).",
        error_messages={"required": _GIVE_IDS, "blank": _GIVE_IDS},
    )

    def validate_users(self, value: str) -> list[int]:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not parts:
            raise serializers.ValidationError(_GIVE_IDS)
        bad = [part for part in parts if not _is_user_id(part)]
        if bad:
            raise serializers.ValidationError(
                f"User ids are positive integers; not: {', '.join(p[:20] for p in bad[:5])}."
            )
        ids = list(dict.fromkeys(int(part) for part in parts))
        limit = presence_settings().max_users
        if len(ids) > limit:
            raise serializers.ValidationError(f"At most {limit} users per request; got {len(ids)}.")
        return ids


class PresenceOutputSerializer(serializers.Serializer[Any]):
    user_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[s.value for s in Status])
    last_seen = serializers.DateTimeField(allow_null=True)


class PresenceListOutputSerializer(serializers.Serializer[Any]):
    results = PresenceOutputSerializer(many=True)


class UserProfileSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()


class TypingOutputSerializer(serializers.Serializer[Any]):
    user = UserProfileSerializer()
    expires_at = serializers.DateTimeField()


class TypingListOutputSerializer(serializers.Serializer[Any]):
    typing = TypingOutputSerializer(many=True)
