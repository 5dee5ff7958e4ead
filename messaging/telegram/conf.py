"""The Telegram bridge's settings, read from ``django.conf.settings``.

``TELEGRAM_WEBHOOK_SECRET`` (unset)
    The ``secret_token`` given to Telegram's ``setWebhook``. Unset or empty:
    the webhook refuses every delivery (403), so a missing variable never
    opens the endpoint.
"""

from __future__ import annotations

from django.conf import settings


def webhook_secret() -> str | None:
    value = getattr(settings, "TELEGRAM_WEBHOOK_SECRET", None)
    return str(value) if value else None
