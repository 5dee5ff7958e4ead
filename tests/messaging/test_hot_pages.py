"""The newest page of a busy chat: one CQL read for many readers, never an old page.

A read must never return a page older than a write acknowledged before the
read began, whether the write happened in this process or another one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.test import override_settings

from messaging.models import Participant
from messaging.selectors.hot_pages import SingleFlight, coalesced_loads
from messaging.selectors.messages import message_page
from messaging.stores import message_repo
from tests.messaging.api_support import (
    client_of,
    create_chat,
    make_user,
    messages_url,
    ok,
    post_message,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _newest_ids(participant: Participant) -> list[int]:
    page = message_page(participant=participant, limit=20)
    return [view.message.message_id for view in page.messages]


def _chat_with_messages(count: int) -> tuple[Participant, dict[str, object]]:
    owner = make_user("hot")
    chat = create_chat(owner, name="hot channel")
    for n in range(count):
        post_message(owner, chat["id"], f"m{n}")
    participant = Participant.objects.select_related("chat").get(chat_id=chat["id"])
    return participant, chat


class TestSingleFlight:
    def test_a_caller_arriving_during_a_load_gets_the_next_load_not_the_running_one(self) -> None:
        flight: SingleFlight[int] = SingleFlight()
        key = (uuid.uuid4(), 20)
        first_started, release_first = threading.Event(), threading.Event()
        calls: list[int] = []

        def slow_load() -> int:
            calls.append(1)
            first_started.set()
            release_first.wait(5)
            return 1

        results: dict[str, int] = {}
        first = threading.Thread(target=lambda: results.update(first=flight.run(key, slow_load)))
        first.start()
        assert first_started.wait(5)
        late = [
            threading.Thread(
                target=lambda n=n: results.update({f"late{n}": flight.run(key, lambda: 2)})
            )
            for n in range(5)
        ]
        for thread in late:
            thread.start()
        release_first.set()
        for thread in [first, *late]:
            thread.join(5)
        assert results["first"] == 1
        # Every latecomer shares one later load: none is handed the running one's answer.
        assert {results[f"late{n}"] for n in range(5)} == {2}
        assert flight.loads == 2

    def test_an_error_reaches_every_caller_of_that_load(self) -> None:
        flight: SingleFlight[int] = SingleFlight()

        def failing() -> int:
            raise RuntimeError("store down")

        with pytest.raises(RuntimeError, match="store down"):
            flight.run((uuid.uuid4(), 1), failing)


@pytest.mark.usefixtures("cql")
class TestNewestPage:
    @override_settings(PAGE_CACHE_ENABLED=False)
    def test_concurrent_readers_of_one_chat_share_cql_queries(self) -> None:
        participant, _ = _chat_with_messages(3)
        readers, barrier = 32, threading.Barrier(32)
        seen: list[list[int]] = []
        before = coalesced_loads()

        def read() -> None:
            barrier.wait(5)
            seen.append(_newest_ids(participant))

        threads = [threading.Thread(target=read) for _ in range(readers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert len(seen) == readers and all(ids == seen[0] for ids in seen)
        assert len(seen[0]) == 3
        assert coalesced_loads() - before <= readers // 2

    def test_a_kept_page_serves_readers_until_a_send_in_this_process(self) -> None:
        participant, chat = _chat_with_messages(2)
        first = _newest_ids(participant)
        loads = coalesced_loads()
        assert _newest_ids(participant) == first
        assert coalesced_loads() == loads  # kept: no CQL query
        sent = post_message(participant.user, chat["id"], "new")
        assert _newest_ids(participant)[0] == int(sent["id"])

    def test_an_edit_reaction_and_delete_are_seen_by_the_next_read(self) -> None:
        participant, chat = _chat_with_messages(1)
        client = client_of(participant.user)
        message_id = _newest_ids(participant)[0]
        url = messages_url(chat["id"], message_id)
        ok(client.patch(url, {"content": "edited"}, format="json"))
        assert message_page(participant=participant, limit=20).messages[0].message.content == (
            "edited"
        )
        ok(client.post(url + "reactions/", {"emoji": "👍"}, format="json"), 201)
        page = message_page(participant=participant, limit=20)
        assert [(r.emoji, r.count) for r in page.messages[0].reactions] == [("👍", 1)]
        ok(client.delete(url), 204)
        assert message_page(participant=participant, limit=20).messages[0].message.is_deleted

    def test_a_write_in_another_process_is_seen_by_the_next_read_here(self) -> None:
        participant, _ = _chat_with_messages(2)
        _newest_ids(participant)  # kept here, under the chat's current token
        loads = coalesced_loads()
        _newest_ids(participant)
        assert coalesced_loads() == loads
        written = _write_in_another_process(participant)
        assert _newest_ids(participant)[0] == written


_WRITER = """
import sys, uuid
import django
django.setup()
from messaging.repository.data import MessageData
from messaging.selectors.hot_pages import page_changed
from messaging.stores import message_repo
chat_id = uuid.UUID(sys.argv[1])
data = MessageData(channel_id=chat_id, content="from elsewhere", sender_id=int(sys.argv[2]))
message_id = message_repo().insert_message(data)
page_changed(chat_id)  # what every write path does after its CQL write (messaging.events)
print(message_id)
"""


def _write_in_another_process(participant: Participant) -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", _WRITER, str(participant.chat_id), str(participant.user_id)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    written = int(done.stdout.strip().splitlines()[-1])
    assert written in message_repo().get_messages_by_ids(participant.chat_id, [written])
    return written
