"""Password guessing is throttled on every login: the admin, the browsable API and the token.

django-axes counts failed logins per (username, client address) in PostgreSQL;
the LOGIN_FAILURE_LIMIT-th failure (5) and anything after it, even the right
password, is refused for LOGIN_LOCKOUT_MINUTES (429), and the lockout is a row
in the admin. Keyed by the pair, one attacker cannot lock everyone out, and a
test's rows roll back with its transaction, so tests never lock each other out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from tests.messaging.api_support import make_user

pytestmark = pytest.mark.django_db

LIMIT = 5


def token_login(client: Client, username: str, password: str) -> Any:
    body = {"username": username, "password": password}
    return client.post("/api/auth/token/", body, content_type="application/json")


def api_auth_login(client: Client, username: str, password: str) -> Any:
    return client.post("/api-auth/login/", {"username": username, "password": password})


def admin_login(client: Client, username: str, password: str) -> Any:
    return client.post("/admin/login/", {"username": username, "password": password})


LOGINS: dict[str, tuple[Callable[[Client, str, str], Any], int]] = {
    "token": (token_login, 200),
    "api-auth": (api_auth_login, 302),
    "admin": (admin_login, 302),
}


def password_of(user: AbstractUser) -> str:
    return f"pw-{user.username}"


@pytest.mark.parametrize("login", LOGINS)
def test_the_right_password_is_refused_after_the_failure_limit(login: str) -> None:
    attempt, success = LOGINS[login]
    user = make_user("victim", is_staff=True)
    client = Client()
    for _ in range(LIMIT - 1):
        assert attempt(client, user.username, "guess").status_code in (200, 400)  # refused
    assert attempt(client, user.username, "guess").status_code == 429
    locked = attempt(client, user.username, password_of(user))
    assert locked.status_code == 429, (locked.status_code, locked.content[:200])
    other = make_user("bystander", is_staff=True)
    assert attempt(client, other.username, password_of(other)).status_code == success


def test_the_token_lockout_is_json_with_retry_after() -> None:
    user = make_user("victim")
    client = Client()
    for _ in range(LIMIT):
        token_login(client, user.username, "guess")
    locked = token_login(client, user.username, password_of(user))
    assert locked.status_code == 429 and locked["Content-Type"] == "application/json"
    assert "Too many failed logins" in locked.json()["detail"]
    assert int(locked["Retry-After"]) > 0


def test_a_success_before_the_limit_starts_the_count_again() -> None:
    user = make_user("forgetful")
    client = Client()
    for _ in range(LIMIT - 1):
        token_login(client, user.username, "guess")
    assert token_login(client, user.username, password_of(user)).status_code == 200
    for _ in range(LIMIT - 1):
        token_login(client, user.username, "guess")
    assert token_login(client, user.username, password_of(user)).status_code == 200


def test_lockouts_are_listed_in_the_admin() -> None:
    from axes.models import AccessAttempt

    user = make_user("victim")
    for _ in range(LIMIT):
        token_login(Client(), user.username, "guess")
    assert AccessAttempt.objects.filter(username=user.username, failures_since_start=LIMIT)
    staff = Client()
    staff.force_login(make_user("staff", is_staff=True, is_superuser=True))
    page = staff.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and user.username in page.content.decode()
