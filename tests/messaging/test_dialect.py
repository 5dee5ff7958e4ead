"""Server detection and the keyspace DDL each server accepts.

ScyllaDB cannot run on this machine, so the rendering is tested as pure
functions for every server family and version; detection runs against the
real Apache Cassandra.
"""

from __future__ import annotations

import pytest
from cassandra.protocol import SyntaxException

from messaging.scylla import ScyllaClient
from messaging.scylla.dialect import (
    Dialect,
    Product,
    TabletsMode,
    UnsupportedServerError,
    detect_dialect,
    keyspace_uses_tablets,
    normalize_replication,
    parse_dialect,
    parse_version,
    render_create_keyspace,
    render_replication,
    scylla_knows_tablets,
    tablets_mode_from_config,
    validate_keyspace_name,
)
from messaging.scylla.migrations import run_ddl
from tests.messaging.schema_support import scratch_keyspace

SIMPLE = {"class": "SimpleStrategy", "replication_factor": 1}
PRODUCTION = {"class": "NetworkTopologyStrategy", "datacenter1": 3}
CASSANDRA = Dialect(Product.CASSANDRA, "5.0.8")
SCYLLA_54 = Dialect(Product.SCYLLADB, "5.4.9-0.20240703.abc")
SCYLLA_60 = Dialect(Product.SCYLLADB, "6.0.0", TabletsMode.ENABLED)
SCYLLA_62 = Dialect(Product.SCYLLADB, "6.2.3", TabletsMode.DISABLED)
SCYLLA_2025 = Dialect(Product.SCYLLADB, "2025.1.2", TabletsMode.ENABLED)
ENTERPRISE_2024_1 = Dialect(Product.SCYLLADB, "2024.1.10")
ENTERPRISE_2024_2 = Dialect(Product.SCYLLADB, "2024.2.1", TabletsMode.ENABLED)

BASE = (
    "CREATE KEYSPACE IF NOT EXISTS wellwon_scylla WITH replication = "
    "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3} AND durable_writes = true"
)
TABLETS_OFF = " AND tablets = {'enabled': false}"


class TestKeyspaceDDL:
    @pytest.mark.parametrize(
        ("dialect", "expected"),
        [
            (CASSANDRA, BASE),
            (SCYLLA_54, BASE),
            (ENTERPRISE_2024_1, BASE),
            (SCYLLA_60, BASE + TABLETS_OFF),
            (SCYLLA_62, BASE + TABLETS_OFF),
            (ENTERPRISE_2024_2, BASE + TABLETS_OFF),
            (SCYLLA_2025, BASE + TABLETS_OFF),
        ],
        ids=str,
    )
    def test_network_topology_gets_tablets_off_only_where_understood(
        self, dialect: Dialect, expected: str
    ) -> None:
        assert render_create_keyspace("wellwon_scylla", PRODUCTION, dialect) == expected

    @pytest.mark.parametrize(
        ("dialect", "clause"),
        [(CASSANDRA, ""), (SCYLLA_54, ""), (SCYLLA_60, TABLETS_OFF), (SCYLLA_2025, TABLETS_OFF)],
        ids=str,
    )
    def test_simple_strategy_gets_it_too_where_understood(
        self, dialect: Dialect, clause: str
    ) -> None:
        # 2026.x refuses SimpleStrategy on its default tablets; 6.x ignores the clause there.
        assert render_create_keyspace("dev", SIMPLE, dialect) == (
            "CREATE KEYSPACE IF NOT EXISTS dev WITH replication = "
            "{'class': 'SimpleStrategy', 'replication_factor': 1} AND durable_writes = true"
            + clause
        )

    @pytest.mark.parametrize("replication", [SIMPLE, PRODUCTION])
    def test_enforced_tablets_are_refused_with_the_setting_to_change(
        self, replication: dict[str, object]
    ) -> None:
        enforced = Dialect(Product.SCYLLADB, "2025.3.0", TabletsMode.ENFORCED)
        with pytest.raises(UnsupportedServerError) as refused:
            render_create_keyspace("wellwon_scylla", replication, enforced)
        message = str(refused.value)
        assert "ScyllaDB 2025.3.0 enforces tablets" in message
        assert "tablets_mode_for_new_keyspaces" in message
        assert "message_reaction_counts" in message

    def test_enforced_mode_on_cassandra_is_meaningless(self) -> None:
        odd = Dialect(Product.CASSANDRA, "5.0.8", TabletsMode.ENFORCED)
        assert TABLETS_OFF not in render_create_keyspace("k", PRODUCTION, odd)

    def test_several_datacenters_render_sorted(self) -> None:
        replication = {"class": "NetworkTopologyStrategy", "eu": "3", "us": 2}
        assert render_replication(replication) == (
            "{'class': 'NetworkTopologyStrategy', 'eu': 3, 'us': 2}"
        )

    def test_bad_keyspace_name_is_refused(self) -> None:
        with pytest.raises(ValueError, match="invalid keyspace name"):
            render_create_keyspace("drop table; --", SIMPLE, CASSANDRA)


class TestReplication:
    def test_fully_qualified_class_is_accepted(self) -> None:
        stored = {"class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "1"}
        assert normalize_replication(stored) == normalize_replication(SIMPLE)

    @pytest.mark.parametrize(
        ("replication", "message"),
        [
            ({"class": "LocalStrategy"}, "must be SimpleStrategy or NetworkTopologyStrategy"),
            ({"replication_factor": 1}, "not 'missing'"),
            ({"class": "SimpleStrategy", "dc1": 3}, "exactly one option"),
            ({"class": "NetworkTopologyStrategy"}, "a factor per datacenter"),
            ({"class": "NetworkTopologyStrategy", "dc1": 0}, "positive integer"),
            ({"class": "NetworkTopologyStrategy", "dc1": "three"}, "positive integer"),
        ],
    )
    def test_invalid_replication_is_refused(
        self, replication: dict[str, object], message: str
    ) -> None:
        with pytest.raises(ValueError, match=message):
            normalize_replication(replication)


class TestVersions:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("5.0.8", (5, 0, 8)),
            ("6.2.3-0.20250119.4bc7f3b6a", (6, 2, 3)),
            ("2025.1.0~rc2-0.20250301.abc", (2025, 1, 0)),
            ("5.4", (5, 4, 0)),
        ],
    )
    def test_parse_version(self, text: str, expected: tuple[int, int, int]) -> None:
        assert parse_version(text) == expected

    def test_garbage_version_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="not a server version"):
            parse_version("unknown")

    @pytest.mark.parametrize(
        ("version", "knows"),
        [
            ((5, 2, 0), False),
            ((5, 4, 9), False),
            ((6, 0, 0), True),
            ((6, 2, 3), True),
            ((2023, 1, 8), False),
            ((2024, 1, 10), False),
            ((2024, 2, 0), True),
            ((2025, 1, 0), True),
        ],
    )
    def test_which_scylla_versions_know_tablets(
        self, version: tuple[int, int, int], knows: bool
    ) -> None:
        assert scylla_knows_tablets(version) is knows

    def test_cassandra_never_knows_tablets(self) -> None:
        assert Dialect(Product.CASSANDRA, "6.0.0").knows_tablets is False


class TestTabletsMode:
    @pytest.mark.parametrize(
        ("config", "mode"),
        [
            ({}, None),
            ({"enable_tablets": "true"}, TabletsMode.ENABLED),
            ({"enable_tablets": "false"}, TabletsMode.DISABLED),
            ({"tablets_mode_for_new_keyspaces": '"enforced"'}, TabletsMode.ENFORCED),
            (
                {"tablets_mode_for_new_keyspaces": '"disabled"', "enable_tablets": "true"},
                TabletsMode.DISABLED,
            ),
        ],
    )
    def test_read_from_system_config_values(
        self, config: dict[str, str], mode: TabletsMode | None
    ) -> None:
        assert tablets_mode_from_config(config) is mode


class TestOfflineDialects:
    def test_named_dialects(self) -> None:
        assert parse_dialect("cassandra") == Dialect(Product.CASSANDRA, "5.0")
        assert parse_dialect("scylladb-6.2").knows_tablets is True
        assert parse_dialect("scylla-5.4").knows_tablets is False

    @pytest.mark.parametrize("spec", ["mysql", "scylladb", "scylladb-latest"])
    def test_unknown_dialect(self, spec: str) -> None:
        with pytest.raises(ValueError):
            parse_dialect(spec)


def test_keyspace_names() -> None:
    assert validate_keyspace_name("wellwon_scylla") == "wellwon_scylla"
    for bad in ("1abc", "a-b", "a" * 49, "", "ks.table"):
        with pytest.raises(ValueError):
            validate_keyspace_name(bad)


class TestDetectionOnCassandra:
    def test_the_running_server_is_apache_cassandra_5(self, cql: ScyllaClient) -> None:
        dialect = detect_dialect(cql.session)
        assert dialect.product is Product.CASSANDRA
        assert dialect.version_tuple[:2] == (5, 0)
        assert dialect.tablets_mode is None
        assert str(dialect) == f"Apache Cassandra {dialect.version}"

    @pytest.mark.parametrize("replication", [SIMPLE, PRODUCTION], ids=["simple", "nts"])
    def test_the_rendered_ddl_creates_the_keyspace(
        self, cql: ScyllaClient, replication: dict[str, object]
    ) -> None:
        with scratch_keyspace(cql) as keyspace:
            ddl = render_create_keyspace(keyspace, replication, detect_dialect(cql.session))
            run_ddl(cql.session, ddl)
            stored = cql.execute(
                "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = %s",
                (keyspace,),
            ).one()
            assert normalize_replication(stored.replication) == normalize_replication(replication)

    def test_cassandra_rejects_the_tablets_clause_scylla_6_needs(self, cql: ScyllaClient) -> None:
        # Why the clause must be conditional: the seed's DDL carried it everywhere.
        with scratch_keyspace(cql) as keyspace:
            ddl = render_create_keyspace(keyspace, PRODUCTION, SCYLLA_60)
            with pytest.raises(SyntaxException, match="Unknown property 'tablets'"):
                cql.execute(ddl, write=True)

    def test_cassandra_keyspaces_are_never_on_tablets(self, cql: ScyllaClient) -> None:
        assert (
            keyspace_uses_tablets(cql.session, detect_dialect(cql.session), cql.keyspace) is False
        )
