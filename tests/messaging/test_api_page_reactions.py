"""A page reads reactions only for messages that may have some (``messages.has_reactions``)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser

from messaging.scylla import ScyllaClient, calculate_message_bucket
from tests.messaging.api_support import (
    client_of,
    create_chat,
    make_user,
    messages_url,
    ok,
    post_message,
)

pytestmark = pytest.mark.django_db


def page_of(user: AbstractUser, chat_id: str) -> dict[str, Any]:
    """The newest 50 messages as ``content -> reactions``."""
    results = ok(client_of(user).get(messages_url(chat_id), {"limit": 50}))["results"]
    return {m["content"]: m["reactions"] for m in results}


def test_reactions_of_a_row_written_before_the_flag_still_show(cql: ScyllaClient) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    old = post_message(alice, chat_id, "from before migration 003")
    ok(client_of(bob).post(messages_url(chat_id, old["id"], "reactions"), {"emoji": "👍"}), 201)
    message_id = int(old["id"])
    cql.execute(  # a row as migration 002 left it: no has_reactions cell at all
        f"DELETE has_reactions FROM {cql.keyspace}.messages"
        " WHERE channel_id = %s AND bucket = %s AND message_id = %s",
        (uuid.UUID(chat_id), calculate_message_bucket(message_id), message_id),
        write=True,
    )
    assert page_of(alice, chat_id)["from before migration 003"] == [
        {"emoji": "👍", "count": 1, "me": False}
    ]
