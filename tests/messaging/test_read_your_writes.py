"""Read-modify-write paths read the message at SCYLLA_FRESH_READ_CONSISTENCY.

On a 3-node cluster a LOCAL_ONE read right after a LOCAL_QUORUM write can ask
the one replica that missed it (``tests/cluster/test_read_your_writes.py``
proves the outcome). Here, on the single node, every request the driver sends
is recorded through its request-init listener (the real ``ResponseFuture``s
sent to the real node), and the consistency level of each read of the
``messages`` and ``pinned_messages`` tables during an edit, a reaction, a pin,
an unpin, a read mark, a reply and an ``Idempotency-Key`` retry is checked.
Plain page reads stay at the cheap SCYLLA_READ_CONSISTENCY.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from cassandra import ConsistencyLevel
from cassandra.cluster import ResponseFuture

from messaging.repository import MessageData, MessageScyllaRepo
from messaging.scylla import ScyllaClient, get_scylla_client
from tests.messaging.api_support import client_of, create_chat, make_user, messages_url, ok

Sent = list[tuple[str, int]]


@pytest.fixture
def sent(cql: ScyllaClient, db: Any) -> Iterator[Sent]:
    """(CQL text, consistency level) of every request the driver sends meanwhile."""
    records: Sent = []

    def record(future: ResponseFuture) -> None:
        query = future.query
        text = getattr(query, "query_string", None) or getattr(
            getattr(query, "prepared_statement", None), "query_string", str(query)
        )
        records.append((text, future.message.consistency_level))

    session = get_scylla_client().session
    session.add_request_init_listener(record)
    yield records
    session.remove_request_init_listener(record)


def _message_reads(records: Sent) -> set[str]:
    reads = {
        ConsistencyLevel.value_to_name[level]
        for text, level in records
        if text.lstrip().upper().startswith("SELECT")
        and (".messages " in text or ".pinned_messages " in text)
    }
    records.clear()
    return reads


def test_read_modify_write_paths_read_at_local_quorum(sent: Sent) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    api = client_of(alice)
    body = {"content": "first"}
    first = ok(api.post(messages_url(chat_id), body, format="json", HTTP_IDEMPOTENCY_KEY="k1"), 201)
    sent.clear()

    retried = api.post(messages_url(chat_id), body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert retried.data["id"] == first["id"]
    assert _message_reads(sent) == {"LOCAL_QUORUM"}, "Idempotency-Key retry"

    ok(api.patch(messages_url(chat_id, first["id"]), {"content": "edited"}, format="json"))
    assert _message_reads(sent) == {"LOCAL_QUORUM"}, "edit"

    reaction = {"emoji": "👍"}
    ok(api.post(messages_url(chat_id, first["id"], "reactions"), reaction, format="json"), 201)
    assert _message_reads(sent) == {"LOCAL_QUORUM"}, "reaction"

    ok(api.delete(messages_url(chat_id, first["id"], "reactions", "👍")), 204)
    assert _message_reads(sent) == {"LOCAL_QUORUM"}, "reaction removed"

    ok(api.post(f"/api/chats/{chat_id}/pins/", {"message_id": first["id"]}, format="json"), 201)
    assert _message_reads(sent) == {"LOCAL_QUORUM"}, "pin"

    ok(api.delete(f"/api/chats/{chat_id}/pins/{first['id']}/"), 204)
    assert _message_reads(sent) == {"LOCAL_QUORUM"}, "unpin"

    ok(client_of(bob).post(f"/api/chats/{chat_id}/read/", {"message_id": first["id"]}))
    assert _message_reads(sent) == {"LOCAL_QUORUM"}, "read mark"

    reply = {"content": "a reply", "reply_to": first["id"]}
    ok(api.post(messages_url(chat_id), reply, format="json"), 201)
    assert _message_reads(sent) == {"LOCAL_QUORUM"}, "reply target"

    ok(api.delete(messages_url(chat_id, first["id"])), 204)
    assert _message_reads(sent) == {"LOCAL_QUORUM"}, "delete"

    ok(api.get(messages_url(chat_id)))
    ok(api.get(messages_url(chat_id, first["id"])))
    assert _message_reads(sent) == {"LOCAL_ONE"}, "plain reads stay cheap"


def test_the_fresh_read_level_is_configurable(cql: ScyllaClient, db: Any) -> None:
    config = dataclasses.replace(cql.config, fresh_read_consistency="ALL")
    client = ScyllaClient(config)
    try:
        records: Sent = []
        client.session.add_request_init_listener(
            lambda f: records.append(("", f.message.consistency_level))
        )
        repo = MessageScyllaRepo(client)
        chat_id = uuid.uuid4()
        telegram = {"telegram_message_id": 7, "telegram_chat_id": -1000 - uuid.uuid4().int % 10**9}
        data = MessageData(channel_id=chat_id, content="x", sender_id=1, **telegram)
        message_id = repo.insert_message(data)
        records.clear()
        assert repo.get_message(chat_id, message_id, fresh=True) is not None
        assert repo.get_message(chat_id, message_id) is not None
        # A Telegram edit, reaction or reply link finds its message through the mapping.
        assert repo.get_message_by_telegram_id(chat_id, *telegram.values()) is not None
        assert [ConsistencyLevel.value_to_name[level] for _, level in records] == [
            "ALL",
            "LOCAL_ONE",
            "ALL",
            "ALL",
        ]
    finally:
        client.shutdown()
