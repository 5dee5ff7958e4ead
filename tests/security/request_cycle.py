"""Run as ``python -m tests.security.request_cycle``: one request cycle against failing stores.

The secrets test starts this in a subprocess with distinctive secrets in the
environment and every store's credentials wrong or its port closed, logging at
DEBUG, then looks for the secrets in everything the process printed or logged.
It walks the paths where a secret could leak: store connection errors (the
readiness probe names each one), a login, the API's 401 and 503 answers, the
Telegram webhook with a wrong and a right secret, a 404. Answers go to stdout
so they are searched too.
"""

from __future__ import annotations

import json
import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellwon.settings")
    django.setup()
    from django.test import Client

    from messaging.scylla import get_scylla_client

    secret = os.environ["TELEGRAM_WEBHOOK_SECRET"]
    client = Client()
    update = json.dumps({"update_id": 1, "message": {"message_id": 1}})
    answers = [
        client.get("/health/ready"),
        client.get("/api/chats/"),
        client.post("/api/auth/token/", {"username": "someone", "password": "not-a-secret"}),
        client.post(
            "/api/telegram/webhook/",
            update,
            content_type="application/json",
            HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="wrong",
        ),
        client.post(
            "/api/telegram/webhook/",
            update,
            content_type="application/json",
            HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=secret,
        ),
        client.get("/api/no/such/path/"),
    ]
    for response in answers:
        print(response.status_code, response.content.decode(errors="replace"))
    try:
        get_scylla_client().execute("SELECT now() FROM system.local")
    except Exception as exc:
        print("CQL:", type(exc).__name__, exc)


if __name__ == "__main__":
    main()
