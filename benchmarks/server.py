"""The real Django app under gunicorn, on stores of the benchmark's own.

The server is the production set-up (``wellwon.wsgi`` under gunicorn with
``wellwon.gunicorn_conf``, DEBUG=false, several workers, no ``--preload``
needed since the CQL session is created lazily in each worker) with
``benchmarks.settings`` (throttling off, the bare view mounted). Its stores
are the local services with names of its own, created and migrated on first
use: PostgreSQL database
``<POSTGRES_DB>_bench_http``, CQL keyspace ``bench_http``, Redis prefix
``bench_http``. Every run seeds a new chat, so runs never meet.

    python -m benchmarks.server seed --messages 200   # (a child of the benchmark)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.stats import Deadline

ROOT = Path(__file__).resolve().parent.parent
KEYSPACE = "bench_http"
REDIS_PREFIX = "bench_http"
READER = "bench-reader"
SENDERS = ("bench-alice", "bench-bob")
LISTER = "bench-lister"
LISTED_CHATS = 20  # the chat list benchmark: a first screen of 20 chats with previews


def bench_database() -> str:
    return f"{os.environ.get('POSTGRES_DB', 'wellwon')}_bench_http"


def child_env() -> dict[str, str]:
    """The environment of every child: production-style Django on the bench stores."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # the POSTGRES_* variables name the bench database
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        DEBUG="false",
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback (production redirects to HTTPS)
        SCYLLA_KEYSPACE=KEYSPACE,
        REDIS_KEY_PREFIX=REDIS_PREFIX,
        POSTGRES_DB=bench_database(),
        POSTGRES_PASSWORD=env.get("POSTGRES_PASSWORD", "wellwon"),  # no default with DEBUG off
        LOG_LEVEL="WARNING",
    )
    env["BENCH_SECRET_KEY"] = env["SECRET_KEY"]  # one key for every child of the run
    return env


def _manage(env: dict[str, str], *command: str) -> None:
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *command],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


_prepared: set[str] = set()


def prepare_stores(env: dict[str, str]) -> None:
    """Makes the run's database anew (once per process) and migrates it and the keyspace.

    Bench and chaos databases are throwaway, like a test database: made new for each run,
    so a migration renamed since an earlier run (or on another branch) cannot leave one
    that no longer migrates. The keyspace keeps its rows; every run uses new chat ids.
    """
    import psycopg

    name = env["POSTGRES_DB"]
    if name in _prepared:
        return
    with psycopg.connect(
        host=env.get("POSTGRES_HOST", "127.0.0.1"),
        port=int(env.get("POSTGRES_PORT", "5432")),
        user=env.get("POSTGRES_USER", "wellwon"),
        password=env.get("POSTGRES_PASSWORD", "wellwon"),
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "scylla_migrate")
    _prepared.add(name)


@dataclass(frozen=True)
class Fixture:
    """What the load generator needs: a token, a chat with history to read, a chat to post to.

    Posts go to a chat of their own so that every GET of the run reads the same page.
    """

    token: str
    chat_id: str
    post_chat_id: str
    messages: int
    lister_token: str  # a member of LISTED_CHATS chats, each with unread messages


_seeded: dict[int, Fixture] = {}


def seeded(messages: int) -> tuple[dict[str, str], Fixture]:
    """The children's environment and this run's fixture: stores prepared and seeded once."""
    env = child_env()
    if messages not in _seeded:
        prepare_stores(env)
        _seeded[messages] = seed(env, messages)
    return env, _seeded[messages]


def seed(env: dict[str, str], messages: int) -> Fixture:
    """A new chat of three users with ``messages`` messages, seeded by a child process."""
    out = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks.server", "seed", "--messages", str(messages)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return Fixture(**json.loads(out.strip().splitlines()[-1]))


def _seed_here(messages: int) -> Fixture:
    """Runs in the child: users and token (found or made), a new chat, its history.

    Messages go straight through the repository (the GET under test reads
    only what the repository and PostgreSQL profiles give it): three senders,
    some mentions and attachments, and reactions on every tenth message, so
    the page's hydration has profiles and reactions to join.
    """
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from messaging.repository import MessageData
    from messaging.services.chats import chat_create
    from messaging.stores import message_repo

    users = [
        get_user_model().objects.get_or_create(username=name, defaults={"first_name": name[6:]})[0]
        for name in (READER, *SENDERS)
    ]
    token, _ = Token.objects.get_or_create(user=users[0])
    chat, post_chat = (
        chat_create(
            creator=users[0], name=name, type="group", participant_ids=[u.pk for u in users[1:]]
        )
        for name in ("bench reads", "bench posts")
    )
    repo = message_repo()
    rows = [
        MessageData(
            channel_id=chat.pk,
            content=f"message {index}: " + "lorem ipsum dolor sit amet " * (1 + index % 6),
            sender_id=users[index % 3].pk,
            mentions={users[0].pk} if index % 7 == 0 else None,
            attachments=(
                [{"type": "image", "url": "https://example.com/p.png", "size": 1234}]
                if index % 20 == 0
                else None
            ),
        )
        for index in range(messages)
    ]
    ids = repo.insert_messages(rows)
    for message_id in ids[-50::10]:
        for user in users[:2]:
            repo.add_reaction(chat.pk, message_id, user.pk, "👍")
    return Fixture(
        token=token.key,
        chat_id=str(chat.pk),
        post_chat_id=str(post_chat.pk),
        messages=messages,
        lister_token=_seed_lister(sender=users[1]),
    )


def _seed_lister(sender: Any) -> str:
    """A new user in LISTED_CHATS chats, each with two messages from ``sender`` (sent through
    the use case, so the previews, unread counts and chat order are the product's own)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from messaging.models import Participant
    from messaging.services.chats import chat_create
    from messaging.services.messages import message_send

    lister = get_user_model().objects.create_user(username=f"{LISTER}-{secrets.token_hex(4)}")
    for index in range(LISTED_CHATS):
        chat = chat_create(
            creator=lister, name=f"listed {index}", type="group", participant_ids=[sender.pk]
        )
        member = Participant.objects.select_related("chat").get(chat=chat, user=sender)
        for n in range(2):
            message_send(participant=member, content=f"preview {index}.{n}: " + "lorem " * 12)
    return Token.objects.create(user=lister).key


# ------------------------------------------------------------------ gunicorn
@dataclass(frozen=True)
class ServerSpec:
    """How gunicorn runs: ``sync`` workers, or ``gthread`` workers with threads each."""

    workers: int
    worker_class: str = "sync"
    threads: int = 1

    @property
    def application(self) -> str:
        """ASGI workers (uvicorn's) serve ``wellwon.asgi``; the others ``wellwon.wsgi``."""
        module = "asgi" if "uvicorn" in self.worker_class.lower() else "wsgi"
        return f"wellwon.{module}:application"

    @property
    def label(self) -> str:
        if self.worker_class == "gthread":
            return f"gthread -w {self.workers} --threads {self.threads}"
        return f"{self.worker_class} -w {self.workers}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``gunicorn wellwon.wsgi`` (or ``.asgi``) on 127.0.0.1, started and stopped around a block."""

    def __init__(self, spec: ServerSpec, env: dict[str, str]) -> None:
        self.spec = spec
        self.env = env
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:wellwon.gunicorn_conf",  # the production set-up: metrics of every worker
            self.spec.application,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.spec.workers),
            "--worker-class",
            self.spec.worker_class,
            "--threads",
            str(self.spec.threads),
            "--keep-alive",
            "30",
            "--backlog",
            "256",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT)  # noqa: S603
        self._wait_ready(Deadline(60))
        return self

    def _wait_ready(self, deadline: Deadline) -> None:
        """Every worker answers once (readiness through the whole stack)."""
        while not deadline.expired():
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/health/live")
                if connection.getresponse().status == 200 and len(self.worker_pids()) >= 1:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU the processes have used (their threads included)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def rss_peak_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="bench server helpers (children only)")
    parser.add_argument("action", choices=["seed"])
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args(argv)
    fixture = _seed_here(args.messages)
    print(json.dumps(fixture.__dict__))
    return 0


if __name__ == "__main__":
    sys.exit(main())
