"""Plans for per-channel state: pins, read positions, Telegram sync, metadata.

Read positions never move backwards without a read or an LWT: each is written
``USING TIMESTAMP`` derived from the message id
(``snowflake_to_unix_micros``: the id's millisecond in µs plus its sequence
scaled into the microseconds), so a position for an older message carries an
older write time and loses to the one already stored, whatever order the
writes arrive in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from messaging.errors import InvalidMessageInput, MessageNotFound
from messaging.repository.base import RepositoryBase, utc_now
from messaging.repository.codec import decode_metadata, decode_sync_state, unset_if_none
from messaging.repository.data import SYNC_STATUSES, ChannelMetadata, Pin, TelegramSyncState, utc
from messaging.repository.plans import Fanout, Plan, Query
from messaging.repository.validation import (
    MAX_IDS_PER_CALL,
    check_channel_id,
    check_message_id,
    check_optional_bigint,
    check_time,
    check_user_id,
)

MAX_PINS_RETURNED = 500
IN_CHUNK = 100
MAX_NAME_LENGTH = 200


class ChannelPlans(RepositoryBase):
    # ------------------------------------------------------------------ pins
    def plan_pin_message(self, channel_id: UUID, message_id: int, pinned_by: int) -> Plan[Pin]:
        """Pins (or re-pins, moving it to the top) a live message of this channel."""
        check_channel_id(channel_id)
        check_message_id(message_id)
        check_user_id(pinned_by, "pinned_by")
        message = yield from self._live_message(channel_id, message_id)
        pin = Pin(message_id, message.bucket, pinned_by, utc_now())
        yield Query(
            self._sql.pin,
            (channel_id, message_id, pin.bucket, pinned_by, pin.pinned_at),
            write=True,
        )
        return pin

    def plan_unpin_message(self, channel_id: UUID, message_id: int) -> Plan[bool]:
        """True when the message was pinned."""
        key = (check_channel_id(channel_id), check_message_id(message_id))
        rows = yield Query(self._sql.select_pin, key, fresh=True)
        if not rows:
            return False
        yield Query(self._sql.unpin, key, write=True)
        return True

    def plan_get_pinned_messages(self, channel_id: UUID) -> Plan[list[Pin]]:
        """Newest pin first (a channel's pins are one small partition)."""
        rows = yield Query(self._sql.select_pins, (check_channel_id(channel_id), MAX_PINS_RETURNED))
        pins = [
            Pin(row.message_id, row.bucket, row.pinned_by, utc(row.pinned_at) or utc_now())
            for row in rows
        ]
        pins.sort(key=lambda pin: (pin.pinned_at, pin.message_id), reverse=True)
        return pins

    # -------------------------------------------------------- read positions
    def plan_set_read_position(self, channel_id: UUID, user_id: int, message_id: int) -> Plan[None]:
        """Moves the user's position forward to ``message_id`` (a message of this channel)."""
        check_channel_id(channel_id)
        check_user_id(user_id)
        check_message_id(message_id)
        found = yield self._select_message(channel_id, message_id, fresh=True)
        if not found:
            raise MessageNotFound(channel_id, message_id)
        yield self._read_position(channel_id, user_id, message_id)

    def plan_get_read_position(self, channel_id: UUID, user_id: int) -> Plan[int | None]:
        rows = yield Query(
            self._sql.select_read_position, (check_channel_id(channel_id), check_user_id(user_id))
        )
        return rows[0].last_read_message_id if rows else None

    # --------------------------------------------------------- Telegram sync
    def plan_get_telegram_sync_state(self, channel_id: UUID) -> Plan[TelegramSyncState | None]:
        rows = yield Query(self._sql.select_sync, (check_channel_id(channel_id),))
        return decode_sync_state(rows[0]) if rows else None

    def plan_get_telegram_sync_states_by_chat(
        self, telegram_chat_id: int
    ) -> Plan[list[TelegramSyncState]]:
        """Channels mirroring a Telegram chat (the webhook's lookup, via the secondary index)."""
        chat = check_optional_bigint(telegram_chat_id, "telegram_chat_id")
        rows = yield Query(self._sql.select_sync_by_chat, (chat,))
        return [decode_sync_state(row) for row in rows]

    def plan_update_telegram_sync_state(
        self,
        channel_id: UUID,
        *,
        telegram_chat_id: int | None = None,
        last_telegram_message_id: int | None = None,
        last_update_id: int | None = None,
        last_sync_at: datetime | None = None,
        status: str | None = None,
        last_error: str | None = None,
        imported_count: int | None = None,
    ) -> Plan[None]:
        """Writes the fields given; None leaves a field as it is (clear ``last_error`` with "")."""
        check_channel_id(channel_id)
        for name, value in (
            ("telegram_chat_id", telegram_chat_id),
            ("last_telegram_message_id", last_telegram_message_id),
            ("last_update_id", last_update_id),
            ("imported_count", imported_count),
        ):
            check_optional_bigint(value, name)
        if status is not None and status not in SYNC_STATUSES:
            raise InvalidMessageInput(
                "status", f"must be one of {', '.join(sorted(SYNC_STATUSES))}"
            )
        if last_sync_at is not None:
            check_time(last_sync_at, "last_sync_at")
        if last_error is not None and not isinstance(last_error, str):
            raise InvalidMessageInput("last_error", "must be a string")
        values = (
            telegram_chat_id,
            last_telegram_message_id,
            last_update_id,
            last_sync_at,
            status,
            last_error,
            imported_count,
        )
        yield Query(
            self._sql.update_sync,
            (*(unset_if_none(v) for v in values), channel_id),
            write=True,
        )

    # ------------------------------------------------------ channel metadata
    def plan_get_channel_metadata(self, channel_id: UUID) -> Plan[ChannelMetadata | None]:
        rows = yield Query(self._sql.select_metadata, (check_channel_id(channel_id),))
        return decode_metadata(rows[0]) if rows else None

    def plan_get_channel_metadata_many(
        self, channel_ids: Sequence[UUID]
    ) -> Plan[dict[UUID, ChannelMetadata]]:
        """The chat list's batch read: ``IN`` over 100 channels per statement, run together."""
        ids = list(dict.fromkeys(check_channel_id(c) for c in channel_ids))
        if len(ids) > MAX_IDS_PER_CALL:
            raise InvalidMessageInput("channel_ids", f"at most {MAX_IDS_PER_CALL} per call")
        reads = [
            Query(self._sql.select_metadata_in, (ids[i : i + IN_CHUNK],))
            for i in range(0, len(ids), IN_CHUNK)
        ]
        results = yield Fanout(reads, len(reads))
        found = (decode_metadata(row) for rows in results for row in rows)
        return {metadata.channel_id: metadata for metadata in found}

    def plan_update_channel_metadata(
        self,
        channel_id: UUID,
        *,
        channel_name: str | None = None,
        channel_type: str | None = None,
        created_at: datetime | None = None,
    ) -> Plan[None]:
        """Writes the descriptive fields given (None leaves one as it is) and ``updated_at``."""
        check_channel_id(channel_id)
        for name, value in (("channel_name", channel_name), ("channel_type", channel_type)):
            if value is not None and (not isinstance(value, str) or len(value) > MAX_NAME_LENGTH):
                raise InvalidMessageInput(name, f"must be a string of at most {MAX_NAME_LENGTH}")
        if created_at is not None:
            check_time(created_at, "created_at")
        yield Query(
            self._sql.update_metadata,
            (
                unset_if_none(channel_name),
                unset_if_none(channel_type),
                unset_if_none(created_at),
                utc_now(),
                channel_id,
            ),
            write=True,
        )
