"""The realtime part: the WebSocket gateway under uvicorn, on the HTTP part's bench stores.

One uvicorn process (``wellwon.asgi``, DEBUG off) serves the API and ``/ws/``;
this process holds every WebSocket client (asyncio, ``websockets``) and sends
through the API. Figures:

* delivery latency, from the sender's ``201`` to each subscriber's receipt
  (0 when the event came first), p50 and p99 with 1, 100 and 1,000 subscribers
  of one chat; baseline: the send's own latency (to its ``201``) in the same
  round. The issue's goal, Centrifugo's published p99, is 200 ms;
* events delivered per second with senders going flat out, and the server's
  CPU per delivered event; baseline: its CPU per send with nobody listening;
* a reconnect storm: every subscriber drops, 1,000 messages are written, all
  reconnect and resume at once: time until each has all of them, with the
  gaps and duplicates counted (both must be 0); baseline: one client resuming
  the same messages alone.

The clients share this process's one core with their JSON parsing, so with
1,000 subscribers part of the latency is the client's own queue.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import websockets

from benchmarks.http import RepositoryBaseline
from benchmarks.server import ROOT, cpu_seconds, free_port, seeded
from benchmarks.stats import Deadline, Figure, Rounds, figure, percentile

PART = "realtime"
UVICORN = (sys.executable, "-m", "uvicorn", "wellwon.asgi:application", "--log-level", "warning")


@dataclass(frozen=True)
class Size:
    subscribers: tuple[int, ...]
    messages: int  # per latency round and subscriber count
    rounds: int
    saturation_seconds: float
    storm_clients: int
    storm_missed: int


SIZES = {
    "small": Size((1, 100, 1000), 12, 2, 3.0, 100, 1000),
    "medium": Size((1, 100, 1000), 30, 3, 6.0, 300, 1000),
    "large": Size((1, 100, 1000, 2000), 60, 5, 10.0, 1000, 1000),
}


class Gateway:
    """``uvicorn wellwon.asgi:application`` on the bench stores, on a free port."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        env = {
            **env,
            "GATEWAY_MAX_CONNECTIONS_PER_USER": "100000",
            "GATEWAY_HEARTBEAT_INTERVAL": "300",
            "GATEWAY_MAX_BACKLOG": "100000",
        }
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [*UVICORN, "--port", str(self.port)],
            env=env,
            cwd=ROOT,
        )
        deadline = Deadline(60)
        while not deadline.expired():
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/health/live")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("uvicorn did not answer within 60 s")

    def cpu(self) -> float:
        return cpu_seconds([self.process.pid])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@dataclass
class Subscriber:
    """One WebSocket client; notes when each ``message.created`` arrived."""

    socket: Any
    received: dict[str, float] = field(default_factory=dict)
    duplicates: int = 0
    resumed: float | None = None
    reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        async for text in self.socket:
            now = time.perf_counter()
            frame = json.loads(text)
            if frame["op"] == "resumed":
                self.resumed = now
            elif frame.get("type") == "message.created":
                message_id = frame["data"]["id"]
                if message_id in self.received:
                    self.duplicates += 1
                else:
                    self.received[message_id] = now


async def subscribe(port: int, token: str, count: int) -> list[Subscriber]:
    opening = asyncio.Semaphore(50)

    async def one() -> Subscriber:
        async with opening:
            socket = await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/", max_queue=None, ping_interval=None
            )
            await socket.send(json.dumps({"op": "identify", "token": token}))
            ready = json.loads(await socket.recv())
            assert ready["op"] == "ready", ready  # noqa: S101
        subscriber = Subscriber(socket)
        subscriber.reader = asyncio.get_running_loop().create_task(subscriber.read())
        return subscriber

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def close_all(subscribers: Sequence[Subscriber]) -> None:
    await asyncio.gather(*(s.socket.close() for s in subscribers))
    for subscriber in subscribers:
        if subscriber.reader is not None:
            subscriber.reader.cancel()


class Sender:
    """Posts through the API (blocking http.client on a few threads)."""

    def __init__(self, port: int, token: str, chat_id: str) -> None:
        self.port, self.token, self.chat_id = port, token, chat_id
        self.pool = ThreadPoolExecutor(max_workers=4)

    def post(self, content: str) -> tuple[str, float, float]:
        """The new message's id, when the POST began and when its 201 arrived."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        began = time.perf_counter()
        connection.request(
            "POST",
            f"/api/chats/{self.chat_id}/messages/",
            json.dumps({"content": content}),
            {"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        answer = connection.getresponse()
        body = answer.read()
        ended = time.perf_counter()
        if answer.status != 201:
            raise RuntimeError(f"POST answered {answer.status}: {body[:200]!r}")
        return json.loads(body)["id"], began, ended

    async def apost(self, content: str) -> tuple[str, float, float]:
        return await asyncio.get_running_loop().run_in_executor(self.pool, self.post, content)


async def everyone_has(
    subscribers: Sequence[Subscriber], ids: Sequence[str], seconds: float
) -> bool:
    deadline = Deadline(seconds)
    while not deadline.expired():
        if all(all(i in s.received for i in ids) for s in subscribers):
            return True
        await asyncio.sleep(0.005)
    return False


@dataclass
class Latencies:
    """Seconds: after the sender's 201, from the POST's start, and the sends themselves."""

    after_201: list[float] = field(default_factory=list)
    from_post: list[float] = field(default_factory=list)
    sends: list[float] = field(default_factory=list)


async def latency_round(
    sender: Sender, subscribers: Sequence[Subscriber], messages: int
) -> Latencies:
    got = Latencies()
    for index in range(messages):
        message_id, began, answered = await sender.apost(f"latency probe {index}")
        got.sends.append(answered - began)
        if not await everyone_has(subscribers, [message_id], 30):
            raise RuntimeError(f"message {message_id} did not reach every subscriber in 30 s")
        arrived = [s.received[message_id] for s in subscribers]
        got.after_201 += [max(0.0, at - answered) for at in arrived]
        got.from_post += [at - began for at in arrived]
    return got


@dataclass(frozen=True)
class Saturation:
    events_per_second: float
    cpu: float  # server CPU seconds over the window
    sends: int
    delivered: int


async def saturation(
    gateway: Gateway, sender: Sender, subscribers: Sequence[Subscriber], seconds: float
) -> Saturation:
    """4 senders flat out for ``seconds``, then until every subscriber has every message."""
    before = sum(len(s.received) for s in subscribers)
    cpu = gateway.cpu()
    started = time.perf_counter()
    deadline = Deadline(seconds)
    sent: list[str] = []

    async def keep_sending() -> None:
        while not deadline.expired():
            sent.append((await sender.apost("saturation"))[0])

    await asyncio.gather(*(keep_sending() for _ in range(4)))
    await everyone_has(subscribers, sent, 60)
    elapsed = time.perf_counter() - started
    delivered = sum(len(s.received) for s in subscribers) - before
    return Saturation(delivered / elapsed, gateway.cpu() - cpu, len(sent), delivered)


async def storm(
    port: int, token: str, chat_id: str, repo: RepositoryBaseline, clients: int, missed: int
) -> tuple[float, int, int]:
    """Seconds until ``clients`` resuming at once all have ``missed`` messages; gaps; dupes."""
    from messaging.repository import MessageData

    last = str(
        repo.repo.insert_message(
            MessageData(channel_id=uuid.UUID(chat_id), content="before", sender_id=0)
        )
    )
    rows = [
        MessageData(channel_id=uuid.UUID(chat_id), content=f"missed {n}", sender_id=0)
        for n in range(missed)
    ]
    ids = [str(i) for i in repo.repo.insert_messages(rows)]
    started = time.perf_counter()
    subscribers = await subscribe(port, token, clients)
    resume = json.dumps({"op": "resume", "chats": {chat_id: last}})
    await asyncio.gather(*(s.socket.send(resume) for s in subscribers))
    await everyone_has(subscribers, ids, 120)
    elapsed = time.perf_counter() - started
    gaps = sum(len(set(ids) - set(s.received)) for s in subscribers)
    duplicates = sum(s.duplicates for s in subscribers)
    await close_all(subscribers)
    return elapsed, gaps, duplicates


async def measure(
    size: Size, gateway: Gateway, token: str, chat_id: str, repo: Any
) -> list[Figure]:
    sender = Sender(gateway.port, token, chat_id)
    rounds = Rounds()
    for _ in range(size.rounds):
        for count in size.subscribers:
            subscribers = await subscribe(gateway.port, token, count)
            got = await latency_round(sender, subscribers, size.messages)
            rounds.add(
                **{
                    f"p50_{count}": percentile(got.after_201, 0.5) * 1000,
                    f"p99_{count}": percentile(got.after_201, 0.99) * 1000,
                    f"post_p99_{count}": percentile(got.from_post, 0.99) * 1000,
                    f"send_p50_{count}": percentile(got.sends, 0.5) * 1000,
                    f"send_p99_{count}": percentile(got.sends, 0.99) * 1000,
                }
            )
            if count == 100:
                busy = await saturation(gateway, sender, subscribers, size.saturation_seconds)
                await close_all(subscribers)
                quiet = await saturation(gateway, sender, [], size.saturation_seconds)
                per_send = quiet.cpu / max(1, quiet.sends)
                fan_out = max(0.0, busy.cpu - busy.sends * per_send)  # the sends' share removed
                rounds.add(
                    rate=busy.events_per_second,
                    cpu_event=fan_out / max(1, busy.delivered) * 1e6,
                    cpu_send=per_send * 1e6,
                )
            else:
                await close_all(subscribers)
        alone = await storm(gateway.port, token, chat_id, repo, 1, size.storm_missed)
        crowd = await storm(
            gateway.port, token, chat_id, repo, size.storm_clients, size.storm_missed
        )
        rounds.add(
            storm=crowd[0],
            storm_alone=alone[0],
            gaps=crowd[1] + alone[1],
            dupes=crowd[2] + alone[2],
        )
    sender.pool.shutdown()
    figures = []
    for count in size.subscribers:
        figures.append(
            figure(
                PART,
                f"delivery p99 from the POST's start, {count} subscriber(s)",
                "ms",
                rounds[f"post_p99_{count}"],
                digits=1,
                baseline_name="the send's own p99 (to its 201)",
                baseline=rounds[f"send_p99_{count}"],
                note="the 201 leaves after the event is handed out on one process: "
                "the send's own latency grows with the subscribers",
            )
        )
        for pct in ("p50", "p99"):
            figures.append(
                figure(
                    PART,
                    f"delivery {pct} after the 201, {count} subscriber(s)",
                    "ms",
                    rounds[f"{pct}_{count}"],
                    digits=1,
                    baseline_name=f"the send's own {pct} (to its 201)",
                    baseline=rounds[f"send_{pct}_{count}"],
                    note="goal: p99 <= 200 ms (Centrifugo's published p99)" if pct == "p99" else "",
                )
            )
    figures += [
        figure(
            PART,
            "events delivered/s, 100 subscribers, 4 senders flat out",
            "events/s",
            rounds["rate"],
        ),
        figure(
            PART,
            "server CPU per delivered event (the sends' own CPU taken out)",
            "µs",
            rounds["cpu_event"],
            baseline_name="server CPU per send, nobody listening",
            baseline=rounds["cpu_send"],
        ),
        figure(
            PART,
            f"reconnect storm: {size.storm_clients} clients resume {size.storm_missed} missed",
            "s",
            rounds["storm"],
            digits=2,
            baseline_name="one client resuming them alone",
            baseline=rounds["storm_alone"],
        ),
        figure(
            PART,
            "storm gaps + duplicates (must be 0)",
            "messages",
            [g + d for g, d in zip(rounds["gaps"], rounds["dupes"], strict=True)],
        ),
    ]
    return figures


def run(size_name: str) -> list[Figure]:
    size = SIZES[size_name]
    env, fixture = seeded(200)
    repo = RepositoryBaseline(fixture)
    gateway = Gateway(env)
    try:
        return asyncio.run(measure(size, gateway, fixture.token, fixture.post_chat_id, repo))
    finally:
        gateway.stop()
        repo.close()
