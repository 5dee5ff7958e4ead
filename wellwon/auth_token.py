"""``POST /api/auth/token/`` (log in) and ``POST /api/auth/logout/`` (revoke my token).

Log in is DRF's token view, with its 400 in the OpenAPI schema (DRF answers a
400 for missing or wrong credentials but does not declare it, so schema-driven
clients and the schemathesis run would treat it as undocumented), answering
the user's live token or a new one when it has expired
(``wellwon.credentials``).
"""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from messaging.api.schema import BAD_INPUT, UNAUTHENTICATED
from wellwon.credentials import credentials_changed, token_issue

_TOKEN = inline_serializer("Token", fields={"token": serializers.CharField()})


class ObtainToken(ObtainAuthToken):
    @extend_schema(responses={200: _TOKEN, 400: BAD_INPUT})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"token": token_issue(serializer.validated_data["user"]).key})


class RevokeToken(APIView):
    """Log out of the API: my token stops working at once (a new login makes another)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 401: UNAUTHENTICATED})
    def post(self, request: Request) -> Response:
        credentials_changed(user_id=cast(int, request.user.pk), revoke_tokens=True)
        return Response(status=status.HTTP_204_NO_CONTENT)
