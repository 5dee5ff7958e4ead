"""Helpers of the Telegram integration tests: fresh Telegram ids, export files, stored rows.

The mapping table is keyed by Telegram ids alone and CQL rows outlive a test,
so every test gives the documented fixtures Telegram chat ids of its own
(``fresh_bare_id``): two tests, or two runs of the suite, never meet on a key.
"""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path
from typing import Any

from messaging.models import Chat
from messaging.repository import MessageScyllaRepo, StoredMessage
from messaging.services.chats import chat_create
from messaging.stores import message_repo
from messaging.telegram.ids import CHANNEL_ID_OFFSET
from messaging.telegram.links import chat_link
from tests.messaging.api_support import make_user
from tests.telegram.conftest import load_fixture

SUPERGROUP_BARE_ID = 1234567890


def fresh_bare_id() -> int:
    return random.randrange(10**9, 10**11)


def channel_id_of(bare_id: int) -> int:
    """The Bot API id of a supergroup or channel (-100<bare id>)."""
    return -(CHANNEL_ID_OFFSET + bare_id)


def supergroup_export(bare_id: int) -> dict[str, Any]:
    export: dict[str, Any] = load_fixture("supergroup_export.json")
    export["id"] = bare_id
    return export


def write_export(path: Path, export: dict[str, Any]) -> Path:
    path.write_text(json.dumps(export, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def retarget(update: dict[str, Any], bot_api_chat_id: int) -> dict[str, Any]:
    """The fixture update with every chat of the fixture's supergroup/channel made ``chat_id``."""
    fixture_ids = {channel_id_of(SUPERGROUP_BARE_ID), channel_id_of(9876543210)}

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            if value.get("id") in fixture_ids and "type" in value:
                return {**value, "id": bot_api_chat_id}
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    result: dict[str, Any] = walk(update)
    return result


def linked_chat(telegram_chat_id: int, *, name: str = "Team chat") -> Chat:
    owner = make_user("owner")
    chat = chat_create(creator=owner, name=name, type="group")
    return chat_link(chat=chat, telegram_chat_id=telegram_chat_id)


def all_messages(chat_id: uuid.UUID, repo: MessageScyllaRepo | None = None) -> list[StoredMessage]:
    """Every message of a chat, oldest first (pages of 100 through the repository)."""
    repo = repo or message_repo()
    found: list[StoredMessage] = []
    before: int | None = None
    while True:
        page = repo.get_messages(chat_id, limit=100, before_id=before)
        found.extend(page)
        if len(page) < 100:
            return found[::-1]
        before = page[-1].message_id


def by_telegram_id(messages: list[StoredMessage]) -> dict[int, StoredMessage]:
    return {m.telegram_message_id: m for m in messages if m.telegram_message_id is not None}
