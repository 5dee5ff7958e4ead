"""Templates: CRUD by their owner, shared ones visible to all, posting a template with values."""

from __future__ import annotations

import pytest

from messaging.errors import InvalidInput
from messaging.services.templates import template_placeholders
from tests.messaging.api_support import client_of, create_chat, make_user, messages_url, ok

pytestmark = pytest.mark.usefixtures("stores")


def test_placeholders_are_names_in_braces_and_doubled_braces_are_literal() -> None:
    assert template_placeholders("Hi {name}, {team} says {name}!") == ["name", "team"]
    assert template_placeholders("{{literal}} and {x_1}") == ["x_1"]
    for bad in ("a { b", "a } b", "{0.__class__}", "{}"):
        with pytest.raises(InvalidInput):
            template_placeholders(bad)


def test_crud_of_my_templates_and_visibility_of_shared_ones() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    mine = ok(
        client_of(alice).post(
            "/api/templates/", {"name": "standup", "body": "Today: {today}"}, format="json"
        ),
        201,
    )
    assert mine["placeholders"] == ["today"] and mine["mine"] is True and mine["shared"] is False
    assert mine["owner"]["id"] == alice.pk
    url = f"/api/templates/{mine['id']}/"
    assert client_of(bob).get(url).status_code == 404
    shared = ok(client_of(alice).patch(url, {"shared": True}, format="json"))
    assert shared["shared"] is True and shared["body"] == "Today: {today}"
    seen = ok(client_of(bob).get(url))
    assert seen["mine"] is False
    assert [t["id"] for t in ok(client_of(bob).get("/api/templates/"))["results"]] == [mine["id"]]
    renamed = ok(client_of(alice).patch(url, {"name": "daily"}, format="json"))
    assert renamed["name"] == "daily" and renamed["shared"] is True
    ok(client_of(alice).delete(url), 204)
    assert client_of(alice).get(url).status_code == 404


def test_posting_a_template_with_values() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    template = ok(
        client_of(bob).post(
            "/api/templates/",
            {"name": "welcome", "body": "Welcome {name} to {{team}} {team}!", "shared": True},
            format="json",
        ),
        201,
    )
    body = {"template": {"id": template["id"], "values": {"name": "Carol", "team": "QA"}}}
    posted = ok(client_of(alice).post(messages_url(chat_id), body, format="json"), 201)
    assert posted["content"] == "Welcome Carol to {team} QA!"
    found = ok(client_of(bob).get("/api/search/?q=Carol"))["results"]
    assert [r["id"] for r in found] == [posted["id"]]
