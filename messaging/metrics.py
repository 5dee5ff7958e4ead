"""The messaging app's Prometheus counters outside the CQL client (``scylla/metrics.py``).

Declared here, with ``prometheus_client``, so that any project installing the app
scrapes them from its default registry or, in multiprocess mode, from the
directory every process writes to: a ``telegram_import`` run started with the
server's ``PROMETHEUS_MULTIPROC_DIR`` leaves its counts there for the next
scrape. Labels are small fixed sets (outcomes, follower names), never ids.
"""

from __future__ import annotations

from prometheus_client import Counter

TELEGRAM_IMPORTED = Counter(
    "wellwon_telegram_import_messages",
    "Messages handled by Telegram export imports, by outcome (imported, duplicate, failed).",
    ["outcome"],
)
# Every delivery whose secret matched is answered 200 and counted by outcome; a rise of
# ``malformed`` or ``conflict`` is what to alert on, since Telegram no longer retries those.
TELEGRAM_WEBHOOK_UPDATES = Counter(
    "wellwon_telegram_webhook_updates",
    "Telegram webhook deliveries with a matching secret, by outcome (created, malformed,"
    " conflict, unavailable for a store outage's 503...).",
    ["outcome"],
)
FOLLOWER_FAILURES = Counter(
    "wellwon_follower_failures",
    "Follow-ups of a stored message that failed (the message is kept; repair heals them).",
    ["follower"],
)
OUTBOX_TASKS = Counter(
    "wellwon_outbox_tasks",
    "Follower-outbox tasks the drain looked at, by outcome (healed, dropped, waiting, failed).",
    ["outcome"],
)
FOLLOWER_REPAIRS = Counter(
    "wellwon_follower_repairs",
    "What the repair commands did to bring a follower back in line with CQL, by kind.",
    ["kind"],
)
