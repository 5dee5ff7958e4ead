"""``POST /api/telegram/webhook/``: Bot API updates, authenticated by the webhook secret.

Telegram sends the ``secret_token`` given to ``setWebhook`` in the
``X-Telegram-Bot-Api-Secret-Token`` header; it is compared in constant time
with TELEGRAM_WEBHOOK_SECRET. No secret configured means no webhook: every
delivery is refused (403), so an unset variable never opens the endpoint.
The view stays thin: check the secret, hand the JSON to ``update_receive``,
answer 200 with what happened (Telegram only looks at the status) and count
the outcome. Once the secret matches every answer is 200, a body that is not
JSON included (``malformed``): Telegram redelivers anything else for a day,
and these would fail every time. The one exception is a store outage (503),
which a redelivery can get past.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from django.db import InterfaceError, OperationalError
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from messaging.api.parsers import JSONParser
from messaging.api.schema import ERROR_DETAIL
from messaging.scylla.errors import MessageStoreError
from messaging.telegram.conf import webhook_secret
from messaging.telegram.metrics import webhook_updates
from messaging.telegram.updates import Outcome, update_receive

logger = logging.getLogger(__name__)
# Failures a redelivery can get past: answered 503 (messaging.api.exceptions), so Telegram retries.
UNAVAILABLE = (
    MessageStoreError,
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class HasWebhookSecret(BasePermission):
    message = f"Missing or wrong {SECRET_HEADER} header."

    def has_permission(self, request: Request, view: Any) -> bool:
        expected = webhook_secret()
        given = request.headers.get(SECRET_HEADER)
        if expected is None or given is None:
            return False
        return hmac.compare_digest(given.encode(), expected.encode())


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
            403: OpenApiResponse(ERROR_DETAIL, description=f"Missing or wrong {SECRET_HEADER}."),
        },
    )
    def post(self, request: Request) -> Response:
        try:
            outcome = self._receive(request)
        except UNAVAILABLE:
            webhook_updates.labels("unavailable").inc()
            raise
        webhook_updates.labels(outcome.value).inc()
        return Response({"ok": True, "outcome": outcome.value}, status=status.HTTP_200_OK)

    def _receive(self, request: Request) -> Outcome:
        try:
            body = request.data
        except (ParseError, UnsupportedMediaType) as exc:
            logger.warning("Telegram update not applied, malformed: %s", exc.detail)
            return Outcome.MALFORMED
        return update_receive(body)
