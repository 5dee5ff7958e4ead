"""The followers' Prometheus counters: failures, outbox healing, repairs.

Declared by the app with ``prometheus_client`` (beside ``scylla/metrics.py``,
``telegram/metrics.py`` and ``gateway/metrics.py``), so that any project
installing it scrapes them from its default registry or, in multiprocess
mode, from the directory every process writes to; a repair command run with
the server's ``PROMETHEUS_MULTIPROC_DIR`` leaves its counts there. Labels are
small fixed sets (outcomes, follower names), never ids.
"""

from __future__ import annotations

from prometheus_client import Counter

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
