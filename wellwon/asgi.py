"""ASGI entry point: HTTP (Django) and the WebSocket gateway (``/ws/``) on one port.

Browsers are identified by their session cookie (``AuthMiddlewareStack``), and
only from an allowed origin (``messaging.gateway.origin``); other clients send
an ``identify`` frame with their token.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellwon.settings")
# A connection pool, not one persistent connection per request thread (wellwon.settings).
os.environ.setdefault("POSTGRES_POOL", "true")
django_asgi = get_asgi_application()  # sets Django up before the consumers are imported

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from messaging.gateway.origin import browser_origin_validator  # noqa: E402
from messaging.gateway.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # With DEBUG (make run) the admin's and the page's static files, as runserver would.
        "http": ASGIStaticFilesHandler(django_asgi) if settings.DEBUG else django_asgi,
        "websocket": browser_origin_validator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))  # type: ignore[arg-type]
        ),
    }
)
