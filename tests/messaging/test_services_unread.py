"""Unread counts are exact: messages by others, not deleted, newer than my read position.

Each case is named after what happened in the chat. Counts are read back
from PostgreSQL (the durable count) and compared with a recount from
scratch (``rebuild_unread``), so incremental bookkeeping and the repair
path must agree.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser

from messaging.models import Participant
from messaging.services.chats import chat_create, participant_add
from messaging.services.messages import message_delete, message_send
from messaging.services.read import mark_read
from messaging.services.repair import unread_rebuild_chat
from tests.messaging.api_support import create_chat, make_user

pytestmark = pytest.mark.usefixtures("stores")


class Room:
    """A group chat of alice (owner), bob and carol, driven through the services."""

    def __init__(self) -> None:
        self.alice, self.bob, self.carol = make_user("alice"), make_user("bob"), make_user("carol")
        self.chat_id = create_chat(self.alice, self.bob, self.carol)["id"]

    def member(self, user: AbstractUser) -> Participant:
        return Participant.objects.select_related("chat").get(chat_id=self.chat_id, user=user)

    def send(self, user: AbstractUser, text: str = "hi") -> int:
        return message_send(participant=self.member(user), content=text).message.message_id

    def unread(self, user: AbstractUser) -> int:
        return self.member(user).unread_count

    def counts(self) -> dict[str, int]:
        return {name: self.unread(getattr(self, name)) for name in ("alice", "bob", "carol")}

    def assert_counts(self, **expected: int) -> None:
        assert self.counts() == expected
        unread_rebuild_chat(chat_id=self.member(self.alice).chat_id)
        assert self.counts() == expected, "a recount from scratch disagrees"


@pytest.fixture
def room() -> Room:
    return Room()


def test_after_sends_by_others_each_counts_once(room: Room) -> None:
    room.send(room.alice)
    room.send(room.alice)
    room.send(room.bob)
    room.assert_counts(alice=1, bob=0, carol=3)


def test_own_messages_are_never_counted(room: Room) -> None:
    for _ in range(3):
        room.send(room.carol)
    room.assert_counts(alice=3, bob=3, carol=0)


def test_after_reading_up_to_the_middle(room: Room) -> None:
    ids = [room.send(room.alice, f"m{i}") for i in range(5)]
    mark_read(participant=room.member(room.bob), message_id=ids[1])
    room.assert_counts(alice=0, bob=3, carol=5)
    assert room.member(room.bob).last_read_message_id == ids[1]


def test_after_a_delete_by_the_other_user(room: Room) -> None:
    ids = [room.send(room.alice, f"m{i}") for i in range(3)]
    mark_read(participant=room.member(room.carol), message_id=ids[1])
    message_delete(participant=room.member(room.alice), message_id=ids[2])
    message_delete(participant=room.member(room.alice), message_id=ids[0])  # already read by carol
    room.assert_counts(alice=0, bob=1, carol=0)


def test_after_a_delete_by_a_chat_admin(room: Room) -> None:
    message_id = room.send(room.bob)
    message_delete(participant=room.member(room.alice), message_id=message_id)
    room.assert_counts(alice=0, bob=0, carol=0)


def test_deleting_twice_uncounts_once(room: Room) -> None:
    room.send(room.alice)
    message_id = room.send(room.alice)
    message_delete(participant=room.member(room.alice), message_id=message_id)
    message_delete(participant=room.member(room.alice), message_id=message_id)
    room.assert_counts(alice=0, bob=1, carol=1)


def test_read_never_moves_backwards(room: Room) -> None:
    ids = [room.send(room.alice, f"m{i}") for i in range(4)]
    mark_read(participant=room.member(room.bob), message_id=ids[2])
    mark_read(participant=room.member(room.bob), message_id=ids[0])
    bob = room.member(room.bob)
    assert bob.last_read_message_id == ids[2]
    room.assert_counts(alice=0, bob=1, carol=4)


def test_posting_moves_my_read_position_to_my_message(room: Room) -> None:
    room.send(room.alice)
    room.send(room.alice)
    mine = room.send(room.bob)
    assert room.member(room.bob).last_read_message_id == mine
    room.assert_counts(alice=1, bob=0, carol=3)


def test_a_newcomer_starts_with_everything_read(room: Room) -> None:
    for _ in range(3):
        room.send(room.alice)
    dave = make_user("dave")
    chat_create(creator=room.alice, name="lobby", type="group", participant_ids=[dave.pk])
    participant_add(actor=room.member(room.alice), user_id=dave.pk)
    assert room.unread(dave) == 0
    room.send(room.bob)
    assert room.unread(dave) == 1


def test_reading_a_deleted_message_is_allowed(room: Room) -> None:
    first = room.send(room.alice)
    second = room.send(room.alice)
    message_delete(participant=room.member(room.alice), message_id=second)
    mark_read(participant=room.member(room.bob), message_id=second)
    assert room.member(room.bob).last_read_message_id == second
    room.assert_counts(alice=0, bob=0, carol=1)
    assert first < second
