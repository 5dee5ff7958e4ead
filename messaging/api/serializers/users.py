"""A person as every answer shows them: ``{id, username, display_name}``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class UserSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)
