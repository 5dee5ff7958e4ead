"""The Telegram bridge's counters, for ``/metrics``: webhook outcomes and imported messages.

Every delivery with a matching secret is answered 200 and counted by outcome
(``created``, ``duplicate``, ``replayed``, ``malformed``, ``conflict``...;
``unavailable`` for the 503 of a store outage, which Telegram retries): a rise
of ``malformed`` or ``conflict`` is what to alert on, since those are not retried.
An import run started with the server's ``PROMETHEUS_MULTIPROC_DIR`` leaves
its counts in that directory for the next scrape.
"""

from __future__ import annotations

from prometheus_client import Counter

webhook_updates = Counter(
    "wellwon_telegram_webhook_updates",
    "Telegram webhook deliveries with a matching secret, by outcome.",
    ["outcome"],
)
imported_messages = Counter(
    "wellwon_telegram_import_messages",
    "Messages handled by Telegram export imports, by outcome (imported, duplicate, failed).",
    ["outcome"],
)
