"""``/api/chats/{chat_id}/pins/``: pinned messages of a chat."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from messaging.api.permissions import ChatScopedMixin
from messaging.api.schema import BAD_INPUT, CHAT_ERRORS, CHAT_ID, FORBIDDEN, MESSAGE_ID
from messaging.api.serializers.messages import PinCreateSerializer, PinSerializer
from messaging.api.views.messages import message_id_from_path
from messaging.selectors.messages import PinView, message_get, pins_of_chat
from messaging.selectors.users import UserProfile
from messaging.services.pins import pin_add, pin_remove


@extend_schema(parameters=[CHAT_ID])
class PinViewSet(ChatScopedMixin, viewsets.GenericViewSet[Any]):
    """Pins: anyone in a direct chat or group; owners and admins in a channel."""

    lookup_url_kwarg = "message_id"
    lookup_value_regex = "[^/]+"

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return PinCreateSerializer if self.action == "create" else PinSerializer

    @extend_schema(
        summary="Pinned messages, newest pin first",
        responses={200: PinSerializer(many=True), **CHAT_ERRORS},
    )
    def list(self, request: Request, chat_id: str) -> Response:
        pins = pins_of_chat(participant=self.get_participant())
        return Response(PinSerializer(pins, many=True).data)

    @extend_schema(
        summary="Pin a message",
        request=PinCreateSerializer,
        responses={201: PinSerializer, 400: BAD_INPUT, 403: FORBIDDEN, **CHAT_ERRORS},
    )
    def create(self, request: Request, chat_id: str) -> Response:
        participant = self.get_participant()
        body = PinCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message_id = body.validated_data["message_id"]
        pin = pin_add(participant=participant, message_id=message_id)
        view = PinView(
            # Just pinned, so it exists: read it as the pin did (a replica may lag).
            message=message_get(participant=participant, message_id=message_id, fresh=True),
            pinned_by=UserProfile.of(request.user),
            pinned_at=pin.pinned_at,
        )
        return Response(PinSerializer(view).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Unpin a message",
        parameters=[MESSAGE_ID],
        responses={204: None, 403: FORBIDDEN, **CHAT_ERRORS},
    )
    def destroy(self, request: Request, chat_id: str, message_id: str) -> Response:
        pin_remove(participant=self.get_participant(), message_id=message_id_from_path(message_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
