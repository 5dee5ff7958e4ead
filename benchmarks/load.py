"""A small closed-loop load generator: N clients on loopback, keep-alive HTTP/1.1.

Each client is a thread with its own ``http.client`` connection that sends
its next request as soon as the last answer was read (closed loop, so the
figure is what N eager clients get, not an open arrival rate). A run stops at
a request count or a time limit, whichever comes first. An error is any
answer with another status than the one expected, or a connection failure
(the client then reconnects). The generator costs the machine about 0.1 ms
of CPU per request, which it takes from the same two cores as the server:
its own CPU time is reported beside the results.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from benchmarks.stats import Deadline, percentile


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes | None = None
    expect: int = 200


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    client_cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def p(self, fraction: float) -> float:
        """A latency percentile in milliseconds."""
        return percentile(self.latencies, fraction) * 1000

    def checked(self, what: str) -> LoadResult:
        """Itself, unless most answers were errors: a fast error page is not a result."""
        if self.errors * 2 > max(1, self.requests):
            raise RuntimeError(
                f"{what}: {self.errors} errors in {self.requests} requests, "
                f"statuses {dict(self.statuses)}"
            )
        return self


def drive(
    port: int,
    next_call: Callable[[int], Call],
    *,
    headers: dict[str, str],
    clients: int,
    requests: int,
    seconds: float,
) -> LoadResult:
    """``requests`` calls (``next_call(i)`` builds the i-th) from ``clients`` threads."""
    counter = itertools.count()
    result = LoadResult()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline: list[Deadline] = []

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        errors = 0
        start.wait()
        while not deadline[0].expired():
            index = next(counter)
            if index >= requests:
                break
            call = next_call(index)
            began = time.perf_counter()
            try:
                connection.request(call.method, call.path, body=call.body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                continue
            latencies.append(time.perf_counter() - began)
            statuses[response.status] += 1
            errors += response.status != call.expect
        connection.close()
        with lock:
            result.latencies.extend(latencies)
            result.statuses.update(statuses)
            result.errors += errors

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    cpu = time.process_time()
    deadline.append(Deadline(seconds))
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    result.seconds = time.perf_counter() - began
    result.client_cpu = time.process_time() - cpu
    result.requests = len(result.latencies)
    return result
