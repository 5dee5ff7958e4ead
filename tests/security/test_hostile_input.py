"""Hostile requests a fuzzer is unlikely to build: each answered with a readable 4xx, never a 5xx.

Sizes (content over the limit, a 10 MB body), bytes (invalid UTF-8, NUL),
numbers (huge and negative limits and ids), someone else's ids, JSON nested
10 000 deep, and bodies in the wrong media type. Every case runs as the owner
of a real chat on the real stores, so a request that slips past validation
reaches the services and the stores (where a NUL byte or a 2**64 id would
fail as a 500).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.test import override_settings
from rest_framework.test import APIClient

from messaging.models import MessageTemplate, SearchEntry
from messaging.repository.data import MAX_CONTENT_LENGTH
from tests.messaging.api_support import client_of, create_chat, make_user, post_message
from tests.security.support import readable_problem
from tests.telegram.support import fresh_bare_id, linked_chat

HUGE = str(2**64)
MB = 1024 * 1024


pytestmark = pytest.mark.usefixtures("stores")


@dataclass
class World:
    """alice owns ``chat`` (with bob) and ``other`` (alone); carol owns ``foreign``."""

    alice: AbstractUser
    client: APIClient
    chat: str
    message: str
    other: str
    other_message: str
    foreign: str
    foreign_message: str
    template: int
    foreign_template: int

    def url(self, tail: str) -> str:
        return f"/api/chats/{self.chat}/{tail}"


@pytest.fixture
def world() -> World:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    chat, other = create_chat(alice, bob)["id"], create_chat(alice)["id"]
    foreign = create_chat(carol)["id"]
    return World(
        alice=alice,
        client=client_of(alice),
        chat=chat,
        message=post_message(alice, chat, "hello")["id"],
        other=other,
        other_message=post_message(alice, other, "elsewhere")["id"],
        foreign=foreign,
        foreign_message=post_message(carol, foreign, "not for alice")["id"],
        template=MessageTemplate.objects.create(owner=alice, name="t", body="Hi {name}").pk,
        foreign_template=MessageTemplate.objects.create(owner=carol, name="c", body="private").pk,
    )


def refused(response: Any, *statuses: int) -> Any:
    """The response is one of ``statuses`` (all 4xx) with a readable message; its JSON body."""
    content_type = response.headers.get("Content-Type", "")
    problem = readable_problem(response.status_code, content_type, response.content)
    assert problem is None, problem
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    return response.json()


def send_raw(world: World, method: str, path: str, body: bytes, content_type: str) -> Any:
    return world.client.generic(method, path, body, content_type=content_type)


class TestSizes:
    def test_content_over_the_documented_maximum(self, world: World) -> None:
        for content in ("x" * (MAX_CONTENT_LENGTH + 1), "é" * 100_000):
            body = refused(world.client.post(world.url("messages/"), {"content": content}), 400)
            assert "content" in body

    def test_an_edit_over_the_maximum(self, world: World) -> None:
        response = world.client.patch(
            world.url(f"messages/{world.message}/"), {"content": "y" * (MAX_CONTENT_LENGTH + 1)}
        )
        assert "content" in refused(response, 400)

    @pytest.mark.parametrize("path", ["messages/", "read/", "pins/", "participants/"])
    def test_a_10_mb_body_is_refused_before_it_is_read(self, world: World, path: str) -> None:
        # Valid JSON whose extra field DRF would simply ignore: only the size limit stops it.
        body = json.dumps({"content": "hi", "padding": "p" * (10 * MB)}).encode()
        started = time.perf_counter()
        response = send_raw(world, "POST", world.url(path), body, "application/json")
        assert "limit" in refused(response, 413)["detail"]
        assert time.perf_counter() - started < 5

    def test_a_body_just_over_the_limit_is_refused_and_one_under_it_is_read(
        self, world: World
    ) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        frame = json.dumps({"content": "hi", "padding": ""}).encode()
        under = json.dumps({"content": "hi", "padding": "p" * (limit - len(frame))}).encode()
        over = json.dumps({"content": "hi", "padding": "p" * (limit - len(frame) + 1)}).encode()
        assert len(under) == limit
        ok = send_raw(world, "POST", world.url("messages/"), under, "application/json")
        assert ok.status_code == 201, ok.content[:200]
        refused(send_raw(world, "POST", world.url("messages/"), over, "application/json"), 413)

    def test_a_form_over_the_field_count_limit(self, world: World) -> None:
        body = "&".join(f"participants={i}" for i in range(2000)) + "&name=n"
        response = send_raw(
            world, "POST", "/api/chats/", body.encode(), "application/x-www-form-urlencoded"
        )
        refused(response, 400)

    def test_a_declared_length_that_is_not_a_number(self, world: World) -> None:
        response = world.client.generic(
            "POST",
            world.url("messages/"),
            b'{"content": "hi"}',
            content_type="application/json",
            CONTENT_LENGTH="12abc",
        )
        refused(response, 400)


class TestBytes:
    @pytest.mark.parametrize(
        "body",
        [
            b'{"content": "caf\xe9"}',  # Latin-1, not UTF-8
            b'{"content": "\xff\xfe\xfd"}',
            b'{"content": "ok"}\xc3',  # a truncated sequence after the value
            b"\xef\xbb\xbf\xff",
        ],
    )
    def test_invalid_utf8_in_a_json_body(self, world: World, body: bytes) -> None:
        response = send_raw(world, "POST", world.url("messages/"), body, "application/json")
        refused(response, 400)

    def test_json_declared_in_another_charset(self, world: World) -> None:
        body = '{"content": "hi"}'.encode("utf-16")
        response = send_raw(
            world, "POST", world.url("messages/"), body, "application/json; charset=utf-8"
        )
        refused(response, 400)

    @pytest.mark.parametrize(
        ("method", "tail", "body", "field"),
        [
            ("post", "messages/", {"content": "a\x00b"}, "content"),
            ("patch", "messages/{message}/", {"content": "a\x00b"}, "content"),
            ("post", "messages/{message}/reactions/", {"emoji": "\x00"}, "emoji"),
            ("patch", "", {"name": "n\x00"}, "name"),
        ],
    )
    def test_nul_in_text_is_a_400_naming_the_field(
        self, world: World, method: str, tail: str, body: dict[str, str], field: str
    ) -> None:
        url = world.url(tail.format(message=world.message))
        response = getattr(world.client, method)(url, body, format="json")
        assert field in refused(response, 400)

    def test_nul_in_a_template_and_its_values(self, world: World) -> None:
        refused(world.client.post("/api/templates/", {"name": "x", "body": "a\x00"}), 400)
        response = world.client.post(
            world.url("messages/"),
            {"template": {"id": world.template, "values": {"name": "\x00"}}},
            format="json",
        )
        refused(response, 400)

    def test_nul_in_queries(self, world: World) -> None:
        refused(world.client.get("/api/search/", {"q": "a\x00b"}), 400)
        refused(world.client.get("/api/presence/", {"users": "1\x00"}), 400)
        refused(world.client.get(world.url("messages/"), {"before": "1\x00"}), 400)

    def test_nul_in_a_path(self, world: World) -> None:
        refused(world.client.get(world.url("messages/1%00/")), 404)
        # Nobody reacted with it: removing it is the no-op it always is.
        response = world.client.delete(world.url(f"messages/{world.message}/reactions/%00/"))
        assert response.status_code == 204

    def test_nul_from_telegram_is_stored_without_it_and_searchable(self, world: World) -> None:
        """The webhook takes text the API would refuse; PostgreSQL's index cannot hold NUL."""
        telegram_id = -100 * 10**10 - fresh_bare_id()
        chat = linked_chat(telegram_id)
        update = {
            "update_id": fresh_bare_id(),
            "message": {
                "message_id": 7,
                "from": {"id": fresh_bare_id(), "is_bot": False, "first_name": "N\x00ul"},
                "chat": {"id": telegram_id, "title": "Team chat", "type": "supergroup"},
                "date": int(time.time()),
                "text": "zero\x00byte inside",
            },
        }
        with override_settings(TELEGRAM_WEBHOOK_SECRET="hook-secret"):
            response = APIClient().post(
                "/api/telegram/webhook/",
                update,
                format="json",
                HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="hook-secret",
            )
        assert response.status_code == 200, response.content[:300]
        entry = SearchEntry.objects.get(chat_id=chat.pk)
        assert "\x00" not in entry.content and "byte inside" in entry.content


class TestNumbers:
    @pytest.mark.parametrize("limit", ["0", "-1", "101", HUGE, "9" * 5000, "1e3", "1.5", "x"])
    @pytest.mark.parametrize("path", ["messages/", "", "search", "templates"])
    def test_bad_limits(self, world: World, path: str, limit: str) -> None:
        url = {
            "": "/api/chats/",
            "search": "/api/search/?q=hello&",
            "templates": "/api/templates/",
        }.get(path, world.url(path))
        separator = "" if url.endswith("&") else "?"
        body = refused(world.client.get(f"{url}{separator}limit={limit}"), 400)
        assert "limit" in body

    def test_too_many_presence_ids(self, world: World) -> None:
        users = ",".join(str(i) for i in range(1, 2000))
        assert "users" in refused(world.client.get("/api/presence/", {"users": users}), 400)

    @pytest.mark.parametrize("bad", ["-1", "0", "abc", HUGE, "1e9", "9" * 400, "1.0"])
    def test_bad_ids_in_paths(self, world: World, bad: str) -> None:
        for path in (
            world.url(f"messages/{bad}/"),
            world.url(f"messages/{bad}/history/"),
            world.url(f"messages/{bad}/reactions/x/"),
            world.url(f"pins/{bad}/"),
            f"/api/templates/{bad}/",
            f"/api/chats/{bad}/",
            f"/api/chats/{bad}/messages/",
            f"/api/chats/{bad}/typing/",
        ):
            refused(world.client.get(path), 404, 405)
            refused(world.client.delete(path), 404, 405)
        refused(world.client.delete(world.url(f"participants/{bad}/")), 404)
        refused(world.client.patch(f"/api/templates/{bad}/", {"name": "x"}), 404)

    @pytest.mark.parametrize("bad", [-1, 0, 2**64, -(2**63), 2**63, "abc", 1.5, True, None, [1]])
    def test_bad_ids_in_bodies(self, world: World, bad: Any) -> None:
        for tail, body, field in (
            ("read/", {"message_id": bad}, "message_id"),
            ("pins/", {"message_id": bad}, "message_id"),
            ("messages/", {"content": "a", "reply_to": bad}, "reply_to"),
            ("participants/", {"user": bad}, "user"),
        ):
            response = world.client.post(world.url(tail), body, format="json")
            if bad is None and field == "reply_to":  # null: not a reply
                assert response.status_code == 201
                continue
            assert field in refused(response, 400)
        response = world.client.post(
            "/api/chats/", {"name": "n", "participants": [bad]}, format="json"
        )
        assert "participants" in refused(response, 400)
        response = world.client.post(
            world.url("messages/"), {"template": {"id": bad}}, format="json"
        )
        assert "template" in refused(response, 400)

    def test_huge_ids_that_pass_validation_reach_the_stores_safely(self, world: World) -> None:
        """Positive and in range for the serializer, out of range for a PostgreSQL integer."""
        big = 2**40
        refused(world.client.post(world.url("participants/"), {"user": big}), 400)
        refused(world.client.post("/api/chats/", {"name": "n", "participants": [big]}), 400)
        response = world.client.post(
            world.url("messages/"), {"template": {"id": 2**62}}, format="json"
        )
        refused(response, 400)
        refused(world.client.get(f"/api/templates/{2**62}/"), 404)
        refused(world.client.get(f"/api/presence/?users={2**63 - 1}"), 200, 400)


class TestSomeoneElsesIds:
    def test_a_message_of_my_other_chat_under_this_chat(self, world: World) -> None:
        mine_elsewhere = world.other_message
        for path in (f"messages/{mine_elsewhere}/", f"messages/{mine_elsewhere}/history/"):
            refused(world.client.get(world.url(path)), 404)
        refused(world.client.patch(world.url(f"messages/{mine_elsewhere}/"), {"content": "x"}), 404)
        refused(world.client.delete(world.url(f"messages/{mine_elsewhere}/")), 404)
        reactions = world.url(f"messages/{mine_elsewhere}/reactions/")
        refused(world.client.post(reactions, {"emoji": "👍"}), 404)
        for tail, body, field in (
            ("pins/", {"message_id": mine_elsewhere}, "message_id"),
            ("read/", {"message_id": mine_elsewhere}, "message_id"),
            ("messages/", {"content": "a", "reply_to": mine_elsewhere}, "reply_to"),
        ):
            assert field in refused(world.client.post(world.url(tail), body, format="json"), 400)

    def test_a_chat_i_am_not_in_is_the_same_404_as_no_chat(self, world: World) -> None:
        missing = "00000000-0000-4000-8000-000000000000"
        for chat in (world.foreign, missing):
            for tail in ("", "messages/", f"messages/{world.foreign_message}/", "typing/"):
                body = refused(world.client.get(f"/api/chats/{chat}/{tail}"), 404)
                assert chat not in json.dumps(body)
        search = world.client.get("/api/search/", {"q": "alice", "chat": world.foreign})
        assert search.status_code in (200, 404), search.content[:200]
        if search.status_code == 200:
            assert search.json()["results"] == []

    def test_someone_elses_private_template(self, world: World) -> None:
        refused(world.client.get(f"/api/templates/{world.foreign_template}/"), 404)
        response = world.client.post(
            world.url("messages/"), {"template": {"id": world.foreign_template}}, format="json"
        )
        assert "template" in refused(response, 400)


class TestShapes:
    @pytest.mark.parametrize("depth", [100, 10_000, 100_000])
    @pytest.mark.parametrize("opener", ["[", '{"a":'])
    def test_deeply_nested_json(self, world: World, depth: int, opener: str) -> None:
        closer = "]" if opener == "[" else "}"
        nested = opener * depth + "1" + closer * depth
        for body in (nested, '{"content": "hi", "attachments": ' + nested + "}"):
            response = send_raw(
                world, "POST", world.url("messages/"), body.encode(), "application/json"
            )
            refused(response, 400)

    @pytest.mark.parametrize("body", ["[]", '"text"', "42", "null", "true", "[{}]"])
    def test_json_that_is_not_an_object(self, world: World, body: str) -> None:
        for path in (world.url("messages/"), "/api/chats/", "/api/templates/", world.url("read/")):
            refused(send_raw(world, "POST", path, body.encode(), "application/json"), 400)

    @pytest.mark.parametrize(
        "content_type",
        ["text/plain", "application/xml", "image/png", "application/octet-stream", ""],
    )
    def test_a_body_in_a_media_type_the_api_does_not_parse(
        self, world: World, content_type: str
    ) -> None:
        body = b'{"content": "hi"}'
        for path in (world.url("messages/"), "/api/chats/", "/api/presence/"):
            refused(send_raw(world, "POST", path, body, content_type), 415)

    @pytest.mark.parametrize("boundary", ["", "; boundary=", "; boundary=\x00"])
    def test_multipart_without_a_usable_boundary(self, world: World, boundary: str) -> None:
        body = b"--x\r\nContent-Disposition: form-data; name=content\r\n\r\nhi"
        response = send_raw(
            world, "POST", world.url("messages/"), body, "multipart/form-data" + boundary
        )
        refused(response, 400)

    def test_a_webhook_body_that_is_not_an_update_is_acknowledged(self, world: World) -> None:
        """Telegram resends anything but a 2xx: with the right secret, 200 and "malformed"."""
        with override_settings(TELEGRAM_WEBHOOK_SECRET="hook-secret"):
            for content_type, body in (
                ("text/plain", b"hi"),
                ("application/json", b"[" * 50_000),
                ("application/json", b'{"update_id": "x"}'),
            ):
                response = APIClient().generic(
                    "POST",
                    "/api/telegram/webhook/",
                    body,
                    content_type=content_type,
                    HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="hook-secret",
                )
                assert response.status_code == 200, (content_type, response.content[:300])
                assert response.json()["outcome"] == "malformed"

    def test_an_answer_in_a_format_the_api_does_not_render(self, world: World) -> None:
        response = world.client.get(world.url("messages/"), HTTP_ACCEPT="application/xml")
        refused(response, 406)
