"""Bad input to every write endpoint (and the paged reads): a 4xx naming the field, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest

from messaging.models import MessageTemplate
from tests.messaging.api_support import (
    client_of,
    create_chat,
    make_user,
    messages_url,
    post_message,
)

pytestmark = pytest.mark.usefixtures("stores")


@pytest.fixture
def world() -> dict[str, Any]:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    other_chat = create_chat(alice)["id"]
    message = post_message(alice, chat_id, "hello")
    foreign = post_message(alice, other_chat, "elsewhere")
    template = MessageTemplate.objects.create(owner=alice, name="t", body="Hi {name}")
    return {
        "client": client_of(alice),
        "chat": chat_id,
        "message": message["id"],
        "foreign": foreign["id"],
        "template": template.pk,
        "bob": bob.pk,
    }


C = "/api/chats/{chat}"
LONG = "x" * 4097  # one more than Telegram allows
HUGE = "9" * 25
# name, method, path, JSON body (None: no body), status, field named in the answer (None: detail)
CASES: list[tuple[str, str, str, Any, int, str | None]] = [
    ("chat without name", "post", "/api/chats/", {"type": "group"}, 400, "name"),
    ("chat name too long", "post", "/api/chats/", {"name": "n" * 201}, 400, "name"),
    ("chat of unknown type", "post", "/api/chats/", {"name": "n", "type": "party"}, 400, "type"),
    (
        "participants not ids",
        "post",
        "/api/chats/",
        {"name": "n", "participants": ["x"]},
        400,
        "participants",
    ),
    (
        "participants unknown",
        "post",
        "/api/chats/",
        {"name": "n", "participants": [10**9]},
        400,
        "participants",
    ),
    (
        "participants huge id",
        "post",
        "/api/chats/",
        {"name": "n", "participants": [10**30]},
        400,
        "participants",
    ),
    ("blank chat name", "patch", C + "/", {"name": ""}, 400, "name"),
    ("archived not boolean", "patch", C + "/", {"archived": "maybe"}, 400, "archived"),
    ("participant missing", "post", C + "/participants/", {}, 400, "user"),
    ("participant not an id", "post", C + "/participants/", {"user": "bob"}, 400, "user"),
    ("participant unknown", "post", C + "/participants/", {"user": 10**9}, 400, "user"),
    (
        "participant as owner",
        "post",
        C + "/participants/",
        {"user": "{bob}", "role": "owner"},
        400,
        "role",
    ),
    ("remove non-numeric", "delete", C + "/participants/bob/", None, 404, None),
    ("remove huge id", "delete", C + "/participants/" + HUGE + "/", None, 404, None),
    ("empty message", "post", C + "/messages/", {}, 400, "content"),
    ("blank message", "post", C + "/messages/", {"content": "   "}, 400, "content"),
    ("message too long", "post", C + "/messages/", {"content": LONG}, 400, "content"),
    ("system message", "post", C + "/messages/", {"content": "a", "type": "system"}, 400, "type"),
    (
        "reply_to not an id",
        "post",
        C + "/messages/",
        {"content": "a", "reply_to": "abc"},
        400,
        "reply_to",
    ),
    (
        "reply_to before 1970",
        "post",
        C + "/messages/",
        {"content": "a", "reply_to": "-9000000000000000000"},
        400,
        "reply_to",
    ),
    (
        "reply_to too big",
        "post",
        C + "/messages/",
        {"content": "a", "reply_to": HUGE},
        400,
        "reply_to",
    ),
    (
        "reply_to unknown",
        "post",
        C + "/messages/",
        {"content": "a", "reply_to": "12345"},
        400,
        "reply_to",
    ),
    (
        "reply_to other chat",
        "post",
        C + "/messages/",
        {"content": "a", "reply_to": "{foreign}"},
        400,
        "reply_to",
    ),
    (
        "attachments not a list",
        "post",
        C + "/messages/",
        {"content": "a", "attachments": "x"},
        400,
        "attachments",
    ),
    (
        "attachment bad url",
        "post",
        C + "/messages/",
        {"attachments": [{"type": "image", "url": "nope"}]},
        400,
        "attachments",
    ),
    (
        "too many attachments",
        "post",
        C + "/messages/",
        {"attachments": [{"type": "file", "url": "https://e.org/f"}] * 11},
        400,
        "attachments",
    ),
    ("template unknown", "post", C + "/messages/", {"template": {"id": 10**9}}, 400, "template"),
    (
        "template missing value",
        "post",
        C + "/messages/",
        {"template": {"id": "{template}"}},
        400,
        "template",
    ),
    (
        "template and content",
        "post",
        C + "/messages/",
        {"content": "a", "template": {"id": "{template}", "values": {"name": "x"}}},
        400,
        "content",
    ),
    (
        "template values not strings",
        "post",
        C + "/messages/",
        {"template": {"id": "{template}", "values": {"name": {"a": 1}}}},
        400,
        "template",
    ),
    ("edit to blank", "patch", C + "/messages/{message}/", {"content": " "}, 400, "content"),
    ("edit without content", "patch", C + "/messages/{message}/", {}, 400, "content"),
    ("edit too long", "patch", C + "/messages/{message}/", {"content": LONG}, 400, "content"),
    ("edit non-numeric id", "patch", C + "/messages/abc/", {"content": "x"}, 404, None),
    ("edit huge id", "patch", C + "/messages/" + HUGE + "/", {"content": "x"}, 404, None),
    ("edit other chat's id", "patch", C + "/messages/{foreign}/", {"content": "x"}, 404, None),
    ("delete other chat's id", "delete", C + "/messages/{foreign}/", None, 404, None),
    ("delete zero id", "delete", C + "/messages/0/", None, 404, None),
    ("reaction without emoji", "post", C + "/messages/{message}/reactions/", {}, 400, "emoji"),
    (
        "reaction blank emoji",
        "post",
        C + "/messages/{message}/reactions/",
        {"emoji": ""},
        400,
        "emoji",
    ),
    (
        "reaction emoji too long",
        "post",
        C + "/messages/{message}/reactions/",
        {"emoji": "e" * 65},
        400,
        "emoji",
    ),
    (
        "reaction other chat's id",
        "post",
        C + "/messages/{foreign}/reactions/",
        {"emoji": "👍"},
        404,
        None,
    ),
    ("unreact other chat's id", "delete", C + "/messages/{foreign}/reactions/x/", None, 404, None),
    ("pin without id", "post", C + "/pins/", {}, 400, "message_id"),
    ("pin non-numeric id", "post", C + "/pins/", {"message_id": "abc"}, 400, "message_id"),
    ("pin other chat's id", "post", C + "/pins/", {"message_id": "{foreign}"}, 400, "message_id"),
    ("unpin not pinned", "delete", C + "/pins/{message}/", None, 404, None),
    ("unpin non-numeric", "delete", C + "/pins/abc/", None, 404, None),
    ("read without id", "post", C + "/read/", {}, 400, "message_id"),
    ("read non-numeric id", "post", C + "/read/", {"message_id": "x1"}, 400, "message_id"),
    ("read other chat's id", "post", C + "/read/", {"message_id": "{foreign}"}, 400, "message_id"),
    ("template without name", "post", "/api/templates/", {"body": "b"}, 400, "name"),
    (
        "template stray brace",
        "post",
        "/api/templates/",
        {"name": "n", "body": "a { b"},
        400,
        "body",
    ),
    ("template duplicate name", "post", "/api/templates/", {"name": "t", "body": "b"}, 400, "name"),
    (
        "template bad shared",
        "patch",
        "/api/templates/{template}/",
        {"shared": "maybe"},
        400,
        "shared",
    ),
    ("template non-numeric id", "patch", "/api/templates/abc/", {"name": "x"}, 404, None),
]
READS: list[tuple[str, str, int, str | None]] = [
    ("limit zero", C + "/messages/?limit=0", 400, "limit"),
    ("limit too big", C + "/messages/?limit=101", 400, "limit"),
    ("limit not a number", C + "/messages/?limit=ten", 400, "limit"),
    ("before not an id", C + "/messages/?before=abc", 400, "before"),
    ("after before 1970", C + "/messages/?after=-9000000000000000000", 400, "after"),
    ("before a lone minus", C + "/messages/?before=-", 400, "before"),
    ("around too big", C + "/messages/?around=" + HUGE, 400, "around"),
    ("two cursors", C + "/messages/?before=5&after=3", 400, "after"),
    ("message non-numeric", C + "/messages/abc/", 404, None),
    ("message other chat", C + "/messages/{foreign}/", 404, None),
    ("history other chat", C + "/messages/{foreign}/history/", 404, None),
    ("chat not a uuid", "/api/chats/not-a-uuid/", 404, None),
    ("messages of a non-uuid chat", "/api/chats/123/messages/", 404, None),
    ("search without q", "/api/search/", 400, "q"),
    ("search q too long", "/api/search/?q=" + "w" * 201, 400, "q"),
    ("search chat not a uuid", "/api/search/?q=a&chat=abc", 400, "chat"),
    ("search limit zero", "/api/search/?q=a&limit=0", 400, "limit"),
]


def _fill(value: Any, world: dict[str, Any]) -> Any:
    if isinstance(value, str):
        for name, known in world.items():
            value = value.replace("{" + name + "}", str(known))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value


def _check(response: Any, status: int, field: str | None) -> None:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert (field or "detail") in body, body
    if field:
        assert isinstance(body[field], list | dict) and body[field], body


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"), [pytest.param(*c[1:], id=c[0]) for c in CASES]
)
def test_bad_write(
    world: dict[str, Any], method: str, path: str, body: Any, status: int, field: str | None
) -> None:
    response = getattr(world["client"], method)(
        _fill(path, world), _fill(body, world), format="json"
    )
    _check(response, status, field)


@pytest.mark.parametrize(
    ("path", "status", "field"), [pytest.param(*c[1:], id=c[0]) for c in READS]
)
def test_bad_read(world: dict[str, Any], path: str, status: int, field: str | None) -> None:
    _check(world["client"].get(_fill(path, world)), status, field)


def test_malformed_json_is_a_400(world: dict[str, Any]) -> None:
    response = world["client"].post(
        messages_url(world["chat"]), "{not json", content_type="application/json"
    )
    assert response.status_code == 400 and "detail" in response.json()


def test_a_body_over_the_upload_limit_is_refused(world: dict[str, Any]) -> None:
    body = json.dumps({"content": "x" * (2 * 1024 * 1024)})
    response = world["client"].post(
        messages_url(world["chat"]), body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("key", ["", "has space", "k" * 256, "naïve"])
def test_a_bad_idempotency_key_is_a_400(world: dict[str, Any], key: str) -> None:
    response = world["client"].post(
        messages_url(world["chat"]), {"content": "a"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
