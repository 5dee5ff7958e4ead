"""Under /api/ every error is JSON (``{"detail": ...}``), with DEBUG on or off.

Django answers a URL that no route matches itself, with its HTML technical
page when DEBUG is on; an outside fuzzer found 11 operations where a path
parameter of the wrong form (``/api/chats/0.5/pins/``) got that page.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from tests.security.support import readable_problem

CHAT = str(uuid.uuid4())
PATHS = [
    "/api/chats/0.5/",
    "/api/chats/0.5/pins/",
    "/api/chats/0.5/pins/1/",
    "/api/chats/0.5/messages/",
    "/api/chats/0.5/messages/1/reactions/",
    "/api/chats/0.5/participants/",
    "/api/chats/0.5/read/",
    "/api/chats/0.5/typing/",
    "/api/chats/not-a-uuid/typing/",
    f"/api/chats/{CHAT}/messages/0.5/",
    f"/api/chats/{CHAT}/nothing-here/",
    "/api/templates/0.5/",
    "/api/nothing-here/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
@pytest.mark.parametrize("path", PATHS)
def test_a_path_of_the_wrong_form_is_a_json_404(path: str, debug: bool, settings: Any) -> None:
    settings.DEBUG = debug
    client = Client()
    client.force_login(_user())
    response = client.get(path)
    assert response.status_code == 404, (path, response.status_code)
    problem = readable_problem(response.status_code, response["Content-Type"], response.content)
    assert problem is None, problem


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_outside_the_api_django_pages_stay(debug: bool, settings: Any) -> None:
    settings.DEBUG = debug
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and "text/html" in response["Content-Type"]


def _user() -> Any:
    from tests.messaging.api_support import make_user

    return make_user("wanderer")
