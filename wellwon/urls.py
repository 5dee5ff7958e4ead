"""Top-level URLs: the API under /api/, admin, OpenAPI, probes and metrics."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from wellwon import health, metrics

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/auth/token/", obtain_auth_token, name="api-token"),
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
