"""What every hostile-input test asks of an answer: no 5xx, and a 4xx a person can read.

A readable 4xx is DRF's error shape: ``{"detail": "..."}`` or
``{"field": ["message", ...]}`` (nested objects for nested fields), with at
least one non-blank message somewhere. An HTML error page or an empty body
tells an API client nothing, so it fails too.
"""

from __future__ import annotations

import json
from typing import Any


def error_messages(body: Any) -> list[str]:
    """Every message string in a DRF error body, however deeply the fields nest."""
    if isinstance(body, str):
        return [body] if body.strip() else []
    if isinstance(body, list):
        return [text for item in body for text in error_messages(item)]
    if isinstance(body, dict):
        return [text for value in body.values() for text in error_messages(value)]
    return []


def readable_problem(status: int, content_type: str, content: bytes) -> str | None:
    """Why an answer is not acceptable to a hostile request, or None if it is."""
    if status >= 500:
        return f"server error {status}: {content[:300]!r}"
    if status < 400:
        return None
    if "json" not in content_type:
        return f"{status} answered as {content_type or 'no content type'}, not JSON"
    try:
        body = json.loads(content)
    except ValueError:
        return f"{status} with a body that is not JSON: {content[:200]!r}"
    if not isinstance(body, dict) or not error_messages(body):
        return f"{status} without a message: {body!r}"
    return None
