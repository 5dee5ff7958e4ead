"""Turning parsed Telegram messages into ``messages_store`` calls for one linked chat.

Shared by the importer and the webhook, in two steps so a caller can stop
between them (``--on-error abort``):

1. ``prepare`` turns each ``TelegramMessage`` into a checked ``MessageData``:
   senders resolved to WellWon users, a Snowflake id minted at the message's
   own time (history lands in its own buckets), Telegram's edit time kept,
   the reply linked through the batch itself, a bounded cache, or the mapping
   table. A message the store cannot take comes back ``Rejected`` with the
   reason; nothing is written.
2. ``write`` hands the prepared messages to the message use cases:
   ``messages_store`` (the mapping table keeps every Telegram message once; a
   newer edit of a stored one goes through the edit use case; search, unread
   and the chat list follow), then the senders join the chat and the
   reactions are mirrored (``reactions_import``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from messaging.selectors.messages import message_by_telegram_id
from messaging.services.members import chat_member_ids, members_join
from messaging.services.message_store import (
    MessageData,
    message_data_problem,
    message_id_of,
    messages_store,
)
from messaging.services.mirrored_reactions import ReactionTally, reactions_import
from messaging.telegram.ids import Peer
from messaging.telegram.types import TelegramMessage
from messaging.telegram.users import linked_user_ids, user_ids_for

if TYPE_CHECKING:
    from messaging.models import Chat

SOURCE = "telegram"
SYSTEM_SENDER = 0
REPLY_CACHE_SIZE = 10_000  # replies mostly look back a little; misses ask the mapping table


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

    def __init__(self, chat: Chat, *, concurrency: int = 32, fresh: bool = False) -> None:
        """``fresh``: the chat holds no Telegram message yet (so no batch has a duplicate)."""
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
        # Reply targets: ids of this batch's messages (stored ones keep theirs).
        links = self._stored_targets(messages)
        results: list[Prepared | Rejected] = []
        for message in messages:
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
                edited_at=message.edited_at,
            )
            problem = message_data_problem(data)  # also mints the id at the message's time
            if problem is not None:
                results.append(Rejected(message, problem))
                continue
            results.append(Prepared(message, data))
            links.setdefault(message.message_id, message_id_of(data))
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
        stored = message_by_telegram_id(
            chat_id=self.chat.pk,
            telegram_message_id=telegram_id,
            telegram_chat_id=int(self.chat.telegram_chat_id or 0),
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
        self._join_senders([p.data.sender_id for p in prepared])
        stored = messages_store(
            chat_id=self.chat.pk,
            messages=[p.data for p in prepared],
            concurrency=self.concurrency,
        )
        written = [
            Written(p.message, result.message_id, result.created)
            for p, result in zip(prepared, stored, strict=True)
        ]
        for item in written:
            self._remember(item.message.message_id, item.message_id)
        self._mirror_reactions(written)
        return written

    def _join_senders(self, user_ids: list[int]) -> None:
        """Senders become members of the chat, as they are of the Telegram chat."""
        if self._members is None:
            self._members = chat_member_ids(chat_id=self.chat.pk)
        new = {uid for uid in user_ids if uid != SYSTEM_SENDER} - self._members
        if new:
            members_join(chat_id=self.chat.pk, user_ids=new)
            self._members |= new

    def _mirror_reactions(self, written: list[Written]) -> None:
        """Named reactors get their own reaction; the rest of each total is counted anonymously."""
        reacted = [w for w in written if w.message.reactions]
        if not reacted:
            return
        users = self.user_ids([p for w in reacted for r in w.message.reactions for p in r.reactors])
        reactions_import(
            chat_id=self.chat.pk,
            tallies={
                w.message_id: [
                    ReactionTally(r.emoji, r.count, tuple(users[p.key] for p in r.reactors))
                    for r in w.message.reactions
                ]
                for w in reacted
            },
            concurrency=self.concurrency,
        )
