"""Redis down does not take the API down; everything comes back by itself.

A real server (gunicorn, two workers, throttling on) runs against the test
database and keyspace and a private redis-server, which is stopped for three
lease TTLs (PRESENCE_WORKER_LEASE_TTL=2 s) while clients read and send, then
started again, empty. Answers are counted by endpoint and status:

- chats, a chat's messages, templates and search answer 200 throughout;
- sends answer 201 while the worker-id lease held before the outage is still
  provably alive, then 503 naming the id lease (never 500);
- typing and presence answer their documented 503;
- throttling (on, counting in Redis) does not turn the outage into 503s;
- after Redis is back, sends, typing and presence work again without a restart.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from messaging.scylla import ScyllaClient
from tests.live_server import Api, live_server
from tests.messaging.api_support import create_chat, make_user
from tests.private_redis import PrivateRedis, private_redis
from wellwon.throttling import THROTTLE_FALLBACK_CACHE, AnonRateThrottle

pytestmark = pytest.mark.django_db(transaction=True)

LEASE_TTL = 2.0
OUTAGE = 3 * LEASE_TTL


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    with private_redis() as server:
        yield server


def _round(
    api: Api, chat_id: str, template_id: int, n: int, phase: Callable[[], str] | None = None
) -> None:
    """The reads, then a send; ``phase`` names the moment again just before the send."""
    api.call("chats", "GET", "/api/chats/")
    api.call("messages", "GET", f"/api/chats/{chat_id}/messages/?limit=20")
    api.call("templates", "GET", f"/api/templates/{template_id}/")
    api.call("search", "GET", f"/api/search/?q=hello&chat={chat_id}")
    if phase is not None:
        api.phase = phase()
    api.call("send", "POST", f"/api/chats/{chat_id}/messages/", {"content": f"hello {n}"})


def _lease_phase(elapsed: float) -> str:
    """Where the lease held before the outage stands ``elapsed`` seconds into it.

    A worker renews every third of the TTL, so its lease is provably alive for at
    least two thirds of it after the outage began; "alive" ends at one third, which
    leaves a third of the TTL for a renewal that ran late and the send's own time.
    """
    if elapsed < LEASE_TTL / 3:
        return "lease alive"
    return "lease lapsed" if elapsed > LEASE_TTL + 0.5 else "lease ending"


def test_the_api_answers_without_redis_and_recovers_by_itself(
    cql: ScyllaClient, redis_server: PrivateRedis
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    token = Token.objects.create(user=alice).key
    with live_server(
        REDIS_URL=redis_server.url, PRESENCE_WORKER_LEASE_TTL=str(LEASE_TTL)
    ) as server:
        api = Api(server.port, token)
        template = {"name": "greeting", "body": "hello {name}"}
        assert api.call("template", "POST", "/api/templates/", template) == 201
        template_id = int(api.body["id"])
        for n in range(4):  # both workers lease their id while Redis is up
            _round(api, chat_id, template_id, n)
        assert api.seen("before", "send") == {201: 4}

        redis_server.stop()
        stopped = time.monotonic()
        n = 0
        while (elapsed := time.monotonic() - stopped) < OUTAGE:
            api.phase = _lease_phase(elapsed)
            _round(api, chat_id, template_id, n, lambda: _lease_phase(time.monotonic() - stopped))
            n += 1
            time.sleep(0.1)
        assert "ids" in api.body["detail"], api.body  # the last lapsed send's 503 says why
        api.phase = "outage"
        assert api.call("typing", "POST", f"/api/chats/{chat_id}/typing/") == 503
        assert api.call("presence", "POST", "/api/presence/", {"status": "online"}) == 503

        redis_server.start()
        api.phase = "after"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            sent = api.call("send", "POST", f"/api/chats/{chat_id}/messages/", {"content": "back"})
            typing = api.call("typing", "POST", f"/api/chats/{chat_id}/typing/")
            presence = api.call("presence", "POST", "/api/presence/", {"status": "online"})
            if (sent, typing, presence) == (201, 204, 204):
                break
            time.sleep(0.2)
        recovered = time.monotonic() - deadline + 15

    print(f"answers by phase: {sorted(api.counts.items())}; recovered in {recovered:.1f}s")
    for phase in ("lease alive", "lease ending", "lease lapsed"):
        for name in ("chats", "messages", "templates", "search"):
            assert set(api.seen(phase, name)) == {200}, (phase, name, api.seen(phase, name))
    assert set(api.seen("lease alive", "send")) == {201}, api.seen("lease alive", "send")
    assert set(api.seen("lease lapsed", "send")) == {503}, api.seen("lease lapsed", "send")
    assert api.seen("after", "send").get(201) == 1
    assert api.seen("after", "typing").get(204) == 1
    assert api.seen("after", "presence").get(204) == 1


class _ThreeAMinute(AnonRateThrottle):
    rate = "3/min"


def test_throttling_counts_per_process_while_redis_is_down(redis_server: PrivateRedis) -> None:
    caches = {
        "default": {**settings.CACHES["default"], "LOCATION": redis_server.url},
        THROTTLE_FALLBACK_CACHE: settings.CACHES[THROTTLE_FALLBACK_CACHE],
    }
    request = APIView().initialize_request(APIRequestFactory().get("/api/", REMOTE_ADDR="10.9.8.7"))
    with override_settings(CACHES=caches):
        assert [_ThreeAMinute().allow_request(request, None) for _ in range(2)] == [True, True]
        redis_server.stop()
        # Redis knew of 2 requests; this process's memory starts afresh: 3 more, then no.
        down = [_ThreeAMinute().allow_request(request, None) for _ in range(5)]
        assert down == [True, True, True, False, False]
        redis_server.start()  # empty: Redis counts again from nothing
        assert _ThreeAMinute().allow_request(request, None) is True
