"""A circuit breaker for the CQL cluster.

While the cluster is unreachable every request would otherwise wait for the
driver's timeouts; the breaker turns that into an immediate, clear failure after
a few consecutive errors, and lets one trial request through after a cool-down
so that service resumes by itself when the cluster comes back. Every state
change is counted (``wellwon_cql_breaker_transitions_total``) and an open
breaker shows in ``wellwon_cql_breaker_open``.
"""

from __future__ import annotations

import threading
import time
from enum import StrEnum

from messaging.scylla.metrics import BREAKER_OPEN, BREAKER_TRANSITIONS


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(self, *, failure_threshold: int, reset_seconds: float) -> None:
        self._failure_threshold = failure_threshold
        self._reset_seconds = reset_seconds
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at = 0.0
        self._trial_in_flight = False
        self._state = BreakerState.CLOSED

    @property
    def state(self) -> BreakerState:
        with self._lock:
            if self._state is BreakerState.OPEN and self._cooled_down():
                return BreakerState.HALF_OPEN
            return self._state

    def retry_after(self) -> float:
        """Seconds until the next trial request is let through (0 when closed)."""
        with self._lock:
            if self._state is not BreakerState.OPEN:
                return 0.0
            return max(0.0, self._opened_at + self._reset_seconds - time.monotonic())

    def allow(self) -> bool:
        """Whether a request may go to the cluster now."""
        if self._state is BreakerState.CLOSED:  # the hot path, without the lock: a stale
            return True  # read lets one more request through, which the breaker tolerates
        with self._lock:
            # mypy keeps the narrowing of the unlocked read; another thread may have closed it.
            if self._state is BreakerState.CLOSED:  # type: ignore[comparison-overlap]
                return True
            if self._state is BreakerState.OPEN and self._cooled_down():
                self._enter(BreakerState.HALF_OPEN)
                self._trial_in_flight = False
            if self._state is BreakerState.HALF_OPEN and not self._trial_in_flight:
                self._trial_in_flight = True
                return True
            return False

    def record_success(self) -> None:
        if self._state is BreakerState.CLOSED and not self._failures:
            return  # nothing to reset: every successful query lands here
        with self._lock:
            self._failures = 0
            self._trial_in_flight = False
            self._enter(BreakerState.CLOSED)

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            self._trial_in_flight = False
            if self._state is BreakerState.HALF_OPEN or self._failures >= self._failure_threshold:
                self._enter(BreakerState.OPEN)
                self._opened_at = time.monotonic()

    def _enter(self, state: BreakerState) -> None:
        """Moves to ``state`` (under the lock), counting real changes only."""
        if state is self._state:
            return
        self._state = state
        BREAKER_TRANSITIONS.labels(state.value).inc()
        BREAKER_OPEN.set(1 if state is BreakerState.OPEN else 0)

    def _cooled_down(self) -> bool:
        return time.monotonic() - self._opened_at >= self._reset_seconds
