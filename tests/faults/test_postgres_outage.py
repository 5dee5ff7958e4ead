"""PostgreSQL goes away: chat endpoints answer 503 with a clear message, then recover."""

from __future__ import annotations

import pytest
from django.db import connections

from tests.faults.conftest import pg_cluster, wait_until
from tests.messaging.api_support import client_of, create_chat, make_user

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_chat_endpoints_answer_503_while_postgres_is_down(postgres_restored: None) -> None:
    owner = make_user("owner")
    chat_id = create_chat(owner)["id"]
    api = client_of(owner)

    for conn in connections.all(initialized_only=True):
        conn.close()
    assert pg_cluster("stop") == 0
    response = api.get(f"/api/chats/{chat_id}/")
    assert response.status_code == 503, getattr(response, "data", response)
    assert "postgresql" in str(response.data["detail"]).lower()
    listing = api.get("/api/chats/")
    assert listing.status_code == 503

    assert pg_cluster("start") == 0
    wait_until(
        lambda: api.get(f"/api/chats/{chat_id}/").status_code == 200,
        timeout=60,
        what="chat endpoints recovering",
    )
