"""Each store is really reached: a value written and read back over a real connection."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from messaging.scylla import ScyllaClient


@pytest.mark.django_db
def test_postgresql_row_round_trip() -> None:
    user_model = get_user_model()
    name = f"probe-{uuid.uuid4().hex[:8]}"
    user_model.objects.create_user(username=name, password="x-secret-1")
    assert user_model.objects.get(username=name).check_password("x-secret-1")


def test_redis_value_round_trip() -> None:
    key = f"probe:{uuid.uuid4()}"
    cache.set(key, {"hello": "redis"}, timeout=30)
    assert cache.get(key) == {"hello": "redis"}
    # The value really lives in Redis, with the TTL we asked for.
    raw = cache.client.get_client()
    assert 0 < raw.ttl(cache.make_key(key)) <= 30


def test_cassandra_row_round_trip(cql: ScyllaClient) -> None:
    cql.execute(
        f"CREATE TABLE IF NOT EXISTS {cql.keyspace}.probe (id uuid PRIMARY KEY, body text)",
        write=True,
    )
    row_id = uuid.uuid4()
    insert = cql.prepare(f"INSERT INTO {cql.keyspace}.probe (id, body) VALUES (?, ?)")
    cql.execute(insert, (row_id, "hello cassandra"), write=True)
    select = cql.prepare(f"SELECT body FROM {cql.keyspace}.probe WHERE id = ?")
    assert cql.execute(select, (row_id,)).one().body == "hello cassandra"
    assert (
        cql.execute("SELECT release_version FROM system.local")
        .one()
        .release_version.startswith("5.")
    )
