"""Each store is really reached: a value written and read back over a real connection."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection

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
    # A raw statement on a table of the migrated test keyspace, not the repository:
    # this proves the connection, whatever the repository does.
    channel_id, user_id = uuid.uuid4(), 42
    insert = cql.prepare(
        f"INSERT INTO {cql.keyspace}.message_read_positions "
        "(channel_id, user_id, last_read_message_id) VALUES (?, ?, ?)"
    )
    cql.execute(insert, (channel_id, user_id, 123456789), write=True)
    select = cql.prepare(
        f"SELECT last_read_message_id FROM {cql.keyspace}.message_read_positions "
        "WHERE channel_id = ? AND user_id = ?"
    )
    assert cql.execute(select, (channel_id, user_id)).one().last_read_message_id == 123456789
    version = cql.execute("SELECT release_version FROM system.local").one().release_version
    assert version.startswith("5.")


@pytest.mark.django_db
def test_postgresql_prepares_statements_run_again() -> None:
    # The per-request lookups (token, membership, profiles) are the same SQL every
    # time: from their second run on a connection the server keeps them prepared.
    user_model = get_user_model()
    user = user_model.objects.create_user(username=f"probe-{uuid.uuid4().hex[:8]}")
    for _ in range(3):
        assert user_model.objects.filter(pk=user.pk).only("username").get() == user
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "auth_user" WHERE "auth_user"."id" = $1%'],
        )
        (prepared,) = cursor.fetchone()
    assert prepared >= 1
