"""PostgreSQL models of the messaging app, one domain per module.

Messages themselves live in the CQL store (``messaging.repository``); the rows
here hold what needs relations, constraints and transactions: chats and their
participants (with the durable unread tracking), message templates, the
full-text search index and the idempotency keys of message posts. A chat's
UUID is the CQL ``channel_id``: that id is the one seam between the stores.
"""

from messaging.models.chats import (
    Chat,
    ChatType,
    Participant,
    ParticipantRole,
    direct_pair_key,
)
from messaging.models.idempotency import IdempotencyKey
from messaging.models.outbox import FollowerTask, FollowUp
from messaging.models.search import SearchEntry
from messaging.models.templates import MessageTemplate

__all__ = [
    "Chat",
    "ChatType",
    "FollowUp",
    "FollowerTask",
    "IdempotencyKey",
    "MessageTemplate",
    "Participant",
    "ParticipantRole",
    "SearchEntry",
    "direct_pair_key",
]
