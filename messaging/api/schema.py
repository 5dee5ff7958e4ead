"""OpenAPI building blocks shared by the views: error answers and common parameters."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from messaging.api import schema_rules  # noqa: F401  (registers the body rules' extensions)

ERROR_DETAIL = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})
# DRF's validation errors are keyed by the field's own name, so they are additional
# properties: a list of messages, an object per nested field, a list of objects per
# item of a list field ({} for a valid item). A body that does not parse: {"detail"}.
_FIELDS = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "object"},
        ]
    },
    "example": {"content": ["Ensure this field has no more than 4096 characters."]},
}

BAD_INPUT = OpenApiResponse(
    _FIELDS, description='Bad input: {"field": ["message", ...]} per field (nested for objects).'
)
UNAUTHENTICATED = OpenApiResponse(ERROR_DETAIL, description="Not logged in (no session or token).")
FORBIDDEN = OpenApiResponse(ERROR_DETAIL, description="A participant without the role this needs.")
NOT_FOUND = OpenApiResponse(
    ERROR_DETAIL, description="No such chat (or not a participant: the two look the same)."
)
BAD_CURSOR = OpenApiResponse(
    ERROR_DETAIL, description="The cursor is not one this API gave out (a bad cursor is a 404)."
)
STORE_DOWN = OpenApiResponse(
    ERROR_DETAIL, description="A store cannot serve this now (message store disabled or down)."
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
