"""The chaos run: clients write continuously while nodes, Redis and PostgreSQL fail.

    python -m benchmarks.chaos --duration 300            # make chaos (3-node cluster)
    python -m benchmarks.chaos --duration 90 --kills 1   # the cluster phase's short run
    python -m benchmarks.chaos --duration 20 --no-faults # a dry run of the clients and counts

A gunicorn server (the production settings, two workers) runs on stores of the
run's own (database ``<POSTGRES_DB>_chaos``, keyspace ``chaos_wellwon`` with
the replication of SCYLLA_REPLICATION, Redis prefix ``chaos``). One client
thread per chat sends as one member (with an Idempotency-Key, retried after
a 503 or no answer), edits each of its acknowledged messages once, reacts and
marks read as the other member, then sends it again with its key (a retry
whose answer was lost, which must not write it over its edit), for the whole
duration.
Meanwhile the faults happen one after another: a Cassandra node is killed
(``kill -9``) and restarted ``--kills`` times (nodes 2, 3, 2...), and Redis and
PostgreSQL are each stopped and started once. After the clients stop, the run
waits for the follower outbox to drain (its stated healing time), then counts:

- acknowledged sends (201) and how many of them are found at ALL;
- edits undone: acknowledged edits whose text is not the message's at ALL;
- answers by status, and every 5xx other than 503 (a bug, never an outage);
- search drift: index rows missing, extra or stale against the live messages
  at ALL; unread drift: participants whose count is not the exact count.

Goal: 0 lost, 0 undone, 0 non-503 5xx, 0 drift. The exit status is 1 when a
goal is missed. It stops the shared services on purpose: never run it beside
other test runs (``--no-faults`` stops nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.api_client import ApiClient
from benchmarks.server import ROOT, Server, ServerSpec, prepare_stores

STACK = ROOT / "services" / "stack"
KEYSPACE = "chaos_wellwon"
HEALING_WAIT = 60.0  # seconds: beyond the outbox's default bound (22 s) and a node's hints


@dataclass(frozen=True)
class ChaosPlan:
    duration: float = 300.0
    kills: int = 3
    chats: int = 4
    faults: bool = True


@dataclass
class Tally:
    """What the clients saw; filled by several threads under ``lock``."""

    statuses: Counter[str] = field(default_factory=Counter)
    sent: dict[str, list[int]] = field(default_factory=dict)  # chat -> acknowledged ids
    edits: dict[int, str] = field(default_factory=dict)  # id -> acknowledged text
    server_errors: list[str] = field(default_factory=list)  # 5xx other than 503
    faults: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, operation: str, status: int, detail: Any) -> None:
        with self.lock:
            self.statuses[f"{operation} {status}"] += 1
            if status >= 500 and status != 503:
                self.server_errors.append(f"{operation} {status}: {str(detail)[:300]}")


@dataclass(frozen=True)
class Member:
    user_id: int
    token: str


@dataclass(frozen=True)
class ChatUnderTest:
    chat_id: str
    sender: Member
    reader: Member


# ------------------------------------------------------------------ set-up
def chaos_env() -> dict[str, str]:
    """The production settings on the run's own stores, for the server and this process."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="wellwon.settings",
        DEBUG="false",
        SECRET_KEY=env.get("CHAOS_SECRET_KEY") or secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        POSTGRES_DB=f"{env.get('POSTGRES_DB', 'wellwon')}_chaos",
        POSTGRES_PASSWORD=env.get("POSTGRES_PASSWORD", "wellwon"),  # no default with DEBUG off
        SCYLLA_KEYSPACE=KEYSPACE,
        REDIS_KEY_PREFIX="chaos",
        THROTTLE_USER="1000000/min",
        LOG_LEVEL="WARNING",
    )
    return env


def seed(chats: int) -> list[ChatUnderTest]:
    """Two fresh members and one fresh chat per client thread (runs never meet)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from messaging.services.chats import chat_create

    run = secrets.token_hex(3)
    made = []
    for n in range(chats):
        users = [
            get_user_model().objects.create_user(username=f"chaos-{run}-{n}-{role}")
            for role in ("sender", "reader")
        ]
        members = [Member(u.pk, Token.objects.create(user=u).key) for u in users]
        chat = chat_create(
            creator=users[0], name=f"chaos {run} {n}", type="group", participant_ids=[users[1].pk]
        )
        made.append(ChatUnderTest(str(chat.pk), members[0], members[1]))
    return made


# ------------------------------------------------------------------ clients
SEND_ATTEMPTS = 3


def send_with_retries(client: ApiClient, path: str, body: dict[str, Any], key: str) -> int:
    """A send as a careful client makes it: an Idempotency-Key, retried after a 503 or no answer."""
    status = 0
    for _ in range(SEND_ATTEMPTS):
        status = client.request("POST", path, body, headers={"Idempotency-Key": key})
        if status not in (0, 503):
            break
        time.sleep(0.5)
    return status


def client_loop(port: int, chat: ChatUnderTest, tally: Tally, stop: threading.Event) -> None:
    """Send, edit the previous message once, react to it, mark it read and send it again
    with its Idempotency-Key (a retry whose answer was lost), until ``stop``."""
    sender, reader = ApiClient(port, chat.sender.token), ApiClient(port, chat.reader.token)
    base = f"/api/chats/{chat.chat_id}"
    tally.sent[chat.chat_id] = []
    sends: dict[int, tuple[str, dict[str, Any]]] = {}  # id -> (key, body)
    n = 0
    while not stop.is_set():
        n += 1
        key, body = f"chaos-{chat.chat_id}-{n}", {"content": f"chaos {n}"}
        status = send_with_retries(sender, f"{base}/messages/", body, key)
        tally.answer("send", status, sender.body)
        if status in (200, 201):
            tally.sent[chat.chat_id].append(int(sender.body["id"]))
            sends[int(sender.body["id"])] = (key, body)
        acknowledged = tally.sent[chat.chat_id]
        if len(acknowledged) < 2:
            continue
        target = acknowledged[-2]  # edited once, one send later
        text = f"chaos edit {target}"
        status = sender.request("PATCH", f"{base}/messages/{target}/", {"content": text})
        tally.answer("edit", status, sender.body)
        if status == 200:
            with tally.lock:
                tally.edits[target] = text
        status = reader.request("POST", f"{base}/messages/{target}/reactions/", {"emoji": "👍"})
        tally.answer("react", status, reader.body)
        status = reader.request("POST", f"{base}/read/", {"message_id": str(target)})
        tally.answer("read", status, reader.body)
        key, body = sends[target]
        status = sender.request("POST", f"{base}/messages/", body, {"Idempotency-Key": key})
        tally.answer("late retry", status, sender.body)


# ------------------------------------------------------------------ faults
def _run(*command: str) -> None:
    subprocess.run(command, check=True, timeout=600)  # noqa: S603 - our own tools


def _stack(*args: str) -> None:
    _run(str(STACK), *args)


def _pg(action: str) -> int:
    """Debian's pg_ctlcluster on the newest cluster; its exit status (status: 0 = running)."""
    version = sorted(p.name for p in Path("/usr/lib/postgresql").iterdir())[-1]
    command = ["pg_ctlcluster", version, "main", action]
    return subprocess.run(command, check=False, timeout=600).returncode  # noqa: S603


def _redis_stop() -> None:
    port = os.environ.get("REDIS_PORT", "6379")
    subprocess.run(  # noqa: S603 - redis-cli; "shutdown" ends the connection, exit status 1
        ["redis-cli", "-h", "127.0.0.1", "-p", port, "shutdown", "nosave"],  # noqa: S607
        check=False,
        timeout=30,
    )


Fault = tuple[str, Callable[[], None], Callable[[], None]]  # name, break, mend


def _node_kill(n: int) -> Fault:
    return (
        f"kill -9 node {n}",
        lambda: _stack("cassandra-kill", "--nodes", "3", str(n)),
        lambda: _stack("cassandra-start", "--nodes", "3", str(n)),
    )


def fault_schedule(kills: int) -> list[Fault]:
    """Node kills (nodes 2, 3, 2...) with Redis after the first and PostgreSQL after the second."""
    faults = [_node_kill(2 + i % 2) for i in range(kills)]
    redis: Fault = ("stop Redis", _redis_stop, lambda: _stack("up", "--nodes", "3"))
    postgres: Fault = ("stop PostgreSQL", lambda: _pg_must("stop"), lambda: _pg_must("start"))
    faults.insert(min(1, len(faults)), redis)
    faults.insert(min(3, len(faults)), postgres)
    return faults


def _pg_must(action: str) -> None:
    if _pg(action) != 0:
        raise RuntimeError(f"pg_ctlcluster {action} failed")


def inject_faults(plan: ChaosPlan, tally: Tally, started: float) -> None:
    """Each fault in its own slot of the first 80% of the run: broken for half of it."""
    faults = fault_schedule(plan.kills)
    slot = 0.8 * plan.duration / len(faults)
    for index, (name, breaks, mends) in enumerate(faults):
        _sleep_until(started + index * slot + 0.1 * slot)
        _note(tally, started, f"{name}: start")
        breaks()
        _sleep_until(started + index * slot + 0.6 * slot)
        mends()
        _note(tally, started, f"{name}: over")


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def _note(tally: Tally, started: float, what: str) -> None:
    line = f"[chaos {time.monotonic() - started:6.1f}s] {what}"
    print(line, flush=True)
    with tally.lock:
        tally.faults.append(line)


# ------------------------------------------------------------------ counting
def messages_at(
    contact_points: list[str],
    keyspace: str,
    chat_id: uuid.UUID,
    buckets: list[int],
    *,
    only: str | None = None,
) -> dict[int, tuple[str, bool, bool]]:
    """id -> (content, deleted, has_reactions) read at ALL, or at ONE from node ``only`` alone."""
    from cassandra import ConsistencyLevel
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
    from cassandra.policies import DCAwareRoundRobinPolicy, WhiteListRoundRobinPolicy

    if only is None:
        policy: Any = DCAwareRoundRobinPolicy()
        level, contact = ConsistencyLevel.ALL, contact_points
    else:
        policy, level, contact = WhiteListRoundRobinPolicy([only]), ConsistencyLevel.ONE, [only]
    profile = ExecutionProfile(load_balancing_policy=policy, consistency_level=level)
    cluster = Cluster(
        contact, execution_profiles={EXEC_PROFILE_DEFAULT: profile}, protocol_version=4
    )
    try:
        session = cluster.connect()
        select = session.prepare(
            f"SELECT message_id, content, is_deleted, has_reactions FROM {keyspace}.messages"
            " WHERE channel_id = ? AND bucket IN ?"
        )
        rows = session.execute(select, (chat_id, buckets))
        return {
            r.message_id: (r.content or "", bool(r.is_deleted), bool(r.has_reactions)) for r in rows
        }
    finally:
        cluster.shutdown()


@dataclass
class Figures:
    acknowledged_sends: int = 0
    sends_found_at_all: int = 0
    acknowledged_edits: int = 0
    edits_undone: int = 0
    server_errors_not_503: int = 0
    search_drift: int = 0
    unread_drift: int = 0
    pending_follow_ups: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def goals_met(self) -> bool:
        return (
            self.sends_found_at_all == self.acknowledged_sends
            and self.edits_undone == 0
            and self.server_errors_not_503 == 0
            and self.search_drift == 0
            and self.unread_drift == 0
        )


def count(tally: Tally, chats: list[ChatUnderTest]) -> Figures:
    from django.conf import settings

    from messaging.models import FollowerTask, Participant, SearchEntry
    from messaging.scylla.snowflake import calculate_message_bucket, generate_snowflake_id
    from messaging.services.search_index import indexable_text
    from messaging.services.unread import unread_count_exact

    figures = Figures(statuses=dict(sorted(tally.statuses.items())))
    figures.server_errors_not_503 = len(tally.server_errors)
    figures.acknowledged_edits = len(tally.edits)
    figures.pending_follow_ups = FollowerTask.objects.count()
    newest_bucket = calculate_message_bucket(generate_snowflake_id())
    for chat in chats:
        acknowledged = tally.sent[chat.chat_id]
        figures.acknowledged_sends += len(acknowledged)
        first = min(acknowledged, default=generate_snowflake_id())
        buckets = list(range(calculate_message_bucket(first), newest_bucket + 1))
        stored = messages_at(
            list(settings.SCYLLA_CONTACT_POINTS), KEYSPACE, uuid.UUID(chat.chat_id), buckets
        )
        figures.sends_found_at_all += sum(1 for i in acknowledged if i in stored)
        figures.edits_undone += sum(
            1 for i, text in tally.edits.items() if i in stored and stored[i][0] != text
        )
        live = {i: indexable_text(c) for i, (c, deleted, _) in stored.items() if not deleted}
        indexed = dict(
            SearchEntry.objects.filter(chat_id=chat.chat_id).values_list("message_id", "content")
        )
        figures.search_drift += len(live.keys() ^ indexed.keys()) + sum(
            1 for i in live.keys() & indexed.keys() if live[i] != indexed[i]
        )
        for participant in Participant.objects.filter(chat_id=chat.chat_id):
            exact = unread_count_exact(
                chat_id=participant.chat_id,
                user_id=participant.user_id,
                last_read=participant.last_read_message_id,
            )
            figures.unread_drift += int(participant.unread_count != exact)
    return figures


def wait_for_outbox(timeout: float) -> None:
    """Until no follow-up is pending (or ``timeout``): the healing the run counts after."""
    from django.db import DatabaseError, connections

    from messaging.models import FollowerTask

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not FollowerTask.objects.exists():
                return
        except DatabaseError:
            connections.close_all()
        time.sleep(1)


# ------------------------------------------------------------------ the run
def run(plan: ChaosPlan) -> tuple[Figures, Tally]:
    env = chaos_env()
    os.environ.update(env)
    prepare_stores(env)
    import django

    django.setup()
    chats = seed(plan.chats)
    tally = Tally()
    stop = threading.Event()
    with Server(ServerSpec(workers=2, worker_class="gthread", threads=4), env) as server:
        clients = [
            threading.Thread(target=client_loop, args=(server.port, chat, tally, stop))
            for chat in chats
        ]
        started = time.monotonic()
        for client in clients:
            client.start()
        try:
            if plan.faults:
                inject_faults(plan, tally, started)
            _sleep_until(started + plan.duration)
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=60)
            if plan.faults:
                mend_everything()
        _note(tally, started, "clients stopped; waiting for the outbox")
        wait_for_outbox(HEALING_WAIT)
    from django.db import connections

    connections.close_all()
    return count(tally, chats), tally


def mend_everything() -> None:
    """Whatever happened, every service runs again (idempotent)."""
    if _pg("status") != 0:
        _pg_must("start")
    _stack("up", "--nodes", "3")
    for n in (1, 2, 3):
        _stack("cassandra-start", "--nodes", "3", str(n))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.chaos",
        description="Clients write while Cassandra nodes, Redis and PostgreSQL fail; counts.",
    )
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of writing")
    parser.add_argument("--kills", type=int, default=3, help="Cassandra node kills (kill -9)")
    parser.add_argument("--chats", type=int, default=4, help="client threads, one chat each")
    parser.add_argument("--no-faults", action="store_true", help="stop nothing (a dry run)")
    parser.add_argument("--json", type=Path, help="write the figures to this file too")
    args = parser.parse_args(argv)
    if args.duration < 10 or args.kills < 0 or args.chats < 1:
        parser.error("--duration is at least 10 s, --kills at least 0, --chats at least 1")
    plan = ChaosPlan(
        duration=args.duration, kills=args.kills, chats=args.chats, faults=not args.no_faults
    )
    figures, tally = run(plan)
    report = {
        **asdict(figures),
        "goals_met": figures.goals_met,
        "plan": asdict(plan),
        "faults": tally.faults,
        "server_errors_not_503_samples": tally.server_errors[:10],
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0 if figures.goals_met else 1


if __name__ == "__main__":
    sys.exit(main())
