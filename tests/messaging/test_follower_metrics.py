"""Follower failures, outbox healing and repairs are counted where an operator's scrape sees them.

The failure is real (another PostgreSQL session holds the chat's ledger lock,
as in ``test_services_repair``), and so is the repair that follows.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from messaging.models import FollowerTask
from messaging.services.outbox import outbox_drain
from tests.messaging.api_support import create_chat, ledger_held_elsewhere, make_user, post_message
from tests.wellwon.scrape import current

FAILURES = "wellwon_follower_failures_total"
REPAIRS = "wellwon_follower_repairs_total"
OUTBOX = "wellwon_outbox_tasks_total"


pytestmark = pytest.mark.usefixtures("stores")


@override_settings(MESSAGING_LEDGER_LOCK_TIMEOUT=0.2)
def test_a_failed_ledger_follower_and_its_repair_are_counted() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    failed = current(FAILURES, follower="ledger")
    added = current(REPAIRS, kind="search_added")
    recounted = current(REPAIRS, kind="unread_recounted")
    with ledger_held_elsewhere(chat_id):
        post_message(alice, chat_id, "during the outage")
    assert current(FAILURES, follower="ledger") - failed == 1

    call_command("reindex_search", chat=[chat_id], stdout=StringIO())
    call_command("rebuild_unread", chat=[chat_id], stdout=StringIO())
    assert current(REPAIRS, kind="search_added") - added == 1
    assert current(REPAIRS, kind="unread_recounted") - recounted == 2  # both participants


@override_settings(MESSAGING_LEDGER_LOCK_TIMEOUT=0.2, MESSAGING_OUTBOX_GRACE=0)
def test_the_outbox_drain_counts_failed_and_healed_tasks() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    chat_id = create_chat(alice, bob)["id"]
    before = {outcome: current(OUTBOX, outcome=outcome) for outcome in ("failed", "healed")}
    with ledger_held_elsewhere(chat_id):
        post_message(alice, chat_id, "during the outage")
        assert outbox_drain().failed == 1  # the lock is still held
    FollowerTask.objects.filter(chat_id=chat_id).update(due_at=timezone.now())
    assert outbox_drain().healed == 1
    counted = {outcome: current(OUTBOX, outcome=outcome) - before[outcome] for outcome in before}
    assert counted == {"failed": 1, "healed": 1}
