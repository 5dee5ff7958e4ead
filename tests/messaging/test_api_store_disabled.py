"""SCYLLA_ENABLED=false: message endpoints answer 503, the PostgreSQL side keeps working."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from messaging.scylla import reset_scylla_client
from tests.messaging.api_support import client_of, make_user, messages_url, ok

pytestmark = pytest.mark.django_db


@pytest.fixture
def store_disabled() -> Iterator[None]:
    reset_scylla_client()
    with override_settings(SCYLLA_ENABLED=False):
        yield
    reset_scylla_client()


def test_message_endpoints_say_the_store_is_disabled(store_disabled: Any) -> None:
    alice = make_user("alice")
    client = client_of(alice)
    chat = ok(client.post("/api/chats/", {"name": "offline"}, format="json"), 201)
    chat_id = chat["id"]
    calls = [
        client.get(messages_url(chat_id)),
        client.post(messages_url(chat_id), {"content": "hi"}, format="json"),
        client.get(messages_url(chat_id, "12345")),
        client.get(f"/api/chats/{chat_id}/pins/"),
        client.post(f"/api/chats/{chat_id}/read/", {"message_id": "12345"}),
    ]
    for response in calls:
        assert response.status_code == 503, response.content
        assert "message store is disabled" in response.json()["detail"]
    # PostgreSQL-only endpoints still answer; chats are listed without last messages.
    assert ok(client.get("/api/chats/"))["results"][0]["last_message"] is None
    ok(client.get(f"/api/chats/{chat_id}/participants/"))
    ok(client.get("/api/templates/"))
    ok(client.get(f"/api/chats/{chat_id}/read/"))
