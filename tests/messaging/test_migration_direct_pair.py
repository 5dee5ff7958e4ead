"""Migration 0002 keys the direct chats made before it: the oldest of a pair gets the key,
a later duplicate keeps an empty one, and the unique constraint holds from then on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.messaging.api_support import make_user

BEFORE = [("messaging", "0001_initial")]
AFTER = [("messaging", "0002_chat_direct_pair")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_direct_chats_get_their_pair_key_oldest_first() -> None:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    old = migrate(BEFORE)
    chat = old.get_model("messaging", "Chat")
    participant = old.get_model("messaging", "Participant")
    now = timezone.now()
    for name, users, age in (
        ("first", (alice, bob), 3),
        ("duplicate", (bob, alice), 2),
        ("other", (alice, carol), 1),
        ("group", (alice, bob), 1),
    ):
        row = chat.objects.create(
            name=name, type="group" if name == "group" else "direct", created_by_id=users[0].pk
        )
        chat.objects.filter(pk=row.pk).update(created_at=now - timedelta(days=age))
        for user in users:
            participant.objects.create(chat=row, user_id=user.pk)
    try:
        new = migrate(AFTER)
        keys = dict(new.get_model("messaging", "Chat").objects.values_list("name", "direct_pair"))
        low, high = sorted((alice.pk, bob.pk))
        assert keys["first"] == f"{low}:{high}"
        assert keys["duplicate"] == "" and keys["group"] == ""
        assert keys["other"] == ":".join(map(str, sorted((alice.pk, carol.pk))))
    finally:  # back to the newest migrations, which later tests need
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
