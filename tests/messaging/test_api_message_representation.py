"""The hand-built message JSON equals what MessageSerializer's declared fields produce.

``message_representation`` replaces DRF's field-by-field serialisation on the
hot path (a page of 50 messages); the declared fields still define the API's
shape for the schema and the browsable API. These tests hold the two together
for every kind of message a page can carry.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from rest_framework import serializers

from messaging.api.serializers.messages import MessageSerializer, message_representation
from messaging.repository.data import ReactionSummary, StoredMessage
from messaging.selectors.messages import MessageView
from messaging.selectors.users import UserProfile

SENDER = UserProfile(id=7, username="alice", display_name="Alice A")
AT = datetime(2026, 11, 23, 19, 21, 20, 123456, tzinfo=UTC)


def stored(**changes: object) -> StoredMessage:
    fields: dict[str, object] = {
        "channel_id": uuid.uuid4(),
        "bucket": 3000,
        "message_id": 2**62 + 12345,
        "sender_id": SENDER.id,
        "content": "hello @bob",
        "message_type": "text",
        "source": "web",
        "reply_to_id": None,
        "attachments": [],
        "mentions": frozenset(),
        "entities": [],
        "created_at": AT,
        "edited_at": None,
        "is_deleted": False,
        "deleted_at": None,
        "telegram_message_id": None,
        "telegram_chat_id": None,
    }
    fields.update(changes)
    return StoredMessage(**fields)  # type: ignore[arg-type]


def declared(view: MessageView) -> dict[str, object]:
    """What DRF's declared fields give, with the serializer's rule for deleted messages."""
    data = dict(serializers.Serializer.to_representation(MessageSerializer(), view))
    if view.message.is_deleted:
        data["content"], data["attachments"] = "", []
    return data


ATTACHMENT = {"type": "image", "url": "https://example.com/p.png", "size": 1234}
CASES = {
    "plain": stored(),
    "reply, mentions, attachment": stored(
        reply_to_id=2**62 + 1, mentions=frozenset({9, 3}), attachments=[ATTACHMENT]
    ),
    "edited": stored(edited_at=datetime(2026, 11, 24, 1, 2, 3, tzinfo=UTC)),
    "deleted": stored(
        is_deleted=True, content="", attachments=[ATTACHMENT], mentions=frozenset({3})
    ),
    "from telegram": stored(source="telegram", telegram_message_id=42, telegram_chat_id=-1001),
    "telegram id without chat": stored(telegram_message_id=42),
    "system": stored(sender_id=0, message_type="system"),
}


@pytest.mark.parametrize("message", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize(
    "reactions", [[], [ReactionSummary("👍", 3, True), ReactionSummary("🎉", 1, False)]]
)
def test_hand_built_json_equals_the_declared_fields(
    message: StoredMessage, reactions: list[ReactionSummary]
) -> None:
    view = MessageView(message=message, sender=SENDER, reactions=reactions)
    fast = message_representation(view)
    assert fast == declared(view)
    assert list(fast) == list(declared(view))  # same key order in the JSON
    assert json.dumps(fast) == json.dumps(declared(view))


def test_the_serializer_uses_the_hand_built_json_for_views_and_pages() -> None:
    views = [MessageView(message=m, sender=SENDER) for m in CASES.values()]
    assert MessageSerializer(views[0]).data == message_representation(views[0])
    assert MessageSerializer(views, many=True).data == [message_representation(v) for v in views]
