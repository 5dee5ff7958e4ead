"""What every group of plans shares: the client, its statements and the runner."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from messaging.errors import MessageDeleted, MessageNotFound
from messaging.repository.codec import decode_message
from messaging.repository.data import StoredMessage
from messaging.repository.plans import Plan, PlanRunner, Query
from messaging.repository.statements import Statements
from messaging.scylla.client import ScyllaClient, get_scylla_client
from messaging.scylla.snowflake import calculate_message_bucket, snowflake_to_unix_micros

DEFAULT_CONCURRENCY = 64


class RepositoryBase:
    """Holds the client; ``client=None`` uses the process's (the seed's ``MessageScyllaRepo()``)."""

    def __init__(self, client: ScyllaClient | None = None) -> None:
        self.client = client or get_scylla_client()
        self._sql = Statements(self.client.keyspace)
        self.client.name_statements(self._sql.names())
        self._runner = PlanRunner(self.client)

    def _select_message(self, channel_id: UUID, message_id: int, *, fresh: bool) -> Query:
        bucket = calculate_message_bucket(message_id)
        key = (channel_id, bucket, message_id)
        return Query(self._sql.select_message, key, tuples=True, fresh=fresh)

    def _read_position(self, channel_id: UUID, user_id: int, message_id: int) -> Query:
        """The write of a read position, timestamped with the message's own time: a position
        only ever moves forward, whatever order two writes arrive in."""
        return Query(
            self._sql.set_read_position,
            (snowflake_to_unix_micros(message_id), message_id, utc_now(), channel_id, user_id),
            write=True,
        )

    def _live_message(self, channel_id: UUID, message_id: int) -> Plan[StoredMessage]:
        """The message, which must exist in this channel and not be deleted.

        Read at the fresh consistency: every caller writes what it decides from it.
        """
        rows = yield self._select_message(channel_id, message_id, fresh=True)
        if not rows:
            raise MessageNotFound(channel_id, message_id)
        message = decode_message(rows[0])
        if message.is_deleted:
            raise MessageDeleted(channel_id, message_id)
        return message


def utc_now() -> datetime:
    return datetime.now(UTC)
