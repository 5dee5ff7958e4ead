"""``POST /api/telegram/webhook/``: Bot API updates, authenticated by the webhook secret.

Telegram sends the ``secret_token`` given to ``setWebhook`` in the
``X-Telegram-Bot-Api-Secret-Token`` header; it is compared in constant time
with TELEGRAM_WEBHOOK_SECRET. No secret configured means no webhook: every
delivery is refused (403), so an unset variable never opens the endpoint.
The view stays thin: check the secret, hand the JSON to ``update_receive``,
answer 200 with what happened (Telegram only looks at the status).
"""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from messaging.api.parsers import JSONParser
from messaging.api.schema import BAD_INPUT, ERROR_DETAIL
from messaging.telegram.metrics import webhook_updates
from messaging.telegram.types import MalformedMessage
from messaging.telegram.updates import update_receive

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class HasWebhookSecret(BasePermission):
    message = f"Missing or wrong {SECRET_HEADER} header."

    def has_permission(self, request: Request, view: Any) -> bool:
        expected = getattr(settings, "TELEGRAM_WEBHOOK_SECRET", None)
        given = request.headers.get(SECRET_HEADER)
        if not expected or given is None:
            return False
        return hmac.compare_digest(given.encode(), str(expected).encode())


class TelegramWebhookView(APIView):
    authentication_classes: list[Any] = []  # Telegram is no WellWon user; the secret is the key
    permission_classes = [HasWebhookSecret]
    throttle_classes: list[Any] = []  # a busy group sends more than the anonymous rate
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Receive a Telegram Bot API Update",
        parameters=[OpenApiParameter(SECRET_HEADER, str, OpenApiParameter.HEADER, required=True)],
        request=inline_serializer("TelegramUpdate", {"update_id": serializers.IntegerField()}),
        responses={
            200: inline_serializer(
                "TelegramUpdateOutcome",
                {"ok": serializers.BooleanField(), "outcome": serializers.CharField()},
            ),
            400: BAD_INPUT,
            403: OpenApiResponse(ERROR_DETAIL, description=f"Missing or wrong {SECRET_HEADER}."),
        },
    )
    def post(self, request: Request) -> Response:
        try:
            outcome = update_receive(request.data)
        except MalformedMessage as exc:
            webhook_updates.labels("malformed").inc()
            raise ValidationError({"update": [str(exc)]}) from None
        webhook_updates.labels(outcome.value).inc()
        return Response({"ok": True, "outcome": outcome.value}, status=status.HTTP_200_OK)
