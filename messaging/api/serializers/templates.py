"""Message templates: ``/api/templates/``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from messaging.api.fields import UTCDateTimeField
from messaging.api.serializers.users import UserSerializer
from messaging.errors import InvalidInput
from messaging.selectors.users import UserProfile
from messaging.services.templates import template_placeholders


class TemplateSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    shared = serializers.BooleanField(read_only=True)
    placeholders = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_placeholders(self, template: Any) -> list[str]:
        try:
            return template_placeholders(template.body)
        except InvalidInput:  # a body edited by hand in the admin
            return []

    @extend_schema_field(UserSerializer)
    def get_owner(self, template: Any) -> dict[str, Any]:
        return UserSerializer(UserProfile.of(template.owner)).data

    def get_mine(self, template: Any) -> bool:
        request = self.context.get("request")
        return request is not None and template.owner_id == request.user.pk


class TemplateWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    body = serializers.CharField(max_length=4096, help_text="Text with {placeholder} fields.")
    shared = serializers.BooleanField(default=False)


class TemplatePatchSerializer(TemplateWriteSerializer):
    """PATCH: every field optional, none defaulted (an absent ``shared`` stays as it is)."""

    name = serializers.CharField(max_length=100, required=False)
    body = serializers.CharField(max_length=4096, required=False)
    shared = serializers.BooleanField(required=False)
