"""The admin site is for staff: anyone else is sent to its login page, never shown a model."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.messaging.api_support import make_user

PAGES = ("/admin/", "/admin/messaging/chat/", "/admin/auth/user/", "/admin/authtoken/tokenproxy/")


def browser(**flags: bool) -> Client:
    client = Client()
    client.force_login(make_user("admin-visitor", **flags))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_a_logged_in_user_without_staff_is_sent_to_the_login(page: str) -> None:
    for client in (browser(), Client()):
        response = client.get(page)
        assert response.status_code == 302, (page, response.status_code)
        assert response["Location"].startswith("/admin/login/"), response["Location"]


@pytest.mark.django_db
def test_a_non_staff_login_is_refused() -> None:
    user = make_user("not-staff")
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": user.username, "password": f"pw-{user.username}"}
    )
    assert response.status_code == 200 and b"staff account" in response.content
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_staff_gets_in() -> None:
    staff = browser(is_staff=True, is_superuser=True)
    for page in PAGES:
        assert staff.get(page).status_code == 200, page
