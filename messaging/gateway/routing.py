"""WebSocket URLs of the messaging app (mounted by the project's ASGI application)."""

from django.urls import path

from messaging.gateway.consumer import GatewayConsumer

# Channels' documented form; django-stubs types path() for views only.
websocket_urlpatterns = [path("ws/", GatewayConsumer.as_asgi())]  # type: ignore[arg-type]
