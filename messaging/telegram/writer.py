"""Storing parsed Telegram messages in one linked chat: shared by the importer and the webhook.

Two steps, so a caller can stop between them (``--on-error abort``):

1. ``prepare`` turns each ``TelegramMessage`` into a checked ``MessageData``:
   senders resolved to WellWon users, a Snowflake id minted at the message's
   own time (history lands in its own buckets), the reply linked through the
   batch itself, a bounded cache, or the mapping table. A message the store
   cannot take comes back ``Rejected`` with the reason; nothing is written.
2. ``write`` stores the prepared messages in one bulk call. The repository
   claims each (Telegram message id, chat id) in the mapping table first, so a
   message already there (an earlier run, the webhook) keeps its id and is
   not stored twice. Then, for new messages and duplicates alike (so an
   interrupted run is completed by the next): edit marks, reactions, chat
   membership of the senders and the search index/unread followers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Max

from messaging.models import Participant, ParticipantRole, SearchEntry
from messaging.repository import (
    InvalidMessageInput,
    MessageData,
    MessageNotFound,
    MessageScyllaRepo,
    StoredMessage,
)
from messaging.repository.validation import MAX_FUTURE_SKEW, check_message_data
from messaging.scylla.snowflake import (
    MIN_TIME,
    generate_snowflake_id,
)
from messaging.telegram.followers import index_messages
from messaging.telegram.ids import Peer
from messaging.telegram.reaction_counts import counter_deltas
from messaging.telegram.types import TelegramMessage
from messaging.telegram.users import linked_user_ids, user_ids_for

if TYPE_CHECKING:
    from messaging.models import Chat

SOURCE = "telegram"
SYSTEM_SENDER = 0
REPLY_CACHE_SIZE = 10_000  # replies mostly look back a little; misses ask the mapping table
IDS_PER_READ = 500  # the repository's limit of ids per call


@dataclass(frozen=True, slots=True)
class Prepared:
    message: TelegramMessage
    data: MessageData


@dataclass(frozen=True, slots=True)
class Rejected:
    message: TelegramMessage
    reason: str


@dataclass(frozen=True, slots=True)
class Written:
    message: TelegramMessage
    message_id: int
    created: bool  # False: the mapping table already held it


class ChatWriter:
    """Writes Telegram messages into one WellWon chat; keeps small caches between batches."""

    def __init__(
        self, repo: MessageScyllaRepo, chat: Chat, *, concurrency: int = 32, fresh: bool = False
    ) -> None:
        """``fresh``: the chat holds no Telegram message yet (so no batch has a duplicate)."""
        self.repo = repo
        self.chat = chat
        self.concurrency = concurrency
        self.fresh = fresh
        self._users: dict[str, int] = {}
        self._members: set[int] | None = None
        # Telegram message id -> WellWon id of this chat, most recent last (replies look back).
        self._ids: OrderedDict[int, int] = OrderedDict()

    # ------------------------------------------------------------------ prepare
    def prepare(self, messages: Sequence[TelegramMessage]) -> list[Prepared | Rejected]:
        senders = self.user_ids([m.sender for m in messages if m.sender is not None])
        mentioned = linked_user_ids(p for m in messages for p in m.mentioned)
        latest = datetime.now(UTC) + MAX_FUTURE_SKEW
        # Reply targets: ids of this batch's messages (stored ones keep theirs).
        links = self._stored_targets(messages)
        results: list[Prepared | Rejected] = []
        for message in messages:
            if not MIN_TIME <= message.date <= latest:
                reason = (
                    f"sent {message.date:%Y-%m-%d %H:%M:%S}Z, before 1970-01-01: message ids "
                    "cannot hold it"
                    if message.date < MIN_TIME
                    else f"sent {message.date:%Y-%m-%d %H:%M:%S}Z, in the future"
                )
                results.append(Rejected(message, reason))
                continue
            message_id = generate_snowflake_id(at=message.date)
            data = MessageData(
                channel_id=self.chat.pk,
                content=message.text,
                sender_id=senders.get(message.sender.key, 0) if message.sender else SYSTEM_SENDER,
                message_type=message.message_type,
                source=SOURCE,
                reply_to_id=self._reply_id(message.reply_to_message_id, links),
                attachments=message.attachments or None,
                mentions={mentioned[p.key] for p in message.mentioned if p.key in mentioned}
                or None,
                entities=message.entities or None,
                telegram_message_id=message.message_id,
                telegram_chat_id=message.chat_id,
                created_at=message.date,
                message_id=message_id,
            )
            try:
                results.append(Prepared(message, check_message_data(data)))
            except InvalidMessageInput as exc:
                results.append(Rejected(message, str(exc)))
                continue
            links.setdefault(message.message_id, message_id)
        return results

    def user_ids(self, peers: Sequence[Peer]) -> dict[str, int]:
        """WellWon user ids of Telegram peers (placeholders for new ones), cached per writer."""
        unknown = [p for p in peers if p.key not in self._users]
        if unknown:
            self._users.update(user_ids_for(unknown))
        return {p.key: self._users[p.key] for p in peers}

    def _stored_targets(self, messages: Sequence[TelegramMessage]) -> dict[int, int]:
        """Ids already held by reply targets inside this batch.

        A reply to a message of the same batch links to the id minted for it, unless
        that message is stored already (the webhook got it first): then the stored id.
        """
        if self.fresh:
            return {}
        in_batch = {m.message_id for m in messages}
        targets = {r for m in messages if (r := m.reply_to_message_id) and r in in_batch}
        return {t: found for t in sorted(targets) if (found := self._lookup(t))}

    def _reply_id(self, telegram_id: int | None, links: dict[int, int]) -> int | None:
        if telegram_id is None:
            return None
        found = links.get(telegram_id) or self._ids.get(telegram_id)
        if found is None:
            found = self._lookup(telegram_id)
        return found or None

    def _lookup(self, telegram_id: int) -> int:
        """The WellWon id of a Telegram message of this chat via the mapping table; 0: none."""
        stored = self.repo.get_message_by_telegram_id(
            self.chat.pk, telegram_id, int(self.chat.telegram_chat_id or 0)
        )
        found = stored.message_id if stored is not None else 0
        self._remember(telegram_id, found)  # misses too: a reply to a lost message asks once
        return found

    def _remember(self, telegram_id: int, message_id: int) -> None:
        self._ids[telegram_id] = message_id
        self._ids.move_to_end(telegram_id)
        if len(self._ids) > REPLY_CACHE_SIZE:
            self._ids.popitem(last=False)

    # -------------------------------------------------------------------- write
    def write(self, prepared: Sequence[Prepared]) -> list[Written]:
        if not prepared:
            return []
        ids = self.repo.insert_messages([p.data for p in prepared], concurrency=self.concurrency)
        written = [
            Written(p.message, message_id, message_id == p.data.message_id)
            for p, message_id in zip(prepared, ids, strict=True)
        ]
        for item in written:
            self._remember(item.message.message_id, item.message_id)
        self._join_senders([p.data.sender_id for p in prepared])
        existing = self._stored([w.message_id for w in written if not w.created])
        self._mark_edits(written, existing)
        self._apply_reactions(written)
        index_messages(
            self.chat.pk,
            [
                StoredMessage.as_written(p.data, w.message_id)
                if w.created
                else existing[w.message_id]
                for p, w in zip(prepared, written, strict=True)
                if w.created or w.message_id in existing
            ],
        )
        return written

    def _join_senders(self, user_ids: list[int]) -> None:
        """Senders become members of the chat, as they are of the Telegram chat.

        Like anyone added to a chat, a newcomer starts with what the chat held read.
        """
        if self._members is None:
            self._members = set(
                Participant.objects.filter(chat_id=self.chat.pk).values_list("user_id", flat=True)
            )
        new = {uid for uid in user_ids if uid != SYSTEM_SENDER} - self._members
        if new:
            newest = SearchEntry.objects.filter(chat_id=self.chat.pk).aggregate(
                newest=Max("message_id")
            )["newest"]
            Participant.objects.bulk_create(
                [
                    Participant(
                        chat_id=self.chat.pk,
                        user_id=uid,
                        role=ParticipantRole.MEMBER,
                        last_read_message_id=newest,
                    )
                    for uid in sorted(new)
                ],
                ignore_conflicts=True,
            )
            self._members |= new

    def _mark_edits(self, written: list[Written], existing: dict[int, StoredMessage]) -> None:
        """Edited messages carry their edit time; a duplicate is changed only by a newer edit."""
        edits = [w for w in written if _needs_edit_mark(w, existing)]

        async def mark(item: Written) -> None:
            with contextlib.suppress(MessageNotFound):  # deleted in WellWon meanwhile: stays so
                await self.repo.aedit_message(
                    self.chat.pk,
                    item.message_id,
                    item.message.text,
                    item.message.edited_at,
                    list(item.message.entities),
                )

        self._run_all([mark(item) for item in edits])

    def _apply_reactions(self, written: list[Written]) -> None:
        """Named reactors get their own reaction; the rest of each total is counted anonymously."""
        reacted = [w for w in written if w.message.reactions]
        if not reacted:
            return
        users = self.user_ids([p for w in reacted for r in w.message.reactions for p in r.reactors])
        counts = self._reaction_counts([w.message_id for w in reacted])

        async def react(item: Written) -> None:
            stored = counts.get(item.message_id, {})
            wanted = {r.emoji: r.count for r in item.message.reactions}
            if stored == wanted:
                return  # a re-import: already applied
            stored = dict(stored)
            for reaction in item.message.reactions:
                for reactor in reaction.reactors:
                    key = users[reactor.key]
                    try:
                        if await self.repo.aadd_reaction(
                            self.chat.pk, item.message_id, key, reaction.emoji
                        ):
                            stored[reaction.emoji] = stored.get(reaction.emoji, 0) + 1
                    except MessageNotFound:  # deleted in WellWon meanwhile
                        return
            deltas = counter_deltas(stored, wanted)
            await self.repo.aadd_reaction_counts(self.chat.pk, item.message_id, deltas)

        self._run_all([react(item) for item in reacted])

    def _run_all(self, steps: list[Coroutine[Any, Any, None]]) -> None:
        """Runs the steps ``concurrency`` at a time on the driver's callbacks (no threads)."""
        if not steps:
            return
        limit = asyncio.Semaphore(self.concurrency)

        async def bounded(step: Coroutine[Any, Any, None]) -> None:
            async with limit:
                await step

        async def run_all() -> None:
            await asyncio.gather(*(bounded(step) for step in steps))

        asyncio.run(run_all())

    def _reaction_counts(self, message_ids: list[int]) -> dict[int, dict[str, int]]:
        counts: dict[int, dict[str, int]] = {}
        for start in range(0, len(message_ids), IDS_PER_READ):
            chunk = message_ids[start : start + IDS_PER_READ]
            for message_id, summaries in self.repo.get_reactions(self.chat.pk, chunk).items():
                counts[message_id] = {s.emoji: s.count for s in summaries}
        return counts

    def _stored(self, message_ids: list[int]) -> dict[int, StoredMessage]:
        found: dict[int, StoredMessage] = {}
        for start in range(0, len(message_ids), IDS_PER_READ):
            chunk = message_ids[start : start + IDS_PER_READ]
            found.update(self.repo.get_messages_by_ids(self.chat.pk, chunk))
        return found


def _needs_edit_mark(item: Written, existing: dict[int, StoredMessage]) -> bool:
    if item.message.edited_at is None:
        return False
    if item.created:
        return True
    stored = existing.get(item.message_id)
    return stored is not None and is_newer_edit(stored, item.message)


def is_newer_edit(stored: StoredMessage, message: TelegramMessage) -> bool:
    """Edits apply only when Telegram's edit time moves forward (retries arrive out of order)."""
    if message.edited_at is None:
        return False
    return stored.edited_at is None or message.edited_at > stored.edited_at
