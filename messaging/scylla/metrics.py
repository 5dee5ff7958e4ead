"""The CQL client's Prometheus metrics, and the per-client statement counts tests read.

Latency is a histogram by statement name and consistency level, so that any
number of workers and any time range aggregate (``histogram_quantile`` over
summed buckets), which the percentiles of one process's recent samples could
not. Statement names come from the repository (``Statements.names``); a
statement nobody named (DDL, probes, schema checks) is ``other``. In
multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``) every value lives in the
process's file of that directory and the scrape sums them.

The hot path stays cheap: a name is a dict lookup on the query text, and the
histogram child of each (statement, consistency) pair is looked up once and
kept, so a statement costs one ``observe``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cassandra import ConsistencyLevel
from cassandra.query import BatchStatement, BoundStatement, PreparedStatement, SimpleStatement
from prometheus_client import Counter, Gauge, Histogram

OTHER = "other"
# From a prepared single-row read (well under a millisecond on a warm node) to the
# driver's request timeout.
CQL_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

CQL_STATEMENT_SECONDS = Histogram(
    "wellwon_cql_statement_duration_seconds",
    "Time from sending a CQL statement to its answer, by statement name and consistency level.",
    ["statement", "consistency"],
    buckets=CQL_BUCKETS,
)
CQL_ERRORS = Counter(
    "wellwon_cql_errors",
    "CQL statements that failed, by statement name and the driver's error class.",
    ["statement", "error"],
)
CQL_PREPARED_STATEMENTS = Gauge(
    "wellwon_cql_prepared_statements",
    "Prepared statements in the client's LRU (the largest of the live workers).",
    multiprocess_mode="livemax",
)
BREAKER_TRANSITIONS = Counter(
    "wellwon_cql_breaker_transitions",
    "Circuit-breaker state changes, by the state entered.",
    ["state"],
)
BREAKER_OPEN = Gauge(
    "wellwon_cql_breaker_open",
    "1 while a live worker's circuit breaker fails CQL requests fast.",
    multiprocess_mode="livemax",
)


@dataclass(frozen=True)
class MetricsSnapshot:
    queries: int
    errors: int


class ScyllaMetrics:
    """Records each statement: the Prometheus series, and this client's own counts.

    The counts (``snapshot``) let tests and benchmarks see how many statements
    a call sent through one client, which a process-wide series cannot tell.
    """

    def __init__(self, *, enabled: bool = True) -> None:
        self._lock = threading.Lock()
        self._queries = 0
        self._errors = 0
        self._enabled = enabled
        # Query text, and prepared id (all a batch entry keeps), -> name.
        self._names: dict[str | bytes, str] = {}
        self._timers: dict[tuple[str, str], Any] = {}

    def name_statements(self, names: Mapping[str, str]) -> None:
        """Gives query texts the names their series carry (``{cql: name}``)."""
        self._names.update(names)

    def name_prepared(self, prepared: PreparedStatement) -> None:
        """Names a prepared statement's id like its text, for the batches it joins."""
        name = self._names.get(prepared.query_string)
        if name is not None:
            self._names[prepared.query_id] = name

    def statement_name(self, statement: object) -> str:
        """The name of the statement's query text; a batch is named by its parts."""
        if isinstance(statement, BoundStatement):
            statement = statement.prepared_statement
        if isinstance(statement, PreparedStatement | SimpleStatement):
            statement = statement.query_string
        if isinstance(statement, str):
            return self._names.get(statement, OTHER)
        if isinstance(statement, BatchStatement):
            entries = statement._statements_and_parameters  # (is_prepared, id or text, values)
            return "batch:" + "+".join(sorted({self._names.get(e[1], OTHER) for e in entries}))
        return OTHER

    def record(
        self, name: str, consistency: str, seconds: float, error: BaseException | None = None
    ) -> None:
        """One statement's time (a failed one's too: timeouts belong in the latency)."""
        with self._lock:
            self._queries += 1
            if error is not None:
                self._errors += 1
        if not self._enabled:
            return
        key = (name, consistency)
        timer = self._timers.get(key)
        if timer is None:
            timer = self._timers[key] = CQL_STATEMENT_SECONDS.labels(name, consistency)
        timer.observe(seconds)
        if error is not None:
            CQL_ERRORS.labels(name, type(error).__name__).inc()

    def snapshot(self) -> MetricsSnapshot:
        with self._lock:
            return MetricsSnapshot(queries=self._queries, errors=self._errors)


def consistency_name(level: int | None, default: str) -> str:
    """The label of a statement's consistency: its own level, else its profile's."""
    if level is None:
        return default
    return str(ConsistencyLevel.value_to_name.get(level, default))
