"""Paging without offsets: chats by recent activity, messages by snowflake id.

``limit`` is validated, not clamped: a value outside its range is a 400 naming
the field (DRF's own paginators silently fall back to the default).
Message paging is in ``messaging.api.message_paging`` (it pages CQL, not a queryset).
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


def parse_limit(request: Request, *, default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> int:
    raw = request.query_params.get("limit")
    if raw is None or raw == "":
        return default
    # Length first: int() refuses (ValueError) a string of thousands of digits.
    digits_ok = raw.isascii() and raw.isdigit() and len(raw) <= len(str(maximum))
    if not digits_ok or not 1 <= int(raw) <= maximum:
        raise exceptions.ValidationError({"limit": [f"An integer from 1 to {maximum}."]})
    return int(raw)


class ChatCursorPagination(CursorPagination):
    """My chats, most recently active first (a send bumps ``Chat.updated_at``)."""

    ordering = ("-updated_at", "-id")
    page_size = DEFAULT_LIMIT
    page_size_query_param = "limit"
    max_page_size = MAX_LIMIT
    page_size_query_description = f"Chats per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})."

    def get_page_size(self, request: Request) -> int:
        return parse_limit(request, default=self.page_size, maximum=self.max_page_size)


class TemplateCursorPagination(CursorPagination):
    """Templates in creation order (ids only grow, so the cursor is exact)."""

    ordering = ("id",)
    page_size = DEFAULT_LIMIT
    page_size_query_param = "limit"
    max_page_size = MAX_LIMIT

    def get_page_size(self, request: Request) -> int:
        return parse_limit(request, default=self.page_size, maximum=self.max_page_size)
