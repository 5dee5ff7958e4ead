"""API tokens end: logout revokes mine, they expire (AUTH_TOKEN_TTL_HOURS), and deactivating
a user or changing their password revokes all of theirs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.messaging.api_support import make_user

pytestmark = pytest.mark.django_db


def obtain(user: AbstractUser) -> str:
    body = {"username": user.username, "password": "pw-" + user.username}
    response = APIClient().post("/api/auth/token/", body, format="json")
    assert response.status_code == 200, response.json()
    token: str = response.json()["token"]
    return token


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def status_with(key: str) -> int:
    return with_token(key).get("/api/chats/").status_code


def test_logout_revokes_my_token() -> None:
    user = make_user("leaving")
    key = obtain(user)
    assert status_with(key) == 200
    assert with_token(key).post("/api/auth/logout/").status_code == 204
    assert status_with(key) == 401
    assert obtain(user) != key  # a new login gets a new token


def test_logout_needs_a_login() -> None:
    assert APIClient().post("/api/auth/logout/").status_code == 401


def _age(key: str, age: timedelta) -> None:
    """As if the token had been issued ``age`` ago (saved, as the admin would)."""
    token = Token.objects.get(key=key)
    token.created = timezone.now() - age
    token.save()


def test_a_token_expires_after_its_lifetime(settings: Any) -> None:
    settings.AUTH_TOKEN_TTL_HOURS = 2
    user = make_user("slow")
    key = obtain(user)
    _age(key, timedelta(hours=1))
    assert status_with(key) == 200
    _age(key, timedelta(hours=2, seconds=1))
    expired = with_token(key).get("/api/chats/")
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    fresh = obtain(user)
    assert fresh != key and status_with(fresh) == 200


def test_deactivating_a_user_revokes_their_tokens_for_good() -> None:
    user = make_user("gone")
    key = obtain(user)
    user.is_active = False
    user.save()
    assert not Token.objects.filter(user=user).exists()
    user.is_active = True
    user.save()
    assert status_with(key) == 401


def test_changing_the_password_revokes_the_tokens() -> None:
    user = make_user("careful")
    key = obtain(user)
    user.set_password("a whole new secret")
    user.save()
    assert status_with(key) == 401


def test_saving_anything_else_keeps_the_tokens() -> None:
    user = make_user("steady")
    key = obtain(user)
    user.first_name = "Steady"
    user.save()
    user.save(update_fields=["last_login"])
    assert status_with(key) == 200
