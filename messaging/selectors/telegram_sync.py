"""Reads of ``telegram_sync_state`` (CQL): where a linked chat's import and webhook stand."""

from __future__ import annotations

from uuid import UUID

from messaging.repository.data import TelegramSyncState as TelegramSyncState  # the result
from messaging.stores import message_repo


def telegram_sync_state(*, chat_id: UUID) -> TelegramSyncState | None:
    return message_repo().get_telegram_sync_state(chat_id)
