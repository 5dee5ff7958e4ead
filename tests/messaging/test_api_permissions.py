"""The permission matrix: every endpoint against owner, admin, member, outsider, anonymous.

Rules of the contract: anonymous -> 401; not a participant -> 404 on every
chat-scoped path (the same answer as for a chat that does not exist);
a participant without the role -> 403. Every case builds its own chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser

from messaging.models import MessageTemplate, Participant
from messaging.services.chats import chat_create, participant_add
from messaging.services.messages import message_send
from messaging.services.pins import pin_add
from tests.messaging.api_support import client_of, make_user

ROLES = ("owner", "admin", "member", "outsider", "anonymous")


pytestmark = pytest.mark.usefixtures("stores")


@dataclass
class World:
    """alice owns the chat, bob is admin, carol and eve are members, dave is outside."""

    users: dict[str, AbstractUser]
    values: dict[str, str]

    @classmethod
    def build(cls) -> World:
        users = {role: make_user(role) for role in ("owner", "admin", "member", "outsider")}
        eve, newcomer = make_user("eve"), make_user("newcomer")
        # People are added only by those who share a chat with them.
        chat_create(
            creator=users["owner"],
            name="lobby",
            type="group",
            participant_ids=[users["admin"].pk, eve.pk, newcomer.pk],
        )
        chat = chat_create(
            creator=users["owner"],
            name="matrix",
            type="group",
            participant_ids=[users["member"].pk],
        )
        owner = Participant.objects.select_related("chat").get(chat=chat, user=users["owner"])
        participant_add(actor=owner, user_id=users["admin"].pk, role="admin")
        participant_add(actor=owner, user_id=eve.pk)
        member = Participant.objects.select_related("chat").get(chat=chat, user=users["member"])
        by_member = message_send(participant=member, content="by the member").message.message_id
        by_owner = message_send(participant=owner, content="by the owner").message.message_id
        pinned = message_send(participant=owner, content="pinned").message.message_id
        pin_add(participant=owner, message_id=pinned)
        private = MessageTemplate.objects.create(owner=users["owner"], name="p", body="private")
        shared = MessageTemplate.objects.create(
            owner=users["owner"], name="s", body="shared {x}", shared=True
        )
        values = {
            "chat": str(chat.pk),
            "by_member": str(by_member),
            "by_owner": str(by_owner),
            "pinned": str(pinned),
            "eve": str(eve.pk),
            "newcomer": str(newcomer.pk),
            "private": str(private.pk),
            "shared": str(shared.pk),
        }
        return cls(users=users, values=values)

    def call(self, role: str, method: str, path: str, body: dict[str, Any] | None) -> Any:
        client = client_of(self.users.get(role))
        url = path.format(**self.values)
        payload = {k: v.format(**self.values) for k, v in (body or {}).items()}
        return getattr(client, method)(url, payload, format="json")


C = "/api/chats/{chat}"
M = C + "/messages"
CASES: list[tuple[str, str, str, dict[str, str] | None, tuple[int, int, int, int]]] = [
    # name, method, path, body, (owner, admin, member, outsider); anonymous is always 401
    ("list chats", "get", "/api/chats/", None, (200, 200, 200, 200)),
    ("create chat", "post", "/api/chats/", {"name": "x"}, (201, 201, 201, 201)),
    ("get chat", "get", C + "/", None, (200, 200, 200, 404)),
    ("rename chat", "patch", C + "/", {"name": "y"}, (200, 200, 403, 404)),
    ("archive chat", "delete", C + "/", None, (204, 403, 403, 404)),
    ("list participants", "get", C + "/participants/", None, (200, 200, 200, 404)),
    ("add participant", "post", C + "/participants/", {"user": "{newcomer}"}, (201, 201, 403, 404)),
    ("remove participant", "delete", C + "/participants/{eve}/", None, (204, 204, 403, 404)),
    ("list messages", "get", M + "/", None, (200, 200, 200, 404)),
    ("post message", "post", M + "/", {"content": "hi"}, (201, 201, 201, 404)),
    ("get message", "get", M + "/{by_member}/", None, (200, 200, 200, 404)),
    ("edit member's message", "patch", M + "/{by_member}/", {"content": "e"}, (403, 403, 200, 404)),
    ("edit owner's message", "patch", M + "/{by_owner}/", {"content": "e"}, (200, 403, 403, 404)),
    ("delete member's message", "delete", M + "/{by_member}/", None, (204, 204, 204, 404)),
    ("delete owner's message", "delete", M + "/{by_owner}/", None, (204, 204, 403, 404)),
    ("message history", "get", M + "/{by_member}/history/", None, (200, 200, 200, 404)),
    ("react", "post", M + "/{by_member}/reactions/", {"emoji": "👍"}, (201, 201, 201, 404)),
    ("unreact", "delete", M + "/{by_member}/reactions/👍/", None, (204, 204, 204, 404)),
    ("list pins", "get", C + "/pins/", None, (200, 200, 200, 404)),
    ("pin", "post", C + "/pins/", {"message_id": "{by_member}"}, (201, 201, 201, 404)),
    ("unpin", "delete", C + "/pins/{pinned}/", None, (204, 204, 204, 404)),
    ("read position", "get", C + "/read/", None, (200, 200, 200, 404)),
    ("mark read", "post", C + "/read/", {"message_id": "{by_member}"}, (200, 200, 200, 404)),
    ("list templates", "get", "/api/templates/", None, (200, 200, 200, 200)),
    ("create template", "post", "/api/templates/", {"name": "t", "body": "b"}, (201,) * 4),
    ("get private template", "get", "/api/templates/{private}/", None, (200, 404, 404, 404)),
    ("get shared template", "get", "/api/templates/{shared}/", None, (200, 200, 200, 200)),
    (
        "edit shared template",
        "patch",
        "/api/templates/{shared}/",
        {"body": "z"},
        (200, 403, 403, 403),
    ),
    ("delete shared template", "delete", "/api/templates/{shared}/", None, (204, 403, 403, 403)),
    ("delete private template", "delete", "/api/templates/{private}/", None, (204, 404, 404, 404)),
    ("search", "get", "/api/search/", {"q": "member"}, (200, 200, 200, 200)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_matrix(
    role: str,
    method: str,
    path: str,
    body: dict[str, str] | None,
    expected: tuple[int, int, int, int],
) -> None:
    world = World.build()
    if method == "get" and body:  # query parameters
        path = path + "?" + "&".join(f"{k}={v}" for k, v in body.items())
        body = None
    response = world.call(role, method, path, body)
    want = 401 if role == "anonymous" else expected[ROLES.index(role)]
    assert response.status_code == want, getattr(response, "data", None)
    if want == 401:
        assert response["WWW-Authenticate"].startswith("Token")
    if want == 404 and role == "outsider" and path.startswith(C):
        # No existence leak: the same answer as for a chat that does not exist.
        world.values["chat"] = "00000000-0000-4000-8000-000000000000"
        ghost = world.call(role, method, path, body)
        assert (ghost.status_code, ghost.data) == (response.status_code, response.data)


def test_a_member_sees_a_search_hit_an_outsider_does_not() -> None:
    world = World.build()
    member = world.call("member", "get", "/api/search/?q=member", None).data["results"]
    outsider = world.call("outsider", "get", "/api/search/?q=member", None).data["results"]
    assert [r["id"] for r in member] == [world.values["by_member"]] and outsider == []
