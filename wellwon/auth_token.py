"""``POST /api/auth/token/`` (log in) and ``POST /api/auth/logout/`` (revoke my token).

Log in is DRF's token view, with its 400 in the OpenAPI schema (DRF answers a
400 for missing or wrong credentials but does not declare it, so schema-driven
clients and the schemathesis run would treat it as undocumented), answering
the user's live token or a new one when it has expired
(``wellwon.credentials``). Password guesses are counted by django-axes like
those of the admin (``wellwon.login_lockout``).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from messaging.api.schema import BAD_INPUT, ERROR_DETAIL, UNAUTHENTICATED
from wellwon.credentials import credentials_changed, token_issue

_TOKEN = inline_serializer("Token", fields={"token": serializers.CharField()})


class ObtainToken(ObtainAuthToken):
    def get_serializer_context(self) -> dict[str, Any]:
        # authenticate() gets Django's request, not DRF's wrapper: django-axes marks a
        # lockout on the request it is given, and its middleware reads Django's.
        return {**super().get_serializer_context(), "request": self.request._request}

    @extend_schema(
        responses={
            200: _TOKEN,
            400: BAD_INPUT,
            429: OpenApiResponse(
                ERROR_DETAIL,
                description="Too many failed logins of this username from this address"
                " (LOGIN_FAILURE_LIMIT); Retry-After says when to try again.",
            ),
        }
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        # A login like the admin's: last_login moves, and django-axes clears the failures.
        user_logged_in.send(sender=type(user), request=self.request._request, user=user)
        return Response({"token": token_issue(user).key})


class RevokeToken(APIView):
    """Log out of the API: my token stops working at once (a new login makes another)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 401: UNAUTHENTICATED})
    def post(self, request: Request) -> Response:
        credentials_changed(user_id=cast(int, request.user.pk), revoke_tokens=True)
        return Response(status=status.HTTP_204_NO_CONTENT)
