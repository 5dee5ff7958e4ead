"""Top-level URLs: the API under /api/, admin, OpenAPI, probes and metrics."""

from typing import Any

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from messaging.api.schema import BAD_INPUT
from wellwon import health, metrics


class ObtainToken(ObtainAuthToken):
    """DRF's token view, with its 400 (missing or wrong credentials) in the schema."""

    @extend_schema(responses={200: AuthTokenSerializer, 400: BAD_INPUT})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


handler404 = "wellwon.errors.page_not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/auth/token/", ObtainToken.as_view(), name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api-auth/", include("rest_framework.urls")),
    # Before any other "api/" include, so chats/<uuid>/typing/ is never shadowed.
    path("api/", include("presence.urls")),
    path("api/", include("messaging.api.urls")),
    path("api/telegram/", include("messaging.telegram.urls")),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("metrics", metrics.metrics_view, name="metrics"),
]
