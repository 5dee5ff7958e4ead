"""Field types of the API's JSON: snowflake ids as strings, times as UTC ``...Z``.

A 64-bit snowflake does not fit a JavaScript number, so ids go out as strings;
clients that send numbers are accepted too. Times carry milliseconds and a
``Z`` (``2026-11-23T19:21:20.123Z``) whatever the server's time zone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from messaging.scylla.snowflake import MAX_SNOWFLAKE, MIN_SNOWFLAKE

# Digits only, so int() never sees a huge string; a minus for history before 2024.
_SNOWFLAKE_TEXT = re.compile(r"-?[0-9]{1,19}")


def parse_snowflake(value: Any) -> int | None:
    """A 64-bit id from a string or an integer; None for anything else.

    Ids of messages sent before 2024-01-01 (imported history) are negative.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _SNOWFLAKE_TEXT.fullmatch(text := value.strip()):
        number = int(text)
    else:
        return None
    return number if MIN_SNOWFLAKE <= number <= MAX_SNOWFLAKE else None


def format_utc(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@extend_schema_field(
    {"type": "string", "pattern": r"^-?[0-9]{1,19}$", "example": "1234567890123456789"}
)
class SnowflakeField(serializers.Field[int, int | str, str, Any]):
    """A message id: a string out, a string or a number in."""

    default_error_messages = {
        "invalid": "A message id is a 64-bit integer, as a string or a number."
    }

    def to_representation(self, value: int) -> str:
        return str(value)

    def to_internal_value(self, data: Any) -> int:
        parsed = parse_snowflake(data)
        if parsed is None:
            self.fail("invalid")
        return parsed


@extend_schema_field(OpenApiTypes.DATETIME)
class UTCDateTimeField(serializers.ReadOnlyField):
    """A read-only time as ISO 8601 UTC with milliseconds and ``Z``."""

    def to_representation(self, value: datetime | None) -> str | None:
        return None if value is None else format_utc(value)
