"""Top-level URLs: the API under /api/, admin, OpenAPI, probes and metrics."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from messaging.gateway.page import live_page
from wellwon import errors, health, metrics
from wellwon.auth_token import ObtainToken, RevokeToken

handler404 = "wellwon.errors.page_not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("app/", live_page, name="live-page"),
    path("api/auth/token/", ObtainToken.as_view(), name="api-token"),
    path("api/auth/logout/", RevokeToken.as_view(), name="api-logout"),
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
    # Last: the rest of api/ is a JSON 404, with DEBUG on too (wellwon.errors).
    re_path(errors.API_CATCH_ALL, errors.api_not_found, name="api-not-found"),
]
