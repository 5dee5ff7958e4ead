"""The ASGI server's HTTP side under concurrent clients keeps PostgreSQL's connections few.

Django runs each request's sync code in a thread of its own under ASGI, so a
persistent connection per thread was one new connection per request that was
never closed: uvicorn answered 503 ("too many clients already") after a few
hundred sends. It now takes connections from a pool (``POSTGRES_POOL``, which
``wellwon/asgi.py`` turns on).
"""

from __future__ import annotations

import threading
from collections import Counter

import requests
from django.conf import settings
from django.db import connection

from tests.gateway.conftest import Person, make_chat
from tests.gateway.server import Server

CLIENTS = 16
SENDS = 20  # per client: 320 requests, three times PostgreSQL's default 100 slots


def _backends() -> int:
    """Connections to the test database, from every process."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
            [settings.DATABASES["default"]["NAME"]],
        )
        return int(cursor.fetchone()[0])


def test_concurrent_sends_through_uvicorn_all_land_on_a_bounded_pool(
    server: Server, people: tuple[Person, Person, Person]
) -> None:
    ann, bob, _ = people
    chat_id = make_chat(ann, bob)
    before = _backends()
    statuses: Counter[int] = Counter()
    peak = [before]
    lock = threading.Lock()

    def client(n: int) -> None:
        session = requests.Session()
        for i in range(SENDS):
            answer = session.post(
                f"{server.url}/api/chats/{chat_id}/messages/",
                json={"content": f"load {n}.{i}"},
                headers={"Authorization": f"Token {ann.token}"},
                timeout=30,
            )
            with lock:
                statuses[answer.status_code] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        peak[0] = max(peak[0], _backends())
        threads[0].join(timeout=0.2)
    for thread in threads:
        thread.join()

    assert statuses == {201: CLIENTS * SENDS}
    # The server's pool (8 at most) and its outbox drainer, beside what was there before.
    assert peak[0] - before <= 10, (before, peak[0])
