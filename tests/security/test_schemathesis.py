"""Hostile input from the OpenAPI schema: schemathesis against every endpoint, as a participant.

schemathesis reads ``/api/schema/`` (drf-spectacular) from the WSGI app at
collection and makes one test per operation. Each generates requests, valid
and invalid (coverage phase: boundary and wrong-typed values; fuzzing phase:
random ones), sent as the owner of a real chat on the real stores. The chat,
message and template ids of the path are bound to real rows, so the requests
reach the handlers instead of stopping at a 404; operations that destroy what
the others need (archive the chat, delete the message or the template, remove
a participant) get a throwaway row of their own. (The ids are bound in the
test, not in schemathesis's config: the rows are made per test, after
collection.)

Every answer must be a non-5xx, every 4xx a JSON body with a readable
message, and every answer must match what the schema says of it. For the
operations whose bodies clients build most (``EXACT``), a second run sends
valid cases only and each must be accepted: the schema states every
constraint the handler applies (idempotency keys, credentials and template
values are bound to real ones, as ids are). The run is
deterministic (derandomized Hypothesis, fixed seed) and bounded per
operation; the number of requests sent is printed at the end of the session
(``tests/security/conftest.py``).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from messaging.models import MessageTemplate
from messaging.scylla import ScyllaClient
from tests.messaging.api_support import create_chat, make_user, post_message
from tests.security.support import readable_problem

MAX_EXAMPLES = 40
#: Requests sent, by "METHOD path status"; ``summary`` reports them (see conftest.py).
SENT: Counter[str] = Counter()

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261123,
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
        # What this suite asserts: no 5xx, and answers as the schema documents them.
        # (Acceptance/rejection checks would misread the ids bound below as generated.)
        "checks": {
            "enabled": False,
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)

#: Path parameters bound to a row the operation may destroy, per operation.
THROWAWAY = {
    "DELETE /api/chats/{chat_id}/": {"chat_id": "spare_chat"},
    "DELETE /api/chats/{chat_id}/messages/{message_id}/": {"message_id": "spare_message"},
    "DELETE /api/chats/{chat_id}/participants/{user_id}/": {"user_id": "leaver"},
    "DELETE /api/templates/{id}/": {"id": "spare_template"},
}
BOUND = {"chat_id": "chat", "message_id": "message", "id": "template"}
#: Ids in the bodies of valid (positive) cases, bound the same way: a random id is only
#: ever "no such message/user/template", so the success paths would never run.
BODY_IDS = {"message_id": "message", "reply_to": "message", "user": "newcomer"}


def summary() -> str:
    """One line for the end of the session: requests sent, operations, answers by status."""
    if not SENT:
        return ""
    statuses = Counter(key.rsplit(" ", 1)[1] for key in SENT.elements())
    operations = {key.rsplit(" ", 1)[0] for key in SENT}
    return (
        f"schemathesis: {SENT.total()} requests to {len(operations)} operations,"
        f" answers by status: {dict(sorted(statuses.items()))}"
    )


@pytest.fixture
def world(cql: ScyllaClient, db: Any) -> Iterator[dict[str, Any]]:
    """A chat owned by the caller with two members, a message, a template; throwaway twins;
    someone to add."""
    owner, member, leaver = make_user("owner"), make_user("member"), make_user("leaver")
    chat = create_chat(owner, member, leaver)["id"]
    newcomer = make_user("newcomer")
    create_chat(owner, newcomer)  # people are added only by those who share a chat with them
    values = {
        "chat": chat,
        "spare_chat": create_chat(owner)["id"],
        "message": post_message(owner, chat, "hello")["id"],
        "spare_message": post_message(owner, chat, "to be deleted")["id"],
        "template": MessageTemplate.objects.create(owner=owner, name="g", body="Hi {name}").pk,
        "spare_template": MessageTemplate.objects.create(owner=owner, name="s", body="bye").pk,
        "leaver": leaver.pk,
        "newcomer": newcomer.pk,
        "token": Token.objects.create(user=owner).key,
        "username": owner.username,
        "password": f"pw-{owner.username}",
    }
    # As Django's test client does: a request must not close the test's
    # connection (its transaction holds the rows above).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield values
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def readable_4xx(ctx: Any, response: schemathesis.Response, case: Any) -> bool:
    """A schemathesis check: a 4xx is JSON with a message (see ``readable_problem``)."""
    content_type = " ".join(response.headers.get("content-type", []))
    problem = readable_problem(response.status_code, content_type, response.content)
    if problem is not None:
        raise AssertionError(problem)
    return True


def _bind(case: Any, world: dict[str, Any]) -> None:
    throwaway = THROWAWAY.get(f"{case.method.upper()} {case.operation.path}", {})
    for name in case.path_parameters or {}:
        key = throwaway.get(name) or BOUND.get(name)
        if key is not None:
            case.path_parameters[name] = str(world[key])
    body = case.body
    positive = case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE
    if positive and case.headers and "Idempotency-Key" in case.headers:
        # A key names one request: a generated one reused for another body is refused.
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    if not positive or not isinstance(body, dict):
        return
    for name, key in BODY_IDS.items():
        if name in body and body[name] is not None:
            body[name] = world[key]
    if isinstance(body.get("template"), dict):
        body["template"]["id"] = world["template"]
        body["template"]["values"] = {"name": "Ada"}  # what the bound template asks for
    if case.operation.path == "/api/auth/token/":  # the owner's real credentials
        body.update(username=world["username"], password=world["password"])
    if isinstance(body.get("participants"), list):
        body["participants"] = [world["newcomer"]]


#: Hypothesis, as both tests run it: deterministic and bounded per operation.
HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # The world is made once per operation and shared by its examples on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def call_and_check(case: Any, world: dict[str, Any], *checks: Any) -> None:
    """Sends the case as the world's owner and checks the answer (the config's checks)."""
    _bind(case, world)
    auth = {"Authorization": f"Token {world['token']}"}
    response = case.call(headers=auth)
    SENT[f"{case.operation.label} {response.status_code}"] += 1
    case.validate_response(response, headers=auth, additional_checks=list(checks))


@schema.parametrize()
@HYPOTHESIS
def test_no_server_error_and_readable_4xx(case: Any, world: dict[str, Any]) -> None:
    call_and_check(case, world, readable_4xx)


#: Operations whose schema must state every constraint the handler applies: a value it
#: allows (a positive case) must be accepted, not refused with a 400.
EXACT = [
    "POST /api/auth/token/",
    "POST /api/chats/{chat_id}/messages/",
    "PATCH /api/chats/{chat_id}/messages/{message_id}/",
    "POST /api/chats/{chat_id}/participants/",
    "POST /api/chats/{chat_id}/pins/",
    "POST /api/chats/{chat_id}/read/",
]
POSITIVE = schemathesis.Config.from_dict(
    {
        "seed": 20261123,
        "generation": {
            "mode": "positive",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
        "checks": {"enabled": False, "positive_data_acceptance": {"enabled": True}},
    }
)
exact_schema = schemathesis.openapi.from_wsgi(
    "/api/schema/", get_wsgi_application(), config=POSITIVE
).include(name=EXACT)


@exact_schema.parametrize()
@HYPOTHESIS
def test_values_the_schema_allows_are_accepted(case: Any, world: dict[str, Any]) -> None:
    call_and_check(case, world)
