"""The webhook's outcome counter, for ``/metrics`` (prometheus-client's default registry).

Every delivery whose secret matched is answered 200 and counted here by
outcome (``created``, ``malformed``, ``conflict``...), plus ``unavailable``
for the 503 of a store outage: a rise of ``malformed`` or ``conflict`` is what
an operator alerts on, since Telegram no longer retries those.
"""

from __future__ import annotations

from prometheus_client import Counter

webhook_updates = Counter(
    "wellwon_telegram_webhook_updates",
    "Telegram webhook deliveries with a matching secret, by outcome.",
    ["outcome"],
)
