"""Search: PostgreSQL full-text over my chats only, ranked, hydrated from CQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.messaging.api_support import (
    client_of,
    create_chat,
    make_user,
    messages_url,
    ok,
    post_message,
)

pytestmark = pytest.mark.usefixtures("stores")


def search(user: Any, query: str) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = ok(client_of(user).get("/api/search/?" + query))["results"]
    return results


def test_results_come_from_my_chats_only_best_first() -> None:
    alice, bob, mallory = make_user("alice"), make_user("bob"), make_user("mallory")
    ours = create_chat(alice, bob)["id"]
    theirs = create_chat(mallory)["id"]
    weak = post_message(alice, ours, "the deployment went fine, then lunch")
    strong = post_message(bob, ours, "deployment deployment: deployment of the deployment service")
    post_message(mallory, theirs, "secret deployment plans")
    hits = search(alice, "q=deployment")
    assert [h["id"] for h in hits] == [strong["id"], weak["id"]]
    assert hits[0]["rank"] > hits[1]["rank"] > 0
    assert hits[0]["chat_id"] == ours and hits[0]["sender"]["id"] == bob.pk
    assert {"reactions", "created_at", "deleted", "telegram"} <= set(hits[0])
    assert [h["chat_id"] for h in search(mallory, "q=deployment")] == [theirs]


def test_stemming_phrases_exclusions_and_the_chat_filter() -> None:
    alice = make_user("alice")
    one, two = create_chat(alice)["id"], create_chat(alice)["id"]
    pinned = post_message(alice, one, "I pinned the release notes")
    phrase = post_message(alice, two, "release notes are out")
    assert [h["id"] for h in search(alice, "q=pins")] == [pinned["id"]]
    assert {h["id"] for h in search(alice, 'q="release notes"')} == {pinned["id"], phrase["id"]}
    assert [h["id"] for h in search(alice, "q=release -pinned")] == [phrase["id"]]
    assert [h["id"] for h in search(alice, f"q=release&chat={two}")] == [phrase["id"]]
    assert search(alice, "q=release&limit=1")[0]["id"] in {pinned["id"], phrase["id"]}
    assert search(alice, "q=the") == []  # only stop words


def test_edits_and_deletes_show_in_search() -> None:
    alice = make_user("alice")
    chat_id = create_chat(alice)["id"]
    message = post_message(alice, chat_id, "meeting at noon")
    ok(client_of(alice).patch(messages_url(chat_id, message["id"]), {"content": "lunch at one"}))
    assert search(alice, "q=meeting") == []
    assert search(alice, "q=lunch")[0]["content"] == "lunch at one"
    ok(client_of(alice).delete(messages_url(chat_id, message["id"])), 204)
    assert search(alice, "q=lunch") == []


def test_another_chat_in_the_filter_finds_nothing() -> None:
    alice, mallory = make_user("alice"), make_user("mallory")
    theirs = create_chat(mallory)["id"]
    post_message(mallory, theirs, "hidden words")
    assert search(alice, f"q=hidden&chat={theirs}") == []
