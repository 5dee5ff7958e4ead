"""Helpers shared by the repository suites (real Cassandra through the ``cql`` fixture)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from messaging.repository import MessageData, MessageScyllaRepo
from messaging.scylla import ScyllaClient


@pytest.fixture
def repo(cql: ScyllaClient) -> MessageScyllaRepo:
    return MessageScyllaRepo(cql)


@pytest.fixture
def channel() -> uuid.UUID:
    return uuid.uuid4()


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def message(channel_id: uuid.UUID, content: str = "hello", **fields: Any) -> MessageData:
    fields.setdefault("sender_id", 11)
    return MessageData(channel_id=channel_id, content=content, **fields)


@dataclass
class QueryCount:
    queries: int = 0


@contextmanager
def counting_queries(client: ScyllaClient) -> Iterator[QueryCount]:
    """Statements sent through the client inside the block (from its own metrics)."""
    counted = QueryCount()
    before = client.metrics.snapshot().queries
    yield counted
    counted.queries = client.metrics.snapshot().queries - before
