"""Edit history of messages: every edit keeps the text it replaced (CQL ``message_edits``).

One partition per message, clustered by a time UUID of the edit, oldest
first: reading a message's history is one slice, and two edits in the same
millisecond still get two rows. The table comes from
``schema/migrations/002_message_edits.cql``.

The history row is written *before* the message is changed (see
``messaging.services.messages.message_edit_apply``): if the edit then fails, the
history shows a version that is still current, which is harmless; the other
order could lose the previous text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from cassandra.util import uuid_from_time

from messaging.scylla import ScyllaClient, get_scylla_client

MAX_HISTORY = 1000


@dataclass(frozen=True, slots=True)
class MessageEdit:
    content: str  # the text before this edit
    edited_at: datetime
    editor_id: int


class MessageEditHistoryRepo:
    def __init__(self, client: ScyllaClient | None = None) -> None:
        self.client = client or get_scylla_client()
        ks = self.client.keyspace
        self._insert = (
            f"INSERT INTO {ks}.message_edits (channel_id, message_id, edit_id, edited_at,"
            " editor_id, content) VALUES (?, ?, ?, ?, ?, ?)"
        )
        self._forget = f"DELETE FROM {ks}.message_edits WHERE channel_id = ? AND message_id = ?"
        self._select = (
            f"SELECT edited_at, editor_id, content FROM {ks}.message_edits"
            " WHERE channel_id = ? AND message_id = ? LIMIT ?"
        )
        self.client.name_statements({self._insert: "insert_edit", self._select: "select_edits"})

    def record_edit(
        self,
        *,
        channel_id: UUID,
        message_id: int,
        previous_content: str,
        editor_id: int,
        edited_at: datetime,
    ) -> None:
        self.client.execute(
            self.client.prepare(self._insert),
            (
                channel_id,
                message_id,
                uuid_from_time(edited_at),
                edited_at,
                editor_id,
                previous_content,
            ),
            write=True,
        )

    def forget_history(self, channel_id: UUID, message_id: int) -> None:
        """Removes every earlier text of a message (it was deleted): one partition tombstone."""
        self.client.execute(self.client.prepare(self._forget), (channel_id, message_id), write=True)

    def get_history(self, channel_id: UUID, message_id: int) -> list[MessageEdit]:
        """The edits of a message, oldest first (at most MAX_HISTORY)."""
        rows = self.client.execute(
            self.client.prepare(self._select), (channel_id, message_id, MAX_HISTORY)
        )
        return [
            MessageEdit(
                content=row.content or "",
                edited_at=row.edited_at.replace(tzinfo=UTC),
                editor_id=row.editor_id,
            )
            for row in rows
        ]
