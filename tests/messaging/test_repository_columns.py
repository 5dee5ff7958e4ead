"""The repository's CQL against the cqlengine models, the one declaration of the columns.

The models are compared with the migration files and the live keyspace by
``scylla_check`` (tests/messaging/test_schema_check.py); here every statement
the repository prepares, the positional decoders and the data classes are
held to the models, so a column renamed, added or dropped in one place and not
the others fails a test instead of a query.
"""

from __future__ import annotations

import re
from dataclasses import fields

import pytest

from messaging import cql_models
from messaging.cql_models import CQL_MODELS, column_names
from messaging.repository.data import ChannelMetadata, MessageData, StoredMessage, TelegramSyncState
from messaging.repository.edit_history import MessageEditHistoryRepo
from messaging.repository.statements import Statements
from messaging.scylla import ScyllaClient

KEYSPACE = "ks_for_columns"
MODELS = {model.__table_name__: model for model in CQL_MODELS}
# Statements write CQL keywords in capitals; lowercase words are identifiers or literals.
IDENTIFIER = re.compile(r"\b[a-z_][a-z0-9_]*\b")
LITERALS = {"true", "false", "null"}


def statement_texts() -> dict[str, str]:
    texts = {f"Statements.{name}": text for name, text in vars(Statements(KEYSPACE)).items()}
    return texts


def identifiers(text: str) -> tuple[str, set[str]]:
    """The statement's table and every column it names."""
    (table,) = set(re.findall(rf"\b{KEYSPACE}\.(\w+)", text))
    words = set(IDENTIFIER.findall(text.replace(f"{KEYSPACE}.{table}", " ")))
    return table, words - LITERALS


@pytest.mark.parametrize(("name", "text"), sorted(statement_texts().items()))
def test_every_statement_names_only_columns_of_its_model(name: str, text: str) -> None:
    table, columns = identifiers(text)
    assert table in MODELS, f"{name} uses {table}, which no cqlengine model declares"
    unknown = columns - set(column_names(MODELS[table]))
    assert not unknown, f"{name} names {sorted(unknown)}, not columns of {table}"


def test_the_edit_history_statements_name_only_model_columns(cql: ScyllaClient) -> None:
    repo = MessageEditHistoryRepo(cql)
    for text in (repo._insert, repo._select):
        table, columns = identifiers(text.replace(cql.keyspace, KEYSPACE))
        assert table == "message_edits"
        assert columns <= set(column_names(cql_models.MessageEdit))


@pytest.mark.parametrize(
    ("data_class", "model"),
    [
        (StoredMessage, cql_models.Message),
        (TelegramSyncState, cql_models.TelegramSyncState),
        (ChannelMetadata, cql_models.ChannelMetadata),
    ],
)
def test_decoded_rows_have_the_models_columns_in_order(data_class: type, model: type) -> None:
    """The decoders unpack rows by position in the model's order into these classes."""
    assert [f.name for f in fields(data_class)] == list(column_names(model))


def test_message_data_holds_only_message_columns() -> None:
    assert {f.name for f in fields(MessageData)} <= set(column_names(cql_models.Message))


def test_the_message_write_binds_a_value_per_placeholder() -> None:
    from uuid import uuid4

    from messaging.repository.codec import encode_message

    text = Statements(KEYSPACE).write_message
    encoded = encode_message(MessageData(channel_id=uuid4(), content="x", sender_id=1))
    assert len(encoded.row_values) == text.count("?")


def test_a_new_column_on_the_model_reaches_the_reads() -> None:
    """The SELECT lists are the model's columns, not a copy of them."""
    statements = Statements(KEYSPACE)
    for column in column_names(cql_models.Message):
        assert column in statements.select_message
    for column in column_names(cql_models.TelegramSyncState):
        assert column in statements.select_sync


def test_decode_message_reads_each_column_by_the_models_order() -> None:
    from datetime import UTC, datetime
    from uuid import uuid4

    from messaging.repository.codec import decode_message
    from messaging.repository.statements import MESSAGE_COLUMNS

    moments = [datetime(2025, 1, day, tzinfo=UTC) for day in (1, 2, 3)]
    row = {
        "channel_id": uuid4(),
        "bucket": 1,
        "message_id": 2,
        "sender_id": 3,
        "content": "text",
        "message_type": "voice",
        "source": "telegram",
        "reply_to_id": 4,
        "attachments": '[{"kind":"file"}]',
        "mentions": {5},
        "entities": '[{"type":"bold"}]',
        "created_at": moments[0].replace(tzinfo=None),
        "edited_at": moments[1].replace(tzinfo=None),
        "is_deleted": True,
        "deleted_at": moments[2].replace(tzinfo=None),
        "telegram_message_id": 6,
        "telegram_chat_id": 7,
        "has_reactions": True,
    }
    message = decode_message(tuple(row[column] for column in MESSAGE_COLUMNS))
    assert message.attachments == [{"kind": "file"}]
    assert message.entities == [{"type": "bold"}]
    assert message.mentions == frozenset({5})
    assert (message.created_at, message.edited_at, message.deleted_at) == tuple(moments)
    plain = set(row) - {"attachments", "entities", "mentions", "created_at", "edited_at"}
    for column in plain - {"deleted_at"}:
        assert getattr(message, column) == row[column], column
