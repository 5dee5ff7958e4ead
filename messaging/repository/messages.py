"""Plans for message rows: insert (single and bulk), lookups, edit, soft delete.

An insert writes, concurrently, the ``messages`` row and one
``channel_metadata`` update per channel (the bucket joins ``active_buckets``;
the last-message columns are written ``USING TIMESTAMP`` of the newest
message's own time so an older import never replaces a newer message). A
message with Telegram ids first claims its mapping with ``IF NOT EXISTS``: a
message already mapped is not stored twice, its existing id is returned, and
if an earlier attempt died between the claim and the row, the row is written
now under the claimed id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from cassandra.query import UNSET_VALUE

from messaging.errors import (
    InvalidMessageInput,
    MessageNotFound,
    TelegramMappingConflict,
)
from messaging.repository.base import DEFAULT_CONCURRENCY, RepositoryBase, utc_now
from messaging.repository.codec import EncodedMessage, decode_message, encode_message
from messaging.repository.data import MessageData, StoredMessage
from messaging.repository.plans import Batch, Fanout, Plan, Query
from messaging.repository.validation import (
    check_channel_id,
    check_content,
    check_message_data,
    check_message_id,
    check_message_ids,
    check_optional_bigint,
    check_time,
    json_text,
)
from messaging.scylla.snowflake import calculate_message_bucket, snowflake_to_unix_micros

IN_CHUNK = 100  # ids per IN (...) list


class MessagePlans(RepositoryBase):
    def plan_insert_message(self, data: MessageData, *, read_by_sender: bool = False) -> Plan[int]:
        """``read_by_sender``: the sender's read position moves to the message in the same
        request (a send: posting marks one's own message read) instead of a second one."""
        ids = yield from self.plan_insert_messages([data], read_by_sender=read_by_sender)
        return ids[0]

    def plan_insert_messages(
        self,
        messages: Sequence[MessageData],
        concurrency: int = DEFAULT_CONCURRENCY,
        *,
        read_by_sender: bool = False,
    ) -> Plan[list[int]]:
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise InvalidMessageInput("concurrency", "must be a positive integer")
        encoded = [encode_message(check_message_data(data)) for data in messages]
        ids = [message.message_id for message in encoded]
        duplicate_of: dict[int, int] = {}  # the same Telegram message twice in one batch
        claims: dict[tuple[int, int], int] = {}
        for index, message in enumerate(encoded):
            if message.telegram_message_id is None or message.telegram_chat_id is None:
                continue
            key = (message.telegram_message_id, message.telegram_chat_id)
            first = claims.setdefault(key, index)
            if first != index:
                duplicate_of[index] = first
        stored: set[int] = set(duplicate_of)  # indexes whose row exists or is written by another
        if claims:
            taken = yield from self._claim_telegram(encoded, list(claims.values()), concurrency)
            for index, existing_id in taken.items():
                ids[index] = existing_id
                encoded[index] = encode_message(messages[index], existing_id)
            stored |= yield from self._existing_rows(encoded, list(taken), concurrency)
            for index, first in duplicate_of.items():
                ids[index] = ids[first]
        fresh = [m for i, m in enumerate(encoded) if i not in stored]
        writes = [Query(self._sql.write_message, m.row_values, write=True) for m in fresh]
        writes += self._touch_channels(fresh)
        if read_by_sender:
            writes += [self._read_position(m.channel_id, m.sender_id, m.message_id) for m in fresh]
        # One message (a send): its row and its channel's metadata in one request.
        yield Batch(writes) if len(fresh) == 1 else Fanout(writes, concurrency)
        return ids

    def _claim_telegram(
        self, encoded: list[EncodedMessage], indexes: list[int], concurrency: int
    ) -> Plan[dict[int, int]]:
        """Claims each Telegram (message, chat) pair; returns index -> id already holding it."""
        claims = [
            Query(
                self._sql.map_telegram,
                (
                    m.telegram_message_id,
                    m.telegram_chat_id,
                    m.channel_id,
                    m.bucket,
                    m.message_id,
                    m.created_at,
                ),
                write=True,
                lwt=True,
            )
            for m in (encoded[i] for i in indexes)
        ]
        results = yield Fanout(claims, concurrency)
        taken: dict[int, int] = {}
        for index, rows in zip(indexes, results, strict=True):
            row = rows[0]
            if row[0]:  # [applied]
                continue
            message = encoded[index]
            if row.channel_id != message.channel_id:
                raise TelegramMappingConflict(
                    row.telegram_message_id, row.telegram_chat_id, row.channel_id
                )
            taken[index] = row.message_id
        return taken

    def _existing_rows(
        self, encoded: list[EncodedMessage], indexes: list[int], concurrency: int
    ) -> Plan[set[int]]:
        """Which of these messages already have their row (a claim without a row is repaired)."""
        reads = [
            self._select_message(encoded[i].channel_id, encoded[i].message_id, fresh=True)
            for i in indexes
        ]
        results = yield Fanout(reads, concurrency)
        return {index for index, rows in zip(indexes, results, strict=True) if rows}

    def _touch_channels(self, messages: list[EncodedMessage]) -> list[Query]:
        newest: dict[UUID, EncodedMessage] = {}
        buckets: dict[UUID, set[int]] = defaultdict(set)
        for message in messages:
            buckets[message.channel_id].add(message.bucket)
            current = newest.get(message.channel_id)
            if current is None or message.message_id > current.message_id:
                newest[message.channel_id] = message
        return [
            Query(
                self._sql.touch_channel,
                (
                    snowflake_to_unix_micros(last.message_id),
                    buckets[channel_id],
                    last.message_id,
                    last.created_at,
                    last.sender_id,
                    channel_id,
                ),
                write=True,
            )
            for channel_id, last in newest.items()
        ]

    def plan_get_message(
        self, channel_id: UUID, message_id: int, *, fresh: bool = False
    ) -> Plan[StoredMessage | None]:
        """``fresh``: read at SCYLLA_FRESH_READ_CONSISTENCY, for a caller that writes
        what it decides from the answer (it sees every acknowledged write)."""
        rows = yield self._select_message(
            check_channel_id(channel_id), check_message_id(message_id), fresh=fresh
        )
        return decode_message(rows[0]) if rows else None

    def plan_get_messages_by_ids(
        self, channel_id: UUID, message_ids: Sequence[int]
    ) -> Plan[dict[int, StoredMessage]]:
        """Hydrates search hits and pins: one ``IN`` query per bucket (and 100 ids)."""
        check_channel_id(channel_id)
        by_bucket: dict[int, list[int]] = defaultdict(list)
        for message_id in check_message_ids(message_ids):
            by_bucket[calculate_message_bucket(message_id)].append(message_id)
        reads = [
            Query(
                self._sql.select_messages_in,
                (channel_id, bucket, ids[i : i + IN_CHUNK]),
                tuples=True,
            )
            for bucket, ids in by_bucket.items()
            for i in range(0, len(ids), IN_CHUNK)
        ]
        results = yield Fanout(reads, len(reads))
        found = (decode_message(row) for rows in results for row in rows)
        return {message.message_id: message for message in found}

    def plan_get_message_by_telegram_id(
        self, channel_id: UUID, telegram_message_id: int, telegram_chat_id: int
    ) -> Plan[StoredMessage | None]:
        """Through ``telegram_message_mapping``: two single-partition reads, no scan.

        Both at the fresh consistency: every caller (a Telegram edit or reaction,
        a reply link) writes what it decides from the answer.
        """
        check_channel_id(channel_id)
        key = (
            check_optional_bigint(telegram_message_id, "telegram_message_id"),
            check_optional_bigint(telegram_chat_id, "telegram_chat_id"),
        )
        mapped = yield Query(self._sql.select_telegram, key, fresh=True)
        if not mapped or mapped[0].channel_id != channel_id:
            return None
        rows = yield Query(
            self._sql.select_message,
            (channel_id, mapped[0].bucket, mapped[0].message_id),
            tuples=True,
            fresh=True,
        )
        return decode_message(rows[0]) if rows else None

    def plan_edit_message(
        self,
        channel_id: UUID,
        message_id: int,
        content: str,
        edited_at: datetime | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> Plan[StoredMessage]:
        """Replaces the text; returns the version before the edit (for the edit history).

        ``entities`` (formatting of the new text, from Telegram) replace the old
        ones when given, ``[]`` included; None leaves them as they are.
        """
        check_channel_id(channel_id)
        check_message_id(message_id)
        check_content(content)
        edited_at = utc_now() if edited_at is None else check_time(edited_at, "edited_at")
        # None leaves the column unwritten; [] is written as "[]" (no tombstone).
        new_entities = UNSET_VALUE if entities is None else json_text(entities, "entities") or "[]"
        previous = yield from self._live_message(channel_id, message_id)
        yield Query(
            self._sql.edit_message,
            (content, new_entities, edited_at, channel_id, previous.bucket, message_id),
            write=True,
        )
        return previous

    def plan_delete_message(self, channel_id: UUID, message_id: int) -> Plan[StoredMessage]:
        """The row stays (clients show "deleted") with none of its body: text, attachments,
        mentions and formatting are removed; id, sender, time, type, reply link and
        Telegram ids remain.

        Returns the message as it was; deleting a deleted message writes nothing, unless
        a delete of older code left some of its body behind.
        """
        check_channel_id(channel_id)
        check_message_id(message_id)
        rows = yield self._select_message(channel_id, message_id, fresh=True)
        if not rows:
            raise MessageNotFound(channel_id, message_id)
        previous = decode_message(rows[0])
        body_left = previous.content or previous.attachments or previous.mentions
        if not previous.is_deleted or body_left or previous.entities:
            yield Query(
                self._sql.delete_message,
                (utc_now(), channel_id, previous.bucket, message_id),
                write=True,
            )
        return previous
