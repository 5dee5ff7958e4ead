"""The PostgreSQL models: their constraints, and their admin pages."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from messaging.models import Chat, MessageTemplate, Participant, SearchEntry
from tests.messaging.api_support import create_chat, make_user, post_message

pytestmark = pytest.mark.usefixtures("stores")


def test_a_user_takes_part_in_a_chat_once() -> None:
    alice = make_user("alice")
    chat = Chat.objects.create(name="c", created_by=alice)
    Participant.objects.create(chat=chat, user=alice, role="owner")
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(chat=chat, user=alice)


def test_a_telegram_chat_is_linked_to_one_chat_at_most() -> None:
    alice = make_user("alice")
    Chat.objects.create(name="a", created_by=alice, telegram_chat_id=-1001)
    Chat.objects.create(name="b", created_by=alice)
    Chat.objects.create(name="c", created_by=alice)  # many chats without a link
    with pytest.raises(IntegrityError), transaction.atomic():
        Chat.objects.create(name="d", created_by=alice, telegram_chat_id=-1001)


def test_a_message_is_indexed_once_per_chat() -> None:
    alice = make_user("alice")
    chat_id = create_chat(alice)["id"]
    message = post_message(alice, chat_id, "indexed")
    entry = SearchEntry.objects.get(chat_id=chat_id)
    assert entry.message_id == int(message["id"]) and entry.sender_id == alice.pk
    assert entry.search_vector is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        SearchEntry.objects.create(
            chat_id=chat_id, message_id=entry.message_id, created_at=entry.created_at
        )


def test_template_names_are_unique_per_owner() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    MessageTemplate.objects.create(owner=alice, name="hi", body="x")
    MessageTemplate.objects.create(owner=bob, name="hi", body="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        MessageTemplate.objects.create(owner=alice, name="hi", body="y")


def test_the_admin_pages_render_with_filters_and_search() -> None:
    admin = make_user("admin", is_staff=True, is_superuser=True)
    alice = make_user("alice")
    chat_id = create_chat(admin, alice)["id"]
    post_message(admin, chat_id, "admin sees this")
    MessageTemplate.objects.create(owner=admin, name="t", body="b")
    browser = Client()
    browser.force_login(admin)
    pages = [
        "/admin/messaging/chat/?type__exact=group&q=chat",
        f"/admin/messaging/chat/{chat_id}/change/",
        "/admin/messaging/participant/?role__exact=owner",
        "/admin/messaging/messagetemplate/?shared__exact=0&q=t",
        "/admin/messaging/searchentry/?q=admin",
        f"/admin/messaging/searchentry/{SearchEntry.objects.get(chat_id=chat_id).pk}/change/",
    ]
    for page in pages:
        response = browser.get(page)
        assert response.status_code == 200, page
    assert b"admin sees this" in browser.get("/admin/messaging/searchentry/?q=admin").content
    assert browser.get("/admin/messaging/searchentry/add/").status_code == 403
