"""Rules of request bodies that fields alone cannot state, written into the OpenAPI schema.

drf-spectacular describes each field of a serializer; a rule across fields
(a message needs content, attachments or a template; a template replaces the
content) or a PATCH whose one field is required would be missing, and a
client or fuzzer that trusts the schema would send bodies the API refuses.
Each extension here starts from the generated schema and adds the rule the
serializer's ``validate`` applies, so the two are read side by side.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema

from messaging.api.serializers.messages import MAX_ATTACHMENTS

# drf-spectacular leaves OpenApiGeneratorExtension.__init_subclass__ and
# AutoSchema._get_request_body unannotated, hence the no-untyped-call ignores below.

#: Text without NUL, which DRF's CharField refuses everywhere (a 400 naming the field).
NO_NUL = r"^[^\u0000]*$"
#: ... and with a character that is not white space (what "not blank" means here).
NOT_BLANK = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"
#: URLs that Django's URLValidator takes for sure: http(s), a host name of at most 4 labels
#: of 41 characters and a top-level domain (under its 253-character limit), a port, a path.
#: It takes more (IP addresses, longer labels); "format: uri" alone allows what it refuses.
WEB_URL = (
    r"^https?://[a-z0-9]([a-z0-9-]{0,39}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,39}[a-z0-9])?){0,3}"
    r"\.[a-z]{2,63}(:[0-9]{1,5})?(/[^\s]*)?$"
)


class MessageCreateRules(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    """``MessageCreateSerializer.validate``: content, attachments or a template; a template
    comes without content (blank content is allowed beside it)."""

    target_class = "messaging.api.serializers.messages.MessageCreateSerializer"

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_basic_serializer(self.target, direction)
        if direction != "request":
            return schema
        schema["properties"]["attachments"]["maxItems"] = MAX_ATTACHMENTS
        no_template = {"not": {"required": ["template"]}}
        schema["anyOf"] = [
            {"required": ["content"], "properties": {"content": {"pattern": NOT_BLANK}}}
            | no_template,
            {"required": ["attachments"], "properties": {"attachments": {"minItems": 1}}}
            | no_template,
            {"required": ["template"], "properties": {"content": {"pattern": r"^\s*$"}}},
        ]
        return schema


class MessageEditRules(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    """``MessageEditSerializer``: PATCH carries the new content, required and not blank
    (the generator would make every field of a PATCH optional)."""

    target_class = "messaging.api.serializers.messages.MessageEditSerializer"

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_basic_serializer(self.target, direction)
        if direction == "request":
            schema["required"] = ["content"]
            schema["properties"]["content"]["pattern"] = NOT_BLANK
        return schema


class AttachmentRules(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    """``AttachmentSerializer``: the url as Django's URLField takes it (see ``WEB_URL``)."""

    target_class = "messaging.api.serializers.messages.AttachmentSerializer"

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_basic_serializer(self.target, direction)
        if direction == "request":
            schema["properties"]["url"]["pattern"] = WEB_URL
        return schema


class BodyRequiredSchema(AutoSchema):
    """Every request body of the view is required: the generator infers "required" from
    required fields, and a message's body has none of its own (content, attachments or a
    template: ``MessageCreateRules``), yet no body at all is refused."""

    def _get_request_body(self, direction: str = "request") -> dict[str, Any] | None:
        body: dict[str, Any] | None = super()._get_request_body(direction)  # type: ignore[no-untyped-call]
        if body is not None:
            body["required"] = True
        return body


def forbid_nul_characters(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A drf-spectacular postprocessing hook: every free-text string of a request body
    states what DRF's CharField checks: no NUL characters (``NO_NUL``), and for a field
    that may not be blank a character other than white space (``NOT_BLANK``)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _no_nul(component)
    return result


def _no_nul(schema: Any) -> None:
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"pattern", "format", "enum"} & set(schema):
        # minLength 1 is DRF's "not blank", checked after trimming white space.
        schema["pattern"] = NOT_BLANK if schema.get("minLength", 0) >= 1 else NO_NUL
    for child in schema.get("properties", {}).values():
        _no_nul(child)
    for key in ("items", "additionalProperties"):
        _no_nul(schema.get(key))
    for key in ("allOf", "anyOf", "oneOf"):
        for child in schema.get(key, []):
            _no_nul(child)
