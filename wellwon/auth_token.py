"""``POST /api/auth/token/``: DRF's token view, with its 400 in the OpenAPI schema.

DRF's ``obtain_auth_token`` answers a 400 for missing or wrong credentials but
does not declare it, so schema-driven clients (and the schemathesis run) would
treat it as undocumented.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from messaging.api.schema import BAD_INPUT


class ObtainToken(ObtainAuthToken):
    @extend_schema(responses={200: AuthTokenSerializer, 400: BAD_INPUT})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)
