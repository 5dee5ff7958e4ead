"""A running server heals failed followers by itself, within the stated time.

gunicorn (two workers) runs with a short ledger lock wait (0.3 s) and a quick
outbox (grace 1 s, drain every 0.5 s, retries at most 2 s apart). Another
session holds the chat's ledger lock while messages are sent, edited and
deleted over HTTP: every request succeeds, the PostgreSQL followers fail, and
the drainer threads' own attempts fail too while the lock is held. Once it is
released, search, unread and the chat list are exact again within
grace + retry max + interval (3.5 s) plus a second of slack, with no command run.
"""

from __future__ import annotations

import time

import pytest
from rest_framework.authtoken.models import Token

from messaging.models import FollowerTask, Participant, SearchEntry
from messaging.scylla import ScyllaClient
from tests.live_server import (
    OUTBOX_GRACE,
    OUTBOX_HEALING,
    OUTBOX_INTERVAL,
    Api,
    live_server,
    quick_outbox,
)
from tests.messaging.api_support import create_chat, ledger_held_elsewhere, make_user

pytestmark = pytest.mark.django_db(transaction=True)

HEALING_BOUND = OUTBOX_HEALING + 1.0


def test_the_server_heals_failed_followers_without_a_command(cql: ScyllaClient) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    url = f"/api/chats/{chat_id}/messages/"
    with live_server(**quick_outbox(lock_timeout=0.3)) as server:
        api = Api(server.port, Token.objects.create(user=alice).key)
        with ledger_held_elsewhere(chat_id):
            ids = []
            for i in range(4):
                assert api.call("send", "POST", url, {"content": f"healing {i}"}) == 201
                ids.append(api.body["id"])
            edit = {"content": "healing, edited"}
            assert api.call("edit", "PATCH", f"{url}{ids[0]}/", edit) == 200
            assert api.call("delete", "DELETE", f"{url}{ids[1]}/") == 204
            assert FollowerTask.objects.filter(chat_id=chat_id).count() == 6
            time.sleep(OUTBOX_GRACE + 2 * OUTBOX_INTERVAL)  # the drainers try, fail and back off
        released = time.monotonic()
        while FollowerTask.objects.filter(chat_id=chat_id).exists():
            assert time.monotonic() - released < HEALING_BOUND, list(
                FollowerTask.objects.filter(chat_id=chat_id).values("kind", "attempts")
            )
            time.sleep(0.1)
        healed_in = time.monotonic() - released
        print(f"followers healed {healed_in:.2f}s after the lock was released")

        indexed = dict(
            SearchEntry.objects.filter(chat_id=chat_id).values_list("message_id", "content")
        )
        expected = {int(ids[0]): "healing, edited", int(ids[2]): "healing 2"}
        assert indexed == {**expected, int(ids[3]): "healing 3"}
        assert Participant.objects.get(chat_id=chat_id, user=bob).unread_count == 3
        sender = Participant.objects.get(chat_id=chat_id, user=alice)
        assert sender.last_read_message_id == int(ids[3])
        assert api.call("search", "GET", f"/api/search/?q=healing&chat={chat_id}") == 200
        assert len(api.body["results"]) == 3
