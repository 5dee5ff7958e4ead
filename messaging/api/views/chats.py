"""``/api/chats/``: my chats, their participants and my read position in each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from messaging.api.pagination import ChatCursorPagination
from messaging.api.permissions import ChatScopedMixin
from messaging.api.schema import (
    BAD_CURSOR,
    BAD_INPUT,
    CHAT_ERRORS,
    ERROR_DETAIL,
    FORBIDDEN,
    UNAUTHENTICATED,
)
from messaging.api.serializers.chats import (
    ChatCreateSerializer,
    ChatSerializer,
    ChatUpdateSerializer,
    MuteSerializer,
    ParticipantAddSerializer,
    ParticipantSerializer,
)
from messaging.api.serializers.messages import ReadPositionSerializer, ReadSerializer
from messaging.models import Chat
from messaging.selectors import chat_get, chats_of_user, participants_of_chat
from messaging.selectors.chats import parse_user_id
from messaging.selectors.presence import presence_of_users
from messaging.selectors.previews import chat_previews
from messaging.services.chats import (
    chat_archive,
    chat_open,
    chat_update,
    participant_add,
    participant_remove,
    participant_set_muted,
)
from messaging.services.read import mark_read

_ARCHIVED = OpenApiParameter(
    "archived", bool, description="Only archived (true) or only active (false) chats."
)


class ChatViewSet(ChatScopedMixin, viewsets.GenericViewSet[Chat]):
    """Chats I take part in. The creator of a chat is its owner."""

    pagination_class = ChatCursorPagination
    lookup_url_kwarg = "chat_id"
    lookup_value_regex = "[^/]+"
    serializer_classes = {
        "create": ChatCreateSerializer,
        "partial_update": ChatUpdateSerializer,
        "participants": ParticipantAddSerializer,
        "read": ReadSerializer,
        "mute": MuteSerializer,
    }

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return self.serializer_classes.get(self.action, ChatSerializer)

    def get_queryset(self) -> Any:
        raw = self.request.query_params.get("archived")
        archived = {"true": True, "false": False}.get((raw or "").lower())
        return chats_of_user(user=self.request.user, archived=archived)

    def _render(self, chats: Sequence[Chat], *, many: bool) -> Any:
        previews = chat_previews(chats=chats)
        serializer = ChatSerializer(chats, many=True, context={"request": self.request, **previews})
        return serializer.data if many else serializer.data[0]

    @extend_schema(
        summary="List my chats",
        parameters=[_ARCHIVED],
        responses={
            200: ChatSerializer(many=True),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            404: BAD_CURSOR,
        },
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response(self._render(page, many=True))

    @extend_schema(
        summary="Create a chat (I become its owner); a direct chat is opened once per pair",
        request=ChatCreateSerializer,
        responses={
            201: ChatSerializer,
            200: OpenApiResponse(
                ChatSerializer, description="The pair's existing direct chat (archived or not)."
            ),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
        },
    )
    def create(self, request: Request) -> Response:
        data = self._validated(ChatCreateSerializer, request.data)
        opened = chat_open(
            creator=request.user,
            name=data["name"],
            type=data["type"],
            participant_ids=data["participants"],
        )
        fresh = chat_get(user=request.user, chat_id=opened.chat.pk)
        code = status.HTTP_201_CREATED if opened.created else status.HTTP_200_OK
        return Response(self._render([fresh], many=False), status=code)

    @extend_schema(summary="A chat of mine", responses={200: ChatSerializer, **CHAT_ERRORS})
    def retrieve(self, request: Request, chat_id: str) -> Response:
        return Response(self._render([chat_get(user=request.user, chat_id=chat_id)], many=False))

    @extend_schema(
        summary="Rename or (un)archive a chat (owner/admin; archiving: owner)",
        request=ChatUpdateSerializer,
        responses={200: ChatSerializer, 400: BAD_INPUT, 403: FORBIDDEN, **CHAT_ERRORS},
    )
    def partial_update(self, request: Request, chat_id: str) -> Response:
        actor = self.get_participant()
        data = self._validated(ChatUpdateSerializer, request.data)
        chat_update(actor=actor, name=data.get("name"), archived=data.get("archived"))
        return Response(self._render([chat_get(user=request.user, chat_id=chat_id)], many=False))

    @extend_schema(
        summary="Archive a chat (owner only; nothing is dropped)",
        responses={204: None, 403: FORBIDDEN, **CHAT_ERRORS},
    )
    def destroy(self, request: Request, chat_id: str) -> Response:
        chat_archive(actor=self.get_participant())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        summary="Participants of a chat, with their presence",
        responses={200: ParticipantSerializer(many=True), **CHAT_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a participant (owner/admin; only the owner makes admins)",
        request=ParticipantAddSerializer,
        responses={
            201: ParticipantSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            409: OpenApiResponse(ERROR_DETAIL, description="Already a participant."),
            **CHAT_ERRORS,
        },
    )
    # Not paged (a chat's member list is answered whole); None keeps the schema from
    # describing it as the chat list's cursor page.
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def participants(self, request: Request, chat_id: str) -> Response:
        actor = self.get_participant()
        if request.method == "POST":
            data = self._validated(ParticipantAddSerializer, request.data)
            added = participant_add(actor=actor, user_id=data["user"], role=data["role"])
            context = {"presence": presence_of_users(user_ids=[added.user_id])}
            body = ParticipantSerializer(added, context=context).data
            return Response(body, status=status.HTTP_201_CREATED)
        members = participants_of_chat(chat_id=actor.chat_id)
        context = {"presence": presence_of_users(user_ids=[m.user_id for m in members])}
        return Response(ParticipantSerializer(members, many=True, context=context).data)

    @extend_schema(
        summary="Remove a participant (owner/admin), or leave (my own id)",
        parameters=[OpenApiParameter("user_id", int, OpenApiParameter.PATH)],
        responses={204: None, 400: BAD_INPUT, 403: FORBIDDEN, **CHAT_ERRORS},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"participants/(?P<user_id>[^/]+)",
        url_name="participant-detail",
    )
    def participant_remove(self, request: Request, chat_id: str, user_id: str) -> Response:
        actor = self.get_participant()
        participant_remove(actor=actor, user_id=parse_user_id(user_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        summary="My read position and unread count",
        responses={200: ReadPositionSerializer, **CHAT_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Mark read up to a message (never moves backwards)",
        request=ReadSerializer,
        responses={200: ReadPositionSerializer, 400: BAD_INPUT, **CHAT_ERRORS},
    )
    @action(detail=True, methods=["get", "post"])
    def read(self, request: Request, chat_id: str) -> Response:
        actor = self.get_participant()
        if request.method == "POST":
            data = self._validated(ReadSerializer, request.data)
            actor = mark_read(participant=actor, message_id=data["message_id"])
        return Response(ReadPositionSerializer(actor).data)

    @extend_schema(
        methods=["GET"],
        summary="Whether I muted this chat",
        responses={200: MuteSerializer, **CHAT_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Mute or unmute this chat for me",
        request=MuteSerializer,
        responses={200: MuteSerializer, 400: BAD_INPUT, **CHAT_ERRORS},
    )
    @action(detail=True, methods=["get", "post"])
    def mute(self, request: Request, chat_id: str) -> Response:
        actor = self.get_participant()
        if request.method == "POST":
            data = self._validated(MuteSerializer, request.data)
            actor = participant_set_muted(participant=actor, muted=data["muted"])
        return Response(MuteSerializer(actor).data)

    def _validated(self, serializer_class: type[BaseSerializer[Any]], data: Any) -> dict[str, Any]:
        serializer = serializer_class(data=data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)
