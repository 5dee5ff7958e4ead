"""The hand-built chat JSON equals what ChatSerializer's declared fields produce.

``chat_representation`` replaces DRF's field-by-field serialisation of the chat
list (every client's first screen); the declared fields still define the API's
shape for the schema and the browsable API. These tests hold the two together
for every kind of chat a page can carry.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from rest_framework import serializers

from messaging.api.serializers.chats import ChatSerializer, chat_representation
from messaging.models import Chat
from messaging.selectors.previews import MessagePreview
from messaging.selectors.users import UserProfile

AT = datetime(2026, 11, 23, 19, 21, 20, 123456, tzinfo=UTC)
ALICE = UserProfile(id=7, username="alice", display_name="Alice A")


def chat(**annotations: Any) -> Chat:
    """An unsaved chat carrying the annotations ``chats_of_user`` adds."""
    made = Chat(
        id=uuid.uuid4(),
        name=annotations.pop("name", "a chat"),
        type=annotations.pop("type", "group"),
        archived=annotations.pop("archived", False),
        telegram_chat_id=annotations.pop("telegram_chat_id", None),
        created_at=AT,
        updated_at=AT,
    )
    values = {
        "role": "member",
        "unread_count": 0,
        "last_read_message_id": None,
        "muted": False,
        "participant_count": 2,
        **annotations,
    }
    for name, value in values.items():
        setattr(made, name, value)
    return made


PREVIEWS: dict[str, MessagePreview | None] = {
    "no message yet": None,
    "a message": MessagePreview(
        id=2**62 + 5, content="hi", sender=ALICE, created_at=AT, deleted=False
    ),
    "deleted, time unknown": MessagePreview(
        id=2**62 + 6, content="", sender=ALICE, created_at=None, deleted=True
    ),
}
CHATS = {
    "plain": chat(),
    "owner, read, muted, counted": chat(
        role="owner", unread_count=3, last_read_message_id=2**62 + 1, muted=True
    ),
    "channel from telegram, archived": chat(
        type="channel", telegram_chat_id=-1001, archived=True, participant_count=40
    ),
    "direct": chat(type="direct", name=""),
}


@pytest.mark.parametrize("preview", PREVIEWS.values(), ids=PREVIEWS.keys())
@pytest.mark.parametrize("one", CHATS.values(), ids=CHATS.keys())
@pytest.mark.parametrize("counts", [{}, "counted"])
def test_hand_built_json_equals_the_declared_fields(
    one: Chat, preview: MessagePreview | None, counts: Any
) -> None:
    context = {
        "last_messages": {one.pk: preview},
        "message_counts": {one.pk: 12} if counts else {},
    }
    declared = dict(serializers.Serializer.to_representation(ChatSerializer(context=context), one))
    fast = chat_representation(one, context)
    assert fast == declared
    assert list(fast) == list(declared)  # same key order in the JSON
    assert json.dumps(fast) == json.dumps(declared)


def test_the_serializer_uses_the_hand_built_json_for_chats() -> None:
    chats = list(CHATS.values())
    context = {"last_messages": {c.pk: PREVIEWS["a message"] for c in chats}}
    assert ChatSerializer(chats, many=True, context=context).data == [
        chat_representation(c, context) for c in chats
    ]
