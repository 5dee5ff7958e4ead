"""``manage.py seed_demo``: the demo data, created once however often it runs."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from messaging.models import Chat, MessageTemplate
from messaging.scylla import ScyllaClient
from messaging.scylla.snowflake import calculate_message_bucket
from tests.messaging.api_support import client_of, messages_url, ok


@pytest.fixture(autouse=True)
def _stores(cql: ScyllaClient, db: Any, settings: Any) -> None:
    """Real CQL (test keyspace) and PostgreSQL for every test here, in development mode
    (pytest-django runs tests with DEBUG off; seed_demo is for development only)."""
    settings.DEBUG = True


def test_seed_demo_is_idempotent_and_seeds_a_browsable_conversation() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    assert "30 demo messages" in out.getvalue() and "demo messages present" in out.getvalue()

    users = get_user_model().objects
    demo, alice = users.get(username="demo"), users.get(username="alice")
    assert demo.is_superuser and demo.is_staff and demo.check_password("demo-password")
    assert alice.check_password("alice-password") and not alice.is_staff
    assert Chat.objects.filter(name="Welcome").count() == 1
    assert MessageTemplate.objects.filter(owner=demo, shared=True).count() == 1

    chat = ok(client_of(alice).get("/api/chats/"))["results"][0]
    assert chat["name"] == "Welcome" and chat["message_count"] == 30
    messages: list[dict[str, Any]] = []
    url: str | None = messages_url(chat["id"]) + "?limit=100"
    while url:
        page = ok(client_of(alice).get(url))
        messages += page["results"]
        url = page["next"]
    assert len(messages) == 30
    assert len({calculate_message_bucket(int(m["id"])) for m in messages}) >= 3
    first = messages[-1]
    assert first["reactions"] == [{"emoji": "👍", "count": 1, "me": True}]
    pins = ok(client_of(demo).get(f"/api/chats/{chat['id']}/pins/"))
    assert [p["message"]["id"] for p in pins] == [first["id"]]
    assert ok(client_of(demo).get("/api/search/?q=bucket"))["results"]
