"""``manage.py seed_demo``: the demo data of ``make run``, safe to run again and again.

Creates (or finds) the users ``demo`` / ``demo-password`` (staff and
superuser, so /admin/ works) and ``alice`` / ``alice-password``, a shared
template, and the group chat "Welcome" with both of them. If the chat has
no messages in CQL yet, it gets about 30, dated over the last 25 days so
the history crosses three 10-day buckets, plus a reaction and a pin.

A superuser whose password is in this file is a back door anywhere but on a
developer's machine, so the command refuses to run unless DEBUG=true.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from messaging.management.base import MessagingCommand
from messaging.models import Chat, ChatType, MessageTemplate, Participant, ParticipantRole
from messaging.scylla.errors import MessageStoreError
from messaging.services.messages import message_send
from messaging.services.pins import pin_add
from messaging.services.reactions import reaction_add
from messaging.services.repair import search_reindex_chat, unread_rebuild_chat
from messaging.stores import message_repo

CHAT_NAME = "Welcome"
LINES = (
    "Welcome to WellWon! This chat is stored the Discord way.",
    "Messages live in Cassandra, in 10-day buckets per chat.",
    "Chats, participants and unread counts live in PostgreSQL.",
    "Typing indicators and presence live in Redis.",
    "Try paging back: ?before=<id> in the messages list.",
    "Or jump to a message with ?around=<id>.",
    "Reactions are counted once per person and emoji.",
    "Pins show up under /pins/.",
    "Search uses PostgreSQL full-text search: try /api/search/?q=bucket",
    "Edits keep their history under /history/.",
)


class Command(MessagingCommand):
    help = "Creates the demo users, a template and the Welcome chat with history (idempotent)."

    def perform(self, options: dict[str, Any]) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates a superuser with a known password: development only"
                " (DEBUG=true, as make run sets it)."
            )
        with transaction.atomic():
            demo = self._user("demo", "Demo", "User", admin=True)
            alice = self._user("alice", "Alice", "Liddell", admin=False)
            chat = self._chat(demo, alice)
            MessageTemplate.objects.get_or_create(
                owner=demo,
                name="greeting",
                defaults={"body": "Hello {name}, welcome to {team}!", "shared": True},
            )
        token, _ = Token.objects.get_or_create(user=demo)
        self.stdout.write(f"users demo / demo-password, alice / alice-password; chat {chat.pk}")
        self.stdout.write(f"API token of demo: Authorization: Token {token.key}")
        try:
            seeded = self._history(chat, demo, alice)
        except MessageStoreError as exc:
            self.stdout.write(self.style.WARNING(f"no demo messages (message store: {exc})"))
            return
        self.stdout.write(
            self.style.SUCCESS(f"{seeded} demo messages" if seeded else "demo messages present")
        )

    def _user(self, name: str, first: str, last: str, *, admin: bool) -> Any:
        user, created = get_user_model().objects.get_or_create(
            username=name,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_staff": admin,
                "is_superuser": admin,
            },
        )
        if created:
            user.set_password(f"{name}-password")
            user.save(update_fields=["password"])
        return user

    def _chat(self, demo: Any, alice: Any) -> Chat:
        chat = Chat.objects.filter(name=CHAT_NAME, created_by=demo).order_by("created_at").first()
        if chat is None:
            chat = Chat.objects.create(name=CHAT_NAME, type=ChatType.GROUP, created_by=demo)
        for user, role in ((demo, ParticipantRole.OWNER), (alice, ParticipantRole.MEMBER)):
            Participant.objects.get_or_create(chat=chat, user=user, defaults={"role": role})
        return chat

    def _history(self, chat: Chat, demo: Any, alice: Any) -> int:
        metadata = message_repo().get_channel_metadata(chat.pk)
        if metadata is not None and metadata.last_message_id is not None:
            return 0
        # A fresh keyspace beside an old database: drop ledger rows CQL no longer has.
        search_reindex_chat(chat_id=chat.pk)
        unread_rebuild_chat(chat_id=chat.pk)
        people = {
            p.user_id: p for p in Participant.objects.select_related("chat").filter(chat=chat)
        }
        start = datetime.now(UTC) - timedelta(days=25)
        ids = []
        for i in range(30):
            author = people[(demo if i % 3 else alice).pk]
            text = LINES[i % len(LINES)] if i < len(LINES) else f"Demo message number {i + 1}."
            at = start + timedelta(hours=20 * i)
            ids.append(
                message_send(participant=author, content=text, created_at=at).message.message_id
            )
        reaction_add(participant=people[alice.pk], message_id=ids[0], emoji="👍")
        pin_add(participant=people[demo.pk], message_id=ids[0])
        return len(ids)
