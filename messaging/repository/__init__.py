"""The message repository: the only place where hot-path CQL runs.

from messaging.repository import MessageScyllaRepo, MessageData

repo = MessageScyllaRepo()
message_id = repo.insert_message(MessageData(channel_id=chat_id, content="Hi", sender_id=7))
page = repo.get_messages(chat_id, limit=50, before_id=message_id)
page = await repo.aget_messages(chat_id, limit=50)           # async twin

# the seed's client, whose plain names are coroutines
from messaging.repository import AsyncMessageScyllaRepo as MessageScyllaRepo
"""

from messaging.errors import (
    InvalidMessageInput,
    MessageDeleted,
    MessageNotFound,
    MessageRepositoryError,
    TelegramMappingConflict,
)
from messaging.repository.data import (
    MAX_CONTENT_LENGTH,
    MAX_PAGE_LIMIT,
    ChannelMetadata,
    MessageData,
    Pin,
    ReactionSummary,
    StoredMessage,
    TelegramSyncState,
)
from messaging.repository.repo import AsyncMessageScyllaRepo, MessageScyllaRepo

__all__ = [
    "MAX_CONTENT_LENGTH",
    "MAX_PAGE_LIMIT",
    "AsyncMessageScyllaRepo",
    "ChannelMetadata",
    "InvalidMessageInput",
    "MessageData",
    "MessageDeleted",
    "MessageNotFound",
    "MessageRepositoryError",
    "MessageScyllaRepo",
    "Pin",
    "ReactionSummary",
    "StoredMessage",
    "TelegramMappingConflict",
    "TelegramSyncState",
]
