"""OpenAPI building blocks shared by the views: error answers and common parameters."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

_DETAIL = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})
_FIELDS = inline_serializer(
    "FieldErrors",
    fields={"field": serializers.ListField(child=serializers.CharField())},
)

BAD_INPUT = OpenApiResponse(_FIELDS, description="Bad input: a list of messages per field.")
UNAUTHENTICATED = OpenApiResponse(_DETAIL, description="Not logged in (no session or token).")
FORBIDDEN = OpenApiResponse(_DETAIL, description="A participant without the role this needs.")
NOT_FOUND = OpenApiResponse(
    _DETAIL, description="No such chat (or not a participant: the two look the same)."
)
STORE_DOWN = OpenApiResponse(
    _DETAIL, description="A store cannot serve this now (message store disabled or down)."
)

#: Errors every chat-scoped endpoint may answer.
CHAT_ERRORS = {401: UNAUTHENTICATED, 404: NOT_FOUND, 503: STORE_DOWN}

CHAT_ID = OpenApiParameter(
    "chat_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The chat's id."
)
MESSAGE_ID = OpenApiParameter(
    "message_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="A message id (snowflake, decimal digits).",
)
