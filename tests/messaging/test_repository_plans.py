"""The plan runner on real Cassandra: fan-outs keep statement order and fail cleanly."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from cassandra import InvalidRequest

from messaging.repository.plans import Fanout, Plan, PlanRunner, Query
from messaging.scylla import ScyllaClient

SELECT_INT = "SELECT blobAsInt(intAsBlob(?)) FROM system.local"
BLOB_AS_INT = "SELECT blobAsInt(?) FROM system.local"


def fanout_plan(values: list[Any], concurrency: int) -> Plan[list[int]]:
    results = yield Fanout([Query(SELECT_INT, (v,)) for v in values], concurrency)
    return [rows[0][0] for rows in results]


@pytest.mark.parametrize("concurrency", [1, 3, 64])
def test_fanout_rows_come_back_in_statement_order(cql: ScyllaClient, concurrency: int) -> None:
    runner = PlanRunner(cql)
    values = list(range(200))
    assert runner.run(fanout_plan(values, concurrency)) == values
    assert asyncio.run(runner.arun(fanout_plan(values, concurrency))) == values


def blob_plan(blobs: list[bytes], concurrency: int) -> Plan[list[int]]:
    results = yield Fanout([Query(BLOB_AS_INT, (b,)) for b in blobs], concurrency)
    return [rows[0][0] for rows in results]


@pytest.mark.parametrize("concurrency", [1, 8])
def test_a_statement_the_server_refuses_fails_the_step(cql: ScyllaClient, concurrency: int) -> None:
    runner = PlanRunner(cql)
    blobs = [(i).to_bytes(4, "big") for i in range(40)]
    assert runner.run(blob_plan(blobs, concurrency)) == list(range(40))
    blobs[25] = b"abc"  # three bytes are not an int: the server answers InvalidRequest
    with pytest.raises(InvalidRequest):
        runner.run(blob_plan(blobs, concurrency))
    with pytest.raises(InvalidRequest):
        asyncio.run(runner.arun(blob_plan(blobs, concurrency)))


@pytest.mark.parametrize("concurrency", [1, 8])
def test_a_statement_the_driver_cannot_bind_fails_the_step(
    cql: ScyllaClient, concurrency: int
) -> None:
    values: list[Any] = list(range(40))
    values[25] = 1 << 40  # does not fit an int: refused while binding, before sending
    runner = PlanRunner(cql)
    with pytest.raises(TypeError):
        runner.run(fanout_plan(values, concurrency))
    with pytest.raises(TypeError):
        asyncio.run(runner.arun(fanout_plan(values, concurrency)))
