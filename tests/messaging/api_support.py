"""Shared pieces of the messaging tests: people, API clients, chats and messages.

Every test makes its own users (unique names) and chats (fresh UUIDs, so the
CQL rows of one test never meet another's); PostgreSQL rows roll back with
the test, CQL rows stay in the test keyspace under ids nobody reuses.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import connection
from rest_framework.response import Response
from rest_framework.test import APIClient

from messaging.models import Participant
from messaging.services.ledger import ledger_lock_key
from messaging.services.messages import message_send


def make_user(name: str, **extra: Any) -> AbstractUser:
    username = f"{name}-{uuid.uuid4().hex[:8]}"
    user: AbstractUser = get_user_model().objects.create_user(
        username=username, password="pw-" + username, **extra
    )
    return user


def client_of(user: AbstractUser | None) -> APIClient:
    """A client logged in as ``user`` (None: anonymous)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def ok(response: Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, getattr(response, "data", None))
    return response.data if hasattr(response, "data") else None


def create_chat(
    owner: AbstractUser,
    *members: AbstractUser,
    type: str = "group",
    name: str = "a chat",
) -> dict[str, Any]:
    body = {"name": name, "type": type, "participants": [m.pk for m in members]}
    chat: dict[str, Any] = ok(client_of(owner).post("/api/chats/", body, format="json"), 201)
    return chat


def messages_url(chat_id: str, *rest: object) -> str:
    tail = "".join(f"{part}/" for part in rest)
    return f"/api/chats/{chat_id}/messages/{tail}"


def post_message(user: AbstractUser, chat_id: str, content: str, **extra: Any) -> dict[str, Any]:
    body = {"content": content, **extra}
    message: dict[str, Any] = ok(
        client_of(user).post(messages_url(chat_id), body, format="json"), 201
    )
    return message


def seed_message(chat_id: str, user: AbstractUser, content: str, at: datetime) -> int:
    """A message dated ``at`` (an import), through the same use case as the API."""
    participant = Participant.objects.select_related("chat").get(chat_id=chat_id, user_id=user.pk)
    outcome = message_send(participant=participant, content=content, created_at=at)
    return outcome.message.message_id


@contextmanager
def ledger_held_elsewhere(chat_id: str) -> Iterator[None]:
    """Another session holds the chat's ledger lock until the block ends.

    Call it before this test's own session has taken the lock: inside the
    test's transaction a taken lock is held until the test ends.
    """
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        key = ledger_lock_key(uuid.UUID(chat_id))
        other.execute("SET lock_timeout = '5s'")
        other.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            yield
        finally:
            other.execute("SELECT pg_advisory_unlock(%s)", [key])
