"""The Telegram counters: webhook outcomes and imported messages, as the scrape shows them."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.telegram.support import (
    channel_id_of,
    fresh_bare_id,
    linked_chat,
    retarget,
    supergroup_export,
    write_export,
)
from tests.telegram.test_import import run_import
from tests.wellwon.scrape import current

WEBHOOK = "wellwon_telegram_webhook_updates_total"
IMPORTED = "wellwon_telegram_import_messages_total"
SECRET = "metrics-secret"


pytestmark = pytest.mark.usefixtures("stores")


def deliver(update: Any) -> int:
    with override_settings(TELEGRAM_WEBHOOK_SECRET=SECRET):
        response = APIClient().post(
            "/api/telegram/webhook/",
            update,
            format="json",
            HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET,
        )
    return response.status_code


def test_webhook_outcomes_are_counted(bot_updates: dict[str, Any]) -> None:
    chat_id = channel_id_of(fresh_bare_id())
    linked_chat(chat_id)
    update = retarget(copy.deepcopy(bot_updates["supergroup_message"]), chat_id)
    update["update_id"] = fresh_bare_id()
    outcomes = ("created", "replayed", "duplicate", "malformed")
    before = {outcome: current(WEBHOOK, outcome=outcome) for outcome in outcomes}
    assert deliver(update) == 200
    assert deliver(update) == 200  # the same update_id again
    assert deliver({**update, "update_id": update["update_id"] + 1}) == 200
    assert (
        deliver({"update_id": 5, "message": {"message_id": 1}}) == 200
    )  # malformed: 200, not retried
    assert {
        outcome: current(WEBHOOK, outcome=outcome) - before[outcome] for outcome in outcomes
    } == {
        "created": 1,
        "replayed": 1,
        "duplicate": 1,
        "malformed": 1,
    }


def test_imported_duplicate_and_failed_messages_are_counted(tmp_path: Path) -> None:
    export = supergroup_export(fresh_bare_id())
    del export["messages"][1]["id"]
    path = write_export(tmp_path / "result.json", export)
    outcomes = ("imported", "duplicate", "failed")
    before = {outcome: current(IMPORTED, outcome=outcome) for outcome in outcomes}
    out, _ = run_import(path, "--chat", "auto", "--no-progress")
    assert "13 imported, 0 duplicates skipped, 1 failed" in out
    run_import(path, "--chat", "auto", "--no-progress", "--on-error", "skip")
    counted = {
        outcome: current(IMPORTED, outcome=outcome) - before[outcome] for outcome in outcomes
    }
    assert counted == {"imported": 13, "duplicate": 13, "failed": 2}
