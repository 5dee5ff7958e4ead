"""The OpenAPI schema renders without warnings and describes every endpoint of the contract."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from tests.messaging.api_support import client_of, make_user

PATHS = {
    "/api/chats/": {"get", "post"},
    "/api/chats/{chat_id}/": {"get", "patch", "delete"},
    "/api/chats/{chat_id}/participants/": {"get", "post"},
    "/api/chats/{chat_id}/participants/{user_id}/": {"delete"},
    "/api/chats/{chat_id}/messages/": {"get", "post"},
    "/api/chats/{chat_id}/messages/{message_id}/": {"get", "patch", "delete"},
    "/api/chats/{chat_id}/messages/{message_id}/history/": {"get"},
    "/api/chats/{chat_id}/messages/{message_id}/reactions/": {"post"},
    "/api/chats/{chat_id}/messages/{message_id}/reactions/{emoji}/": {"delete"},
    "/api/chats/{chat_id}/pins/": {"get", "post"},
    "/api/chats/{chat_id}/pins/{message_id}/": {"delete"},
    "/api/chats/{chat_id}/read/": {"get", "post"},
    "/api/templates/": {"get", "post"},
    "/api/templates/{id}/": {"get", "patch", "delete"},
    "/api/search/": {"get"},
}


def test_the_schema_generates_with_warnings_as_errors() -> None:
    out = StringIO()
    call_command(
        "spectacular", "--fail-on-warn", "--validate", "--format", "openapi-json", stdout=out
    )
    assert '"openapi": "3' in out.getvalue()


@pytest.mark.django_db
def test_every_endpoint_is_described_with_its_errors() -> None:
    schema: dict[str, Any] = (
        client_of(make_user("reader")).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    )
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        described = schema["paths"][path]
        assert methods <= set(described), (path, set(described))
        for method in methods:
            responses = set(described[method]["responses"])
            assert "401" in responses, (path, method)
            if "{chat_id}" in path:
                assert "404" in responses, (path, method)
            if method in {"post", "patch"}:
                assert "400" in responses, (path, method)
    message = schema["components"]["schemas"]["Message"]["properties"]
    assert set(message) >= {
        "id",
        "chat_id",
        "sender",
        "content",
        "type",
        "source",
        "reply_to",
        "attachments",
        "mentions",
        "reactions",
        "created_at",
        "edited_at",
        "deleted",
        "telegram",
    }
    assert message["id"]["type"] == "string"


@pytest.mark.django_db
def test_the_interactive_docs_render() -> None:
    response = client_of(make_user("reader")).get("/api/docs/")
    assert response.status_code == 200 and b"swagger" in response.content.lower()
