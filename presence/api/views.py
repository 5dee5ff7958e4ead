"""Presence and typing endpoints: parse, check, call the service, serialise.

A Redis outage answers 503 with a message naming the store; the app does not
rely on the project's exception handler for that, so it stays pluggable.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from presence.api.serializers import (
    PresenceInputSerializer,
    PresenceListOutputSerializer,
    PresenceQuerySerializer,
    TypingListOutputSerializer,
)
from presence.conf import membership_check, read_only_check, visibility_check
from presence.status import PresenceInfo, Status, get_presence_many, set_presence
from presence.store import REDIS_DOWN
from presence.typing import list_typing, start_typing
from presence.users import user_profiles

_UNAVAILABLE = OpenApiResponse(description="Redis (the presence store) is unavailable.")


def _me(request: Request) -> int:
    return cast(int, request.user.pk)  # IsAuthenticated: a saved user


class PresenceStoreUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The presence store (Redis) is unavailable; try again in a few seconds."
    default_code = "presence_store_unavailable"


class RedisBackedView(APIView):
    permission_classes = [IsAuthenticated]

    def get_authenticate_header(self, request: Request) -> str:
        # DRF asks only the first authenticator; session auth has no header, so
        # listing it first would turn "not logged in" into 403. Any challenge
        # offered (e.g. Token) makes it the 401 the API promises.
        for authenticator in self.get_authenticators():
            header = authenticator.authenticate_header(request)
            if header:
                return str(header)
        return super().get_authenticate_header(request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, REDIS_DOWN):
            exc = PresenceStoreUnavailable()
        response = super().handle_exception(exc)
        if response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
            response["Retry-After"] = "5"
        return response


_UNSEEN = PresenceInfo(status=Status.OFFLINE, last_seen=None)


class PresenceView(RedisBackedView):
    """My presence heartbeat (POST) and the presence of up to 100 users (GET).

    GET shows only people the caller may see (PRESENCE_VISIBILITY_CHECK: by
    default those sharing a chat with them, and themselves); anyone else reads
    as offline and never seen, the same answer as an id nobody has.
    """

    @extend_schema(
        request=PresenceInputSerializer,
        responses={
            204: None,
            400: OpenApiResponse(description="Unknown status."),
            503: _UNAVAILABLE,
        },
    )
    def post(self, request: Request) -> Response:
        data = PresenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        set_presence(_me(request), data.validated_data["status"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[PresenceQuerySerializer],
        responses={
            200: OpenApiResponse(
                PresenceListOutputSerializer,
                description="In the order asked; people who share no chat with me, and ids of"
                " nobody, read as offline and never seen.",
            ),
            400: OpenApiResponse(description="Missing or bad ids, or more than 100."),
            503: _UNAVAILABLE,
        },
    )
    def get(self, request: Request) -> Response:
        query = PresenceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        asked: list[int] = query.validated_data["users"]
        visible = visibility_check()(request.user, asked) | {_me(request)}
        presence = get_presence_many([user_id for user_id in asked if user_id in visible])
        results = [
            {"user_id": user_id, "status": info.status.value, "last_seen": info.last_seen}
            for user_id, info in ((uid, presence.get(uid, _UNSEEN)) for uid in asked)
        ]
        return Response(PresenceListOutputSerializer({"results": results}).data)


class ChatTypingView(RedisBackedView):
    """Typing in a chat: POST marks me typing for 10 s; GET lists the others typing."""

    def _check_participant(self, request: Request, chat_id: UUID) -> None:
        # 404, not 403: a non-participant must not learn that the chat exists.
        if not membership_check()(request.user, chat_id):
            raise NotFound("No chat with this id among your chats.")

    @extend_schema(
        request=None,
        responses={
            204: None,
            403: OpenApiResponse(description="The chat is archived (read-only)."),
            404: OpenApiResponse(description="Not a participant."),
            503: _UNAVAILABLE,
        },
    )
    def post(self, request: Request, chat_id: UUID) -> Response:
        self._check_participant(request, chat_id)
        if read_only_check()(chat_id):
            raise PermissionDenied("This chat is archived, so it is read-only; nobody types here.")
        start_typing(chat_id, _me(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses={
            200: TypingListOutputSerializer,
            404: OpenApiResponse(description="Not a participant."),
            503: _UNAVAILABLE,
        },
    )
    def get(self, request: Request, chat_id: UUID) -> Response:
        self._check_participant(request, chat_id)
        entries = list_typing(chat_id, exclude_user_id=_me(request))
        profiles = user_profiles(entry.user_id for entry in entries)
        typing: list[dict[str, Any]] = [
            {"user": profiles[entry.user_id], "expires_at": entry.expires_at}
            for entry in entries
            if entry.user_id in profiles
        ]
        return Response(TypingListOutputSerializer({"typing": typing}).data)
