"""The browsable API: a logged-in person can see and use every page in a browser.

The pages render as HTML (with their forms) under session authentication,
and a form post (CSRF-checked) creates a chat and a message.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.messaging.api_support import create_chat, make_user, post_message

pytestmark = pytest.mark.usefixtures("stores")


def test_every_page_renders_as_html_for_a_logged_in_user() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    message = post_message(alice, chat_id, "browsable")
    browser = Client()
    browser.force_login(alice)
    pages = [
        "/api/",
        "/api/chats/",
        f"/api/chats/{chat_id}/",
        f"/api/chats/{chat_id}/participants/",
        f"/api/chats/{chat_id}/messages/",
        f"/api/chats/{chat_id}/messages/{message['id']}/",
        f"/api/chats/{chat_id}/messages/{message['id']}/history/",
        f"/api/chats/{chat_id}/pins/",
        f"/api/chats/{chat_id}/read/",
        "/api/templates/",
        "/api/search/?q=browsable",
    ]
    for page in pages:
        response = browser.get(page, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, page
        assert b"<form" in response.content or page == "/api/", page
    assert b"/api/chats/" in browser.get("/api/", HTTP_ACCEPT="text/html").content


def test_a_session_user_posts_with_a_csrf_token() -> None:
    alice = make_user("alice")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    refused = browser.post("/api/chats/", {"name": "no token"})
    assert refused.status_code == 403
    browser.get("/api/chats/", HTTP_ACCEPT="text/html")
    token = browser.cookies["csrftoken"].value
    created = browser.post("/api/chats/", {"name": "form chat"}, HTTP_X_CSRFTOKEN=token)
    assert created.status_code == 201
    chat_id = created.json()["id"]
    posted = browser.post(
        f"/api/chats/{chat_id}/messages/", {"content": "from a form"}, HTTP_X_CSRFTOKEN=token
    )
    assert posted.status_code == 201 and posted.json()["source"] == "web"


def test_a_token_client_posts_as_source_api() -> None:
    alice = make_user("alice")
    browser = Client()
    token = browser.post(
        "/api/auth/token/", {"username": alice.username, "password": "pw-" + alice.username}
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    chat_id = browser.post("/api/chats/", {"name": "api chat"}, **auth).json()["id"]
    posted = browser.post(f"/api/chats/{chat_id}/messages/", {"content": "hi"}, **auth)
    assert posted.status_code == 201 and posted.json()["source"] == "api"
