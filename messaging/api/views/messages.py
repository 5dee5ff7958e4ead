"""``/api/chats/{chat_id}/messages/``: history, posting, edits, deletes, reactions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.authentication import TokenAuthentication
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from messaging.api.fields import parse_snowflake
from messaging.api.message_paging import MessageListQuerySerializer, paginated_response
from messaging.api.permissions import ChatScopedMixin
from messaging.api.schema import BAD_INPUT, CHAT_ERRORS, CHAT_ID, FORBIDDEN, MESSAGE_ID
from messaging.api.schema_rules import BodyRequiredSchema
from messaging.api.serializers.messages import (
    EditSerializer,
    MessageCreateSerializer,
    MessageEditSerializer,
    MessagePageSerializer,
    MessageSerializer,
    ReactionAddSerializer,
    ReactionSerializer,
)
from messaging.errors import MessageNotFoundInChat
from messaging.selectors.messages import (
    MessageView,
    message_get,
    message_history,
    message_page,
    messages_hydrate,
    reaction_summary,
)
from messaging.selectors.users import UserProfile
from messaging.services.messages import (
    IDEMPOTENCY_HEADER,
    message_delete,
    message_edit,
    message_send,
)
from messaging.services.reactions import reaction_add, reaction_remove

_IDEMPOTENCY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    description="Retrying with the same key returns the message the first attempt stored.",
    pattern=r"^[\x21-\x7e]{1,255}$",  # 1 to 255 printable ASCII characters, as the service checks
)
_EMOJI = OpenApiParameter(
    "emoji",
    str,
    OpenApiParameter.PATH,
    description="The emoji itself, percent-encoded (any stored reaction, `/` as %2F).",
)


def message_id_from_path(value: str) -> int:
    parsed = parse_snowflake(value)
    if parsed is None:
        raise MessageNotFoundInChat()
    return parsed


@extend_schema(parameters=[CHAT_ID])
class MessageViewSet(ChatScopedMixin, viewsets.GenericViewSet[Any]):
    """Messages of one chat, stored in CQL; newest first."""

    lookup_url_kwarg = "message_id"
    lookup_value_regex = "[^/]+"
    schema = BodyRequiredSchema()
    serializer_classes = {
        "create": MessageCreateSerializer,
        "partial_update": MessageEditSerializer,
        "reactions": ReactionAddSerializer,
    }

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return self.serializer_classes.get(self.action, MessageSerializer)

    def get_serializer(self, *args: Any, **kwargs: Any) -> BaseSerializer[Any]:
        # The browsable API fills its edit form from the shown message's stored row.
        if isinstance(kwargs.get("instance"), MessageView):
            kwargs["instance"] = kwargs["instance"].message
        return super().get_serializer(*args, **kwargs)

    def _out(self, value: Any, *, many: bool = False) -> Any:
        return MessageSerializer(value, many=many).data

    @extend_schema(
        summary="A page of messages, newest first",
        parameters=[MessageListQuerySerializer],
        responses={200: MessagePageSerializer, 400: BAD_INPUT, **CHAT_ERRORS},
    )
    def list(self, request: Request, chat_id: str) -> Response:
        participant = self.get_participant()
        query = MessageListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        args = query.validated_data
        page = message_page(
            participant=participant,
            limit=args["limit"],
            before=args.get("before"),
            after=args.get("after"),
            around=args.get("around"),
        )
        return paginated_response(request, page, self._out(page.messages, many=True))

    @extend_schema(
        summary="Post a message (or a template with values)",
        parameters=[_IDEMPOTENCY],
        # JSON only: a template (an object) has no form encoding that DRF reads.
        request={"application/json": MessageCreateSerializer},
        responses={
            201: MessageSerializer,
            200: MessageSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            **CHAT_ERRORS,
        },
    )
    def create(self, request: Request, chat_id: str) -> Response:
        participant = self.get_participant()
        body = MessageCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        template = data.get("template")
        outcome = message_send(
            participant=participant,
            content=data.get("content", ""),
            message_type=data["type"],
            source="api"
            if isinstance(request.successful_authenticator, TokenAuthentication)
            else "web",
            reply_to_id=data.get("reply_to"),
            attachments=[dict(a) for a in data.get("attachments", [])],
            template_id=template["id"] if template else None,
            template_values=template["values"] if template else None,
            idempotency_key=request.headers.get(IDEMPOTENCY_HEADER),
        )
        if outcome.created:
            view = MessageView(message=outcome.message, sender=UserProfile.of(request.user))
        else:
            view = messages_hydrate(
                chat_id=participant.chat_id,
                messages=[outcome.message],
                viewer_id=participant.user_id,
            )[0]
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        return Response(self._out(view), status=code)

    @extend_schema(
        summary="A message",
        parameters=[MESSAGE_ID],
        responses={200: MessageSerializer, **CHAT_ERRORS},
    )
    def retrieve(self, request: Request, chat_id: str, message_id: str) -> Response:
        participant = self.get_participant()
        view = message_get(participant=participant, message_id=message_id_from_path(message_id))
        return Response(self._out(view))

    @extend_schema(
        summary="Edit my message (the old text goes to its history)",
        parameters=[MESSAGE_ID],
        request={"application/json": MessageEditSerializer},
        responses={200: MessageSerializer, 400: BAD_INPUT, 403: FORBIDDEN, **CHAT_ERRORS},
    )
    def partial_update(self, request: Request, chat_id: str, message_id: str) -> Response:
        participant = self.get_participant()
        body = MessageEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        edited = message_edit(
            participant=participant,
            message_id=message_id_from_path(message_id),
            content=body.validated_data["content"],
        )
        view = messages_hydrate(
            chat_id=participant.chat_id, messages=[edited], viewer_id=participant.user_id
        )[0]
        return Response(self._out(view))

    @extend_schema(
        summary="Delete a message (its sender, or the chat's owner/admins)",
        parameters=[MESSAGE_ID],
        responses={204: None, 403: FORBIDDEN, **CHAT_ERRORS},
    )
    def destroy(self, request: Request, chat_id: str, message_id: str) -> Response:
        participant = self.get_participant()
        message_delete(participant=participant, message_id=message_id_from_path(message_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Earlier versions of a message, oldest first",
        parameters=[MESSAGE_ID],
        responses={200: EditSerializer(many=True), **CHAT_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def history(self, request: Request, chat_id: str, message_id: str) -> Response:
        participant = self.get_participant()
        edits = message_history(
            participant=participant, message_id=message_id_from_path(message_id)
        )
        return Response(EditSerializer(edits, many=True).data)

    @extend_schema(
        summary="React to a message (201; 200 if I already had this reaction)",
        parameters=[MESSAGE_ID],
        request=ReactionAddSerializer,
        responses={
            201: ReactionSerializer,
            200: ReactionSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            **CHAT_ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def reactions(self, request: Request, chat_id: str, message_id: str) -> Response:
        participant = self.get_participant()
        body = ReactionAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        emoji = body.validated_data["emoji"]
        created = reaction_add(
            participant=participant, message_id=message_id_from_path(message_id), emoji=emoji
        )
        summary = reaction_summary(
            chat_id=participant.chat_id,
            message_id=message_id_from_path(message_id),
            emoji=emoji,
            viewer_id=participant.user_id,
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ReactionSerializer(summary).data, status=code)

    @extend_schema(
        summary="Take my reaction back",
        parameters=[MESSAGE_ID, _EMOJI],
        responses={204: None, 400: BAD_INPUT, 403: FORBIDDEN, **CHAT_ERRORS},
    )
    @action(
        detail=True,
        methods=["delete"],
        # Any characters, slashes included: Django decodes %2F before routing, and a
        # reaction stored under older rules (any text) must stay removable.
        url_path=r"reactions/(?P<emoji>.+)",
        url_name="reaction-detail",
    )
    def reaction_remove(
        self, request: Request, chat_id: str, message_id: str, emoji: str
    ) -> Response:
        participant = self.get_participant()
        reaction_remove(
            participant=participant, message_id=message_id_from_path(message_id), emoji=emoji
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
