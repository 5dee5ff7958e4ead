"""django-cassandra-engine: the CQL connection in DATABASES, the models known to Django,
the ORM kept off CQL and the CQL models off SQL, the schema only from migrations."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import router

from messaging.conf import CASSANDRA_ALIAS, CQL_APP_LABEL, ScyllaSettings
from messaging.cql_models import CQL_MODELS, Message
from messaging.models import Chat, SearchEntry


def test_the_cql_connection_is_declared_from_the_same_settings() -> None:
    declared = settings.DATABASES[CASSANDRA_ALIAS]
    scylla = ScyllaSettings.from_django()
    assert declared["ENGINE"] == "django_cassandra_engine"
    assert declared["NAME"] == scylla.keyspace  # the test keyspace here
    assert declared["HOST"].split(",") == list(scylla.contact_points)
    assert declared["OPTIONS"]["connection"]["port"] == scylla.port
    assert declared["OPTIONS"]["replication"]["strategy_class"] == scylla.replication["class"]


def test_the_models_are_django_models_of_the_cql_app_and_unmanaged() -> None:
    registered = set(apps.get_app_config(CQL_APP_LABEL).get_models())
    assert set(CQL_MODELS) <= registered  # (tests subclass some to compare schemas)
    assert all(not model._meta.managed for model in CQL_MODELS)
    assert Message._meta.pk.name == "message_id"


@pytest.mark.django_db
def test_makemigrations_finds_nothing_to_do() -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)  # SystemExit(1) otherwise
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_no_content_types_for_the_cql_tables() -> None:
    assert not ContentType.objects.filter(app_label=CQL_APP_LABEL).exists()


@pytest.mark.parametrize(
    ("db", "app_label", "allowed"),
    [
        (CASSANDRA_ALIAS, "messaging", False),
        (CASSANDRA_ALIAS, "auth", False),
        (CASSANDRA_ALIAS, CQL_APP_LABEL, False),
        ("default", CQL_APP_LABEL, False),
        ("default", "messaging", True),
    ],
)
def test_migrations_never_reach_cql(db: str, app_label: str, allowed: bool) -> None:
    assert router.allow_migrate(db, app_label) is allowed


@pytest.mark.parametrize(("model", "alias"), [(Message, CASSANDRA_ALIAS), (Chat, "default")])
def test_reads_and_writes_are_routed(model: Any, alias: str) -> None:
    assert router.db_for_read(model) == alias
    assert router.db_for_write(model) == alias


def test_no_relation_between_the_stores() -> None:
    assert router.allow_relation(Message(), SearchEntry()) is False


def test_sync_cassandra_is_refused() -> None:
    with pytest.raises(CommandError, match="scylla_migrate"):
        call_command("sync_cassandra")
