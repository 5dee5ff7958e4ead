"""The presence endpoints over HTTP, with real PostgreSQL chats and real Redis expiry.

Chats and participants are the messaging app's ORM rows; membership is
checked through PRESENCE_MEMBERSHIP_CHECK (messaging's ``user_is_participant``).
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from rest_framework.test import APIClient

from messaging.models import Chat, Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(django_user_model: Any) -> AbstractUser:
    return django_user_model.objects.create_user(
        username=f"alice-{uuid.uuid4().hex[:8]}", first_name="Alice", last_name="Liddell"
    )


@pytest.fixture
def bob(django_user_model: Any) -> AbstractUser:
    return django_user_model.objects.create_user(username=f"bob-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def mallory(django_user_model: Any) -> AbstractUser:
    return django_user_model.objects.create_user(username=f"mallory-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def chat(alice: AbstractUser, bob: AbstractUser) -> Chat:
    chat = Chat.objects.create(name="tea party", created_by=alice)
    Participant.objects.create(chat=chat, user=alice, role="owner")
    Participant.objects.create(chat=chat, user=bob)
    return chat


def client_of(user: AbstractUser | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def typing_url(chat_id: uuid.UUID) -> str:
    return f"/api/chats/{chat_id}/typing/"


class TestTyping:
    def test_one_types_the_other_sees_it_then_it_is_gone(
        self, settings: Any, chat: Chat, alice: AbstractUser, bob: AbstractUser
    ) -> None:
        settings.PRESENCE_TYPING_TTL = 1.0
        before = datetime.now(UTC)
        assert client_of(alice).post(typing_url(chat.id)).status_code == 204

        seen = client_of(bob).get(typing_url(chat.id))
        assert seen.status_code == 200
        [entry] = seen.json()["typing"]
        assert entry["user"] == {
            "id": alice.pk,
            "username": alice.username,
            "display_name": "Alice Liddell",
        }
        expires_at = datetime.fromisoformat(entry["expires_at"])
        assert before < expires_at < before + timedelta(seconds=2)
        # Alice does not see herself.
        assert client_of(alice).get(typing_url(chat.id)).json() == {"typing": []}

        time.sleep(1.2)
        assert client_of(bob).get(typing_url(chat.id)).json() == {"typing": []}

    def test_the_default_ttl_is_ten_seconds(
        self, chat: Chat, alice: AbstractUser, bob: AbstractUser
    ) -> None:
        before = datetime.now(UTC)
        client_of(bob).post(typing_url(chat.id))
        [entry] = client_of(alice).get(typing_url(chat.id)).json()["typing"]
        expires_at = datetime.fromisoformat(entry["expires_at"])
        assert before + timedelta(seconds=9) < expires_at < before + timedelta(seconds=11)
        assert entry["user"]["display_name"] == bob.username  # no full name

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_a_non_participant_gets_404(
        self, method: str, chat: Chat, mallory: AbstractUser
    ) -> None:
        response = getattr(client_of(mallory), method)(typing_url(chat.id))
        assert response.status_code == 404
        assert "detail" in response.json()

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_an_unknown_chat_gets_404(self, method: str, alice: AbstractUser) -> None:
        response = getattr(client_of(alice), method)(typing_url(uuid.uuid4()))
        assert response.status_code == 404

    def test_a_non_participant_cannot_see_who_types(
        self, chat: Chat, alice: AbstractUser, mallory: AbstractUser
    ) -> None:
        client_of(alice).post(typing_url(chat.id))
        response = client_of(mallory).get(typing_url(chat.id))
        assert response.status_code == 404
        assert "typing" not in response.json()

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_anonymous_gets_401(self, method: str, chat: Chat) -> None:
        response = getattr(client_of(None), method)(typing_url(chat.id))
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Token")

    def test_not_a_uuid_is_404(self, alice: AbstractUser) -> None:
        assert client_of(alice).get("/api/chats/not-a-uuid/typing/").status_code == 404

    @pytest.mark.usefixtures("redis_down")
    @pytest.mark.parametrize("method", ["get", "post"])
    def test_redis_down_is_503(self, method: str, chat: Chat, alice: AbstractUser) -> None:
        started = time.monotonic()
        response = getattr(client_of(alice), method)(typing_url(chat.id))
        assert response.status_code == 503
        assert "presence store (Redis) is unavailable" in response.json()["detail"]
        assert response.headers["Retry-After"] == "5"
        assert time.monotonic() - started < 5

    @pytest.mark.usefixtures("redis_down")
    def test_redis_down_still_hides_the_chat_from_a_non_participant(
        self, chat: Chat, mallory: AbstractUser
    ) -> None:
        assert client_of(mallory).get(typing_url(chat.id)).status_code == 404


class TestPresence:
    @pytest.mark.usefixtures("chat")
    def test_heartbeat_then_read(self, alice: AbstractUser, bob: AbstractUser) -> None:
        before = datetime.now(UTC) - timedelta(seconds=1)
        response = client_of(alice).post("/api/presence/", {"status": "dnd"}, format="json")
        assert response.status_code == 204

        response = client_of(bob).get(f"/api/presence/?users={alice.pk},{bob.pk}")
        assert response.status_code == 200
        alice_row, bob_row = response.json()["results"]
        assert alice_row["user_id"] == alice.pk
        assert alice_row["status"] == "dnd"
        assert datetime.fromisoformat(alice_row["last_seen"]) > before
        assert bob_row == {"user_id": bob.pk, "status": "offline", "last_seen": None}

    @pytest.mark.usefixtures("chat")
    def test_offline_after_the_window(
        self, settings: Any, alice: AbstractUser, bob: AbstractUser
    ) -> None:
        settings.PRESENCE_ONLINE_WINDOW = 1.0
        client_of(alice).post("/api/presence/", {"status": "online"}, format="json")
        url = f"/api/presence/?users={alice.pk}"
        assert client_of(bob).get(url).json()["results"][0]["status"] == "online"
        time.sleep(1.2)
        [row] = client_of(bob).get(url).json()["results"]
        assert row["status"] == "offline"
        assert row["last_seen"] is not None

    def test_a_form_post_works_too(self, alice: AbstractUser) -> None:
        response = client_of(alice).post("/api/presence/", {"status": "away"})
        assert response.status_code == 204

    @pytest.mark.parametrize("body", [{}, {"status": "offline"}, {"status": "sleeping"}])
    def test_a_bad_status_is_400(self, body: dict[str, str], alice: AbstractUser) -> None:
        response = client_of(alice).post("/api/presence/", body, format="json")
        assert response.status_code == 400
        assert "status" in response.json()

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("", "at least one user id"),
            ("?users=", "at least one user id"),
            ("?users=,,", "at least one user id"),
            ("?users=1,abc,-2", "not: abc, -2"),
            ("?users=1.5", "not: 1.5"),
            ("?users=" + "9" * 5000, "positive integers"),
            ("?users=" + ",".join(str(i) for i in range(101)), "At most 100 users"),
        ],
    )
    def test_bad_ids_are_400_with_a_clear_message(
        self, query: str, message: str, alice: AbstractUser
    ) -> None:
        response = client_of(alice).get(f"/api/presence/{query}")
        assert response.status_code == 400
        [detail] = response.json()["users"]
        assert message in detail

    def test_a_hundred_ids_with_spaces_and_duplicates_are_fine(self, alice: AbstractUser) -> None:
        ids = ", ".join(str(i) for i in [*range(1, 101), 5])
        response = client_of(alice).get(f"/api/presence/?users={ids}")
        assert response.status_code == 200
        assert [r["user_id"] for r in response.json()["results"]] == list(range(1, 101))

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_anonymous_gets_401(self, method: str) -> None:
        response = getattr(client_of(None), method)("/api/presence/?users=1")
        assert response.status_code == 401

    @pytest.mark.usefixtures("redis_down")
    def test_redis_down_is_503(self, alice: AbstractUser) -> None:
        client = client_of(alice)
        for response in (
            client.post("/api/presence/", {"status": "online"}, format="json"),
            client.get(f"/api/presence/?users={alice.pk}"),
        ):
            assert response.status_code == 503
            assert "presence store (Redis) is unavailable" in response.json()["detail"]


class TestPresenceScope:
    """Presence is shown only of people who share a chat with the caller; everyone else
    (unknown ids included) reads as offline, never seen, so an answer tells nothing."""

    @pytest.mark.usefixtures("chat")
    def test_a_stranger_reads_as_offline_like_an_unknown_id(
        self, alice: AbstractUser, bob: AbstractUser, mallory: AbstractUser
    ) -> None:
        for user in (bob, mallory):
            client_of(user).post("/api/presence/", {"status": "online"}, format="json")
        unknown = mallory.pk + 1000
        response = client_of(alice).get(f"/api/presence/?users={mallory.pk},{bob.pk},{unknown}")
        assert response.status_code == 200
        hidden, shown, nobody = response.json()["results"]
        assert hidden == {"user_id": mallory.pk, "status": "offline", "last_seen": None}
        assert nobody == {"user_id": unknown, "status": "offline", "last_seen": None}
        assert shown["user_id"] == bob.pk and shown["status"] == "online"

    def test_a_stranger_does_not_see_me_but_i_see_myself(
        self, alice: AbstractUser, mallory: AbstractUser
    ) -> None:
        client_of(alice).post("/api/presence/", {"status": "away"}, format="json")
        url = f"/api/presence/?users={alice.pk}"
        assert client_of(mallory).get(url).json()["results"][0]["status"] == "offline"
        assert client_of(alice).get(url).json()["results"][0]["status"] == "away"

    def test_leaving_the_only_shared_chat_hides_presence(
        self, chat: Chat, alice: AbstractUser, bob: AbstractUser
    ) -> None:
        client_of(bob).post("/api/presence/", {"status": "dnd"}, format="json")
        url = f"/api/presence/?users={bob.pk}"
        assert client_of(alice).get(url).json()["results"][0]["status"] == "dnd"
        Participant.objects.filter(chat=chat, user=bob).delete()
        assert client_of(alice).get(url).json()["results"][0]["last_seen"] is None


def test_the_openapi_schema_describes_the_endpoints() -> None:
    from drf_spectacular.generators import SchemaGenerator

    from presence.urls import urlpatterns

    schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)
    typing = schema["paths"]["/chats/{chat_id}/typing/"]
    assert set(typing) == {"get", "post"}
    assert {"200", "404", "503"} <= set(typing["get"]["responses"])
    presence = schema["paths"]["/presence/"]
    assert [p["name"] for p in presence["get"]["parameters"]] == ["users"]


def test_the_browsable_api_renders_both_pages(chat: Chat, alice: AbstractUser) -> None:
    client = client_of(alice)
    for url in (typing_url(chat.id), "/api/presence/?users=1"):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert 'method="POST"' in response.content.decode()
