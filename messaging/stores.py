"""The CQL repositories, bound to the process's CQL client.

Built once per client (a new client after ``reset_scylla_client`` gets new
repositories); ``get_scylla_client`` raises ``MessageStoreDisabled`` when
SCYLLA_ENABLED is false, which the API answers with 503.
"""

from __future__ import annotations

import threading

from messaging.repository import MessageScyllaRepo
from messaging.repository.edit_history import MessageEditHistoryRepo
from messaging.scylla import ScyllaClient, get_scylla_client

_lock = threading.Lock()
_bound: tuple[ScyllaClient, MessageScyllaRepo, MessageEditHistoryRepo] | None = None


def _repositories() -> tuple[MessageScyllaRepo, MessageEditHistoryRepo]:
    global _bound
    client = get_scylla_client()
    bound = _bound
    if bound is None or bound[0] is not client:
        with _lock:
            bound = (client, MessageScyllaRepo(client), MessageEditHistoryRepo(client))
            _bound = bound
    return bound[1], bound[2]


def message_repo() -> MessageScyllaRepo:
    return _repositories()[0]


def edit_history_repo() -> MessageEditHistoryRepo:
    return _repositories()[1]
