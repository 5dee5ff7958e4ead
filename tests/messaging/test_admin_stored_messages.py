"""The chat admin's read-only view of the CQL side: messages, reactions, pins, Telegram sync."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from messaging.models import Chat
from messaging.telegram.links import chat_link
from tests.messaging.api_support import client_of, create_chat, make_user, ok, post_message
from tests.telegram.support import channel_id_of, fresh_bare_id

pytestmark = pytest.mark.usefixtures("stores")


def staff() -> Client:
    client = Client()
    client.force_login(make_user("staff", is_staff=True, is_superuser=True))
    return client


def page_url(chat_id: Any, before: str | None = None) -> str:
    url = f"/admin/messaging/chat/{chat_id}/stored-messages/"
    return f"{url}?before={before}" if before else url


@pytest.fixture
def chat() -> dict[str, Any]:
    """A linked chat with three messages, one reacted to, one pinned, one deleted."""
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    posted = [post_message(alice, chat_id, f"message number {n}") for n in range(3)]
    base = f"/api/chats/{chat_id}/messages/"
    ok(client_of(bob).post(f"{base}{posted[0]['id']}/reactions/", {"emoji": "🎉"}), 201)
    ok(client_of(alice).post(f"/api/chats/{chat_id}/pins/", {"message_id": posted[1]["id"]}), 201)
    ok(client_of(alice).delete(f"{base}{posted[2]['id']}/"), 204)
    telegram_id = channel_id_of(fresh_bare_id())
    chat_link(chat=Chat.objects.get(pk=chat_id), telegram_chat_id=telegram_id)
    return {"id": chat_id, "posted": posted, "telegram_id": telegram_id}


def test_the_chat_page_links_to_its_stored_messages(chat: dict[str, Any]) -> None:
    response = staff().get(f"/admin/messaging/chat/{chat['id']}/change/")
    assert response.status_code == 200
    assert page_url(chat["id"]).encode() in response.content


def test_newest_messages_with_reactions_pins_and_sync_state(chat: dict[str, Any]) -> None:
    response = staff().get(page_url(chat["id"]))
    assert response.status_code == 200
    page = response.context["page"]
    rows = {str(row.message.message_id): row for row in page.messages}
    first, second, third = (rows[p["id"]] for p in chat["posted"])
    assert [r.message.message_id for r in page.messages] == sorted(
        (int(p["id"]) for p in chat["posted"]), reverse=True
    )
    assert [(r.emoji, r.count) for r in first.reactions] == [("🎉", 1)]
    assert second.pinned and not first.pinned
    assert third.message.is_deleted and third.message.content == ""
    assert [pin.message_id for pin in page.pins] == [int(chat["posted"][1]["id"])]
    assert page.sync_state.telegram_chat_id == chat["telegram_id"]
    html = response.content.decode()
    assert "message number 0" in html and "🎉 1" in html and "idle" in html
    assert "message number 2" not in html  # deleted: nothing of its body


def test_paged_by_id(chat: dict[str, Any]) -> None:
    client = staff()
    newest = chat["posted"][2]["id"]
    page = client.get(page_url(chat["id"], before=newest)).context["page"]
    assert [str(r.message.message_id) for r in page.messages] == [
        chat["posted"][1]["id"],
        chat["posted"][0]["id"],
    ]
    assert page.older_than is None  # the oldest page


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("{chat}/stored-messages/?before=abc", 404),  # not a message id
        (f"{uuid.uuid4()}/stored-messages/", 404),  # no such chat
    ],
)
def test_bad_paths_are_404(chat: dict[str, Any], path: str, status: int) -> None:
    url = "/admin/messaging/chat/" + path.format(chat=chat["id"])
    assert staff().get(url).status_code == status


def test_read_only(chat: dict[str, Any]) -> None:
    assert staff().post(page_url(chat["id"]), {"content": "x"}).status_code == 405


def test_staff_only(chat: dict[str, Any]) -> None:
    member = Client()
    member.force_login(make_user("member"))
    for client in (member, Client()):
        response = client.get(page_url(chat["id"]))
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
