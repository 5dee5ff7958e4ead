"""Cursor paging of a chat's messages by snowflake id (DRF ``CursorPagination``'s shape).

The cursors are message ids in plain query parameters, not opaque tokens:
``?before=<id>`` is the page of older messages, ``?after=<id>`` of newer
ones, ``?around=<id>`` the page centred on a message (which it includes).
Every page lists messages newest first. ``next`` links the older page,
``previous`` the newer one; a link is null when that side of the page came
back short (there is nothing more there right now).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from messaging.api.fields import SnowflakeField
from messaging.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from messaging.selectors.messages import MessagePage

CURSORS = ("before", "after", "around")


class MessageListQuerySerializer(serializers.Serializer[Any]):
    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT, help_text="Messages per page."
    )
    before = SnowflakeField(required=False, help_text="Messages older than this id.")
    after = SnowflakeField(required=False, help_text="Messages newer than this id.")
    around = SnowflakeField(required=False, help_text="Messages around this id, itself included.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [name for name in CURSORS if name in attrs]
        if len(given) > 1:
            raise serializers.ValidationError(
                {given[1]: [f"Give only one of {', '.join(CURSORS)}."]}
            )
        return attrs


def page_links(request: Request, page: MessagePage) -> tuple[str | None, str | None]:
    """(next, previous): the older and the newer page, keeping ``limit``."""
    base = request.build_absolute_uri()
    for name in CURSORS:
        base = remove_query_param(base, name)
    older = (
        None if page.older_than is None else replace_query_param(base, "before", page.older_than)
    )
    newer = None if page.newer_than is None else replace_query_param(base, "after", page.newer_than)
    return older, newer


def paginated_response(request: Request, page: MessagePage, results: Any) -> Response:
    next_link, previous_link = page_links(request, page)
    return Response({"next": next_link, "previous": previous_link, "results": results})
