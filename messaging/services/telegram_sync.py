"""``telegram_sync_state``: where each linked chat's import and webhook stand.

One row per linked chat (CQL). Statuses: ``idle`` (linked, nothing
running), ``importing`` (an import is running, or died without finishing),
``live`` (webhook deliveries arrive), ``failed`` (the last import stopped on
an error, ``last_error`` says which and where).

``last_telegram_message_id`` is the newest Telegram message handled. An
import resumes after it only when the previous import did not finish
(``importing``/``failed``): once the webhook is live, that id comes from live
traffic, and an older export must still be read in full (the mapping table
then skips what is already stored).
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from messaging.repository.data import TelegramSyncState
from messaging.selectors.telegram_sync import telegram_sync_state
from messaging.stores import message_repo

IDLE = "idle"
IMPORTING = "importing"
LIVE = "live"
FAILED = "failed"
UNFINISHED = frozenset({IMPORTING, FAILED})
MAX_ERROR_LENGTH = 1000


def resume_point(state: TelegramSyncState | None) -> int | None:
    """The Telegram id an interrupted import stopped after, or None to read everything."""
    if state is None or state.status not in UNFINISHED:
        return None
    return state.last_telegram_message_id


def holds_telegram_messages(state: TelegramSyncState | None) -> bool:
    """False when nothing Telegram was ever stored in the chat (no duplicate is possible)."""
    if state is None:
        return False
    return bool(state.imported_count or state.last_telegram_message_id or state.last_update_id)


def sync_record(
    channel_id: UUID,
    *,
    status: str | None = None,
    last_telegram_message_id: int | None = None,
    imported_count: int | None = None,
    last_update_id: int | None = None,
    error: str | None = None,
) -> None:
    """Writes the given fields and ``last_sync_at``; ``error=""`` clears ``last_error``."""
    message_repo().update_telegram_sync_state(
        channel_id,
        status=status,
        last_telegram_message_id=last_telegram_message_id,
        imported_count=imported_count,
        last_update_id=last_update_id,
        last_sync_at=datetime.now(UTC),
        last_error=None if error is None else error[:MAX_ERROR_LENGTH],
    )


def sync_link(channel_id: UUID, telegram_chat_id: int) -> None:
    """Records the Telegram chat a chat mirrors; a first link starts idle, nothing imported."""
    state = telegram_sync_state(chat_id=channel_id)
    message_repo().update_telegram_sync_state(
        channel_id,
        telegram_chat_id=telegram_chat_id,
        status=IDLE if state is None or state.status is None else None,
        imported_count=0 if state is None else None,
    )
