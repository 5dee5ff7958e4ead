"""PostgreSQL killed between a send's two writes: the followers heal once it is back.

A gunicorn server sends a message while another session holds the chat's
ledger lock, so the send's PostgreSQL follow-up waits after its CQL write has
been acknowledged. PostgreSQL is then killed (``stop -m immediate``): the
follow-up fails, the request still answers 201 (the message is stored), and
the outbox task committed before the CQL write survives. PostgreSQL is
started again; with no command run, the server's drainer makes search and
unread exact within the stated healing time (grace + retry max + interval)
plus the reconnection.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid

import psycopg
import pytest
from django.db import DatabaseError, connection, connections
from rest_framework.authtoken.models import Token

from messaging.models import FollowerTask, Participant, SearchEntry
from messaging.scylla import ScyllaClient
from messaging.selectors.stores import message_repo
from messaging.services.ledger import ledger_lock_key
from tests.faults.conftest import pg_cluster, wait_until
from tests.live_server import OUTBOX_HEALING, Api, live_server, quick_outbox
from tests.messaging.api_support import create_chat, make_user

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

HEALING_BOUND = OUTBOX_HEALING + 10.0  # + reconnecting after the restart


def test_a_send_interrupted_by_a_postgres_kill_is_healed_after_restart(
    cql: ScyllaClient, postgres_restored: None
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    token = Token.objects.create(user=alice).key
    with live_server(**quick_outbox(lock_timeout=60)) as server:
        api = Api(server.port, token)
        holder = psycopg.connect(**connection.get_connection_params(), autocommit=True)
        holder.execute("SELECT pg_advisory_lock(%s)", [ledger_lock_key(uuid.UUID(chat_id))])
        answers: list[int] = []
        send = threading.Thread(
            target=lambda: answers.append(
                api.call("send", "POST", f"/api/chats/{chat_id}/messages/", {"content": "kill"})
            )
        )
        send.start()
        wait_until(
            lambda: _last_message_id(chat_id) is not None,
            timeout=10,
            what="the CQL write of the send",
        )
        for conn in connections.all():
            conn.close()
        assert pg_cluster("stop", "-m", "immediate") == 0
        send.join(timeout=30)
        assert answers == [201], answers
        message_id = int(api.body["id"])
        assert pg_cluster("start") == 0
        restarted = time.monotonic()

        took = wait_until(
            lambda: _healed(chat_id),
            timeout=HEALING_BOUND,
            what="the outbox healing the send",
        )
        print(f"healed {took:.1f}s after PostgreSQL started ({time.monotonic() - restarted:.1f}s)")
        with contextlib.suppress(psycopg.Error):
            holder.close()
    assert SearchEntry.objects.filter(chat_id=chat_id, message_id=message_id).exists()
    assert Participant.objects.get(chat_id=chat_id, user=bob).unread_count == 1


def _healed(chat_id: str) -> bool:
    try:
        return not FollowerTask.objects.filter(chat_id=chat_id).exists()
    except DatabaseError:  # PostgreSQL still starting: reconnect next time
        connections.close_all()
        return False


def _last_message_id(chat_id: str) -> int | None:
    """The chat's last message as CQL's channel metadata has it (written with the message)."""
    metadata = message_repo().get_channel_metadata(uuid.UUID(chat_id))
    return metadata.last_message_id if metadata is not None else None
