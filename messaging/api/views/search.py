"""``/api/search/``: full-text search over the chats I belong to."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from messaging.api.schema import BAD_INPUT, STORE_DOWN, UNAUTHENTICATED
from messaging.api.serializers.messages import SearchResultSerializer, SearchResultsSerializer
from messaging.selectors.search import search_messages


class SearchQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(
        max_length=200, help_text='Words; "quoted phrases", or, -excluded work as on the web.'
    )
    chat = serializers.UUIDField(required=False, help_text="Only this chat (one of mine).")
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)


class SearchViewSet(viewsets.GenericViewSet[Any]):
    """Messages of my chats matching a query, best match first."""

    serializer_class = SearchResultSerializer

    @extend_schema(
        summary="Search my chats' messages",
        parameters=[SearchQuerySerializer],
        responses={
            200: SearchResultsSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            503: STORE_DOWN,
        },
    )
    def list(self, request: Request) -> Response:
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        args = query.validated_data
        hits = search_messages(
            user=request.user, q=args["q"], chat_id=args.get("chat"), limit=args["limit"]
        )
        results = []
        for hit in hits:
            item = dict(SearchResultSerializer(hit.view).data)
            item["rank"] = hit.rank
            results.append(item)
        return Response({"results": results})
