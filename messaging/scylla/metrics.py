"""In-process metrics of the CQL client, exported by ``/metrics``.

Counters are plain integers under a lock; latencies keep a bounded window of the
most recent samples so that percentiles stay cheap and memory stays flat.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class MetricsSnapshot:
    queries: int
    errors: int
    latency_avg_ms: float
    latency_p50_ms: float
    latency_p95_ms: float
    latency_p99_ms: float


class ScyllaMetrics:
    WINDOW = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queries = 0
        self._errors = 0
        self._latency_total = 0.0
        self._window: deque[float] = deque(maxlen=self.WINDOW)

    def record(self, seconds: float, *, error: bool) -> None:
        with self._lock:
            self._queries += 1
            if error:
                self._errors += 1
            self._latency_total += seconds
            self._window.append(seconds)

    def snapshot(self) -> MetricsSnapshot:
        with self._lock:
            queries, errors, total = self._queries, self._errors, self._latency_total
            samples = sorted(self._window)

        def pct(p: float) -> float:
            if not samples:
                return 0.0
            return samples[min(len(samples) - 1, int(p * len(samples)))] * 1000

        return MetricsSnapshot(
            queries=queries,
            errors=errors,
            latency_avg_ms=(total / queries * 1000) if queries else 0.0,
            latency_p50_ms=pct(0.50),
            latency_p95_ms=pct(0.95),
            latency_p99_ms=pct(0.99),
        )
