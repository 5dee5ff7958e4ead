"""Cached authentication, membership and profiles: a change in one process binds the next
request in another, and Redis down means PostgreSQL, never "allow".

This process serves the requests (Django's test client, caches warmed first);
another Python process makes each change through the ORM, as an admin action,
a shell or another web worker would. The data is committed (transactional_db)
so the other process sees it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.messaging.api_support import create_chat, make_user, messages_url, ok, post_message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("cql")]

ROOT = Path(__file__).resolve().parents[2]


def _elsewhere(code: str) -> None:
    """Runs ``code`` in another process, with User, Participant, Chat and Token at hand."""
    script = (
        "import django\ndjango.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "from rest_framework.authtoken.models import Token\n"
        "from messaging.models import Chat, Participant\n"
        "User = get_user_model()\n" + code
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "POSTGRES_DB": str(connection.settings_dict["NAME"]),  # the test database
    }
    subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=ROOT, env=env, timeout=60, check=True
    )


class Caller:
    """A token client, as every API client but the browser is."""

    def __init__(self, name: str) -> None:
        self.user = make_user(name)
        self.token = Token.objects.create(user=self.user)
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {self.token.key}")

    def get(self, path: str) -> Any:
        return self.client.get(path)


def _warm(caller: Caller, path: str) -> None:
    """Two requests: the first fills the caches, the second must be served by them."""
    ok(caller.get(path))
    with CaptureQueriesContext(connection) as queries:
        ok(caller.get(path))
    touched = " ".join(q["sql"] for q in queries.captured_queries)
    assert "authtoken_token" not in touched and "messaging_participant" not in touched, touched


@pytest.fixture
def chat() -> tuple[Caller, Caller, str]:
    owner, member = Caller("owner"), Caller("member")
    chat_id = create_chat(owner.user, member.user)["id"]
    post_message(owner.user, chat_id, "hello")
    return owner, member, chat_id


def test_warm_requests_skip_postgresql_for_token_membership_and_profiles(
    chat: tuple[Caller, Caller, str],
) -> None:
    _, member, chat_id = chat
    ok(member.get(messages_url(chat_id)))
    with CaptureQueriesContext(connection) as queries:
        page = ok(member.get(messages_url(chat_id)))
    assert page["results"][0]["content"] == "hello"
    assert queries.captured_queries == []


def test_a_token_deleted_elsewhere_is_refused_at_once(chat: tuple[Caller, Caller, str]) -> None:
    _, member, chat_id = chat
    _warm(member, messages_url(chat_id))
    _elsewhere(f"Token.objects.get(key={member.token.key!r}).delete()")
    assert member.get(messages_url(chat_id)).status_code == 401


def test_a_user_deactivated_elsewhere_is_refused_at_once(chat: tuple[Caller, Caller, str]) -> None:
    _, member, chat_id = chat
    _warm(member, messages_url(chat_id))
    _elsewhere(f"u = User.objects.get(pk={member.user.pk}); u.is_active = False; u.save()")
    assert member.get(messages_url(chat_id)).status_code == 401


def test_a_participant_removed_elsewhere_gets_404_at_once(chat: tuple[Caller, Caller, str]) -> None:
    _, member, chat_id = chat
    _warm(member, messages_url(chat_id))
    _elsewhere(f"Participant.objects.get(chat_id={chat_id!r}, user_id={member.user.pk}).delete()")
    assert member.get(messages_url(chat_id)).status_code == 404
    assert member.get(f"/api/chats/{chat_id}/").status_code == 404


def test_a_role_taken_away_elsewhere_is_refused_at_once(chat: tuple[Caller, Caller, str]) -> None:
    owner, _, chat_id = chat
    _warm(owner, messages_url(chat_id))
    _elsewhere(
        f"p = Participant.objects.get(chat_id={chat_id!r}, user_id={owner.user.pk}); "
        "p.role = 'member'; p.save()"
    )
    renamed = owner.client.patch(f"/api/chats/{chat_id}/", {"name": "mine"}, format="json")
    assert renamed.status_code == 403, renamed.content


def test_a_chat_archived_elsewhere_refuses_posts_at_once(chat: tuple[Caller, Caller, str]) -> None:
    _, member, chat_id = chat
    _warm(member, messages_url(chat_id))
    _elsewhere(f"c = Chat.objects.get(pk={chat_id!r}); c.archived = True; c.save()")
    sent = member.client.post(messages_url(chat_id), {"content": "late"}, format="json")
    assert sent.status_code == 403, sent.content


def test_a_name_changed_elsewhere_shows_on_the_next_page(chat: tuple[Caller, Caller, str]) -> None:
    owner, member, chat_id = chat
    _warm(member, messages_url(chat_id))
    _elsewhere(f"u = User.objects.get(pk={owner.user.pk}); u.first_name = 'Renamed'; u.save()")
    page = ok(member.get(messages_url(chat_id)))
    assert page["results"][0]["sender"]["display_name"] == "Renamed"


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there: Redis is down
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        },
        "throttle-fallback": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
)
def test_redis_down_means_postgresql_never_allow(chat: tuple[Caller, Caller, str]) -> None:
    owner, member, chat_id = chat
    assert ok(member.get(messages_url(chat_id)))["results"][0]["content"] == "hello"
    stranger = Caller("stranger")
    assert stranger.get(messages_url(chat_id)).status_code == 404
    member.token.delete()
    assert member.get(messages_url(chat_id)).status_code == 401
    assert owner.get(messages_url(chat_id)).status_code == 200
