"""The gateway's Prometheus metrics (collected by the multiprocess exposition of /metrics).

Gauges of open connections are summed over live processes (``livesum``), so a
crashed worker's connections stop counting.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

CONNECTIONS_OPEN = Gauge(
    "wellwon_gateway_connections_open",
    "Identified WebSocket connections open now.",
    multiprocess_mode="livesum",
)
EVENTS_SENT = Counter(
    "wellwon_gateway_events_sent_total", "Event frames written to connections.", ["type"]
)
EVENTS_UNPUBLISHED = Counter(
    "wellwon_gateway_events_unpublished_total",
    "Events a use case could not hand to Redis (clients fill the gap by resuming).",
    ["type"],
)
DELIVERY_LAG = Histogram(
    "wellwon_gateway_delivery_lag_seconds",
    "From a message's id time (its creation) to its frame being written to a connection.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0),
)
CLOSES = Counter("wellwon_gateway_closes_total", "Connections closed by the server.", ["code"])
RESUMED_MESSAGES = Histogram(
    "wellwon_gateway_resume_messages",
    "Messages sent by one resume.",
    buckets=(0, 1, 10, 100, 500, 1000, 5000, 10000),
)
