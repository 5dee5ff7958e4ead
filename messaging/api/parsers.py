"""The API's JSON parser: DRF's, strict about bytes and safe with deep nesting.

DRF's ``JSONParser`` decodes through a stream reader that drops an incomplete
UTF-8 sequence at the end of the body instead of refusing it, and lets the
``RecursionError`` of a document nested thousands deep escape as a 500. This
one decodes the whole body strictly and answers both with a 400 (ParseError).
DRF hands it the body Django has already read whole (and refused past
``DATA_UPLOAD_MAX_MEMORY_SIZE``), so decoding it whole costs nothing extra.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(f"The body is not valid {encoding}: {exc.reason}.") from None
        try:
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:
            raise ParseError("The JSON is nested too deeply.") from None
