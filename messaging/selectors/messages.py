"""Reads of messages: CQL rows joined with PostgreSQL profiles and CQL reactions.

Every read that returns messages costs a fixed number of round trips,
whatever the messages hold: the rows (one query per bucket touched), the
senders' profiles (one PostgreSQL query for the whole page) and the
reactions with "did I react" (one repository call for the whole page, skipped
when no message of the page was ever reacted to).
The last two need only the rows, not each other: the reactions are read on a
helper thread while this one asks PostgreSQL, so a page waits for the slower
of the two stores instead of for both in turn.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from messaging.errors import MessageNotFoundInChat
from messaging.models import Participant
from messaging.repository.data import ReactionSummary
from messaging.repository.data import StoredMessage as StoredMessage  # the result type
from messaging.selectors.hot_pages import newest_rows
from messaging.selectors.users import UserProfile, unknown_profile, user_profiles
from messaging.stores import edit_history_repo, message_repo

SYSTEM = UserProfile(id=0, username="system", display_name="System")

# Threads that wait on the CQL driver while the request's own thread waits on
# PostgreSQL (Django's connections are per thread, so PostgreSQL stays here).
# Its threads start on first use, so a forked web worker starts its own.
_cql_waiters = ThreadPoolExecutor(max_workers=8, thread_name_prefix="cql-join")


@dataclass(frozen=True)
class MessageView:
    """A message as the API shows it to one viewer."""

    message: StoredMessage
    sender: UserProfile
    reactions: list[ReactionSummary] = field(default_factory=list)


@dataclass(frozen=True)
class MessagePage:
    """Messages newest first, with the cursors of the neighbouring pages (None: no page)."""

    messages: list[MessageView]
    older_than: int | None  # next page: ?before=
    newer_than: int | None  # previous page: ?after=


@dataclass(frozen=True)
class EditView:
    content: str
    edited_at: datetime
    editor: UserProfile


@dataclass(frozen=True)
class PinView:
    message: MessageView
    pinned_by: UserProfile
    pinned_at: datetime


def profiles_for(user_ids: Sequence[int]) -> dict[int, UserProfile]:
    """Profiles by id, the system (0) and deleted accounts included: one query at most."""
    found = user_profiles(user_ids=[uid for uid in user_ids if uid])
    return {uid: SYSTEM if not uid else found.get(uid) or unknown_profile(uid) for uid in user_ids}


def messages_hydrate(
    *, chat_id: uuid.UUID, messages: Sequence[StoredMessage], viewer_id: int
) -> list[MessageView]:
    """Sender profiles and reactions for a batch: one PostgreSQL query, one repository call.

    The two run at the same time (see the module's docstring). Only messages
    that may have reactions are asked about: in most pages nobody reacted to
    anything, and the reaction read is skipped.
    """
    if not messages:
        return []
    reacted = [m.message_id for m in messages if m.may_have_reactions and not m.is_deleted]
    reading = (
        _cql_waiters.submit(message_repo().get_reactions, chat_id, reacted, user_id=viewer_id)
        if reacted
        else None
    )
    profiles = profiles_for(sorted({m.sender_id for m in messages}))
    reactions = reading.result() if reading is not None else {}
    return [
        MessageView(
            message=m,
            sender=profiles[m.sender_id],
            reactions=[] if m.is_deleted else list(reactions.get(m.message_id, [])),
        )
        for m in messages
    ]


def message_page(
    *,
    participant: Participant,
    limit: int,
    before: int | None = None,
    after: int | None = None,
    around: int | None = None,
) -> MessagePage:
    """One page of a chat's history, newest first in every mode.

    A side of the page has a neighbour page when that side came back full;
    the last page in a direction may therefore be empty (its links are None).
    """
    chat_id = participant.chat_id
    if before is None and after is None and around is None:
        rows = newest_rows(
            chat_id, limit, lambda: message_repo().get_messages(chat_id, limit=limit)
        )
    else:
        rows = message_repo().get_messages(
            chat_id, limit=limit, before_id=before, after_id=after, around_id=around
        )
    if after is not None:
        rows = rows[::-1]  # the repository reads forward in this mode
    messages = messages_hydrate(chat_id=chat_id, messages=rows, viewer_id=participant.user_id)
    if not rows:
        return MessagePage(messages=[], older_than=None, newer_than=None)
    newest, oldest = rows[0].message_id, rows[-1].message_id
    if around is not None:
        newer_count = sum(1 for m in rows if m.message_id > around)
        has_newer = newer_count >= limit // 2
        has_older = len(rows) - newer_count >= limit - limit // 2
    elif after is not None:
        has_newer, has_older = len(rows) >= limit, True
    else:
        has_newer, has_older = before is not None, len(rows) >= limit
    return MessagePage(
        messages=messages,
        older_than=oldest if has_older else None,
        newer_than=newest if has_newer else None,
    )


def stored_message(*, chat_id: uuid.UUID, message_id: int, fresh: bool = False) -> StoredMessage:
    """The message (deleted ones included) or ``MessageNotFoundInChat``.

    ``fresh`` for a use case that writes what it decides from it (read-your-writes).
    """
    found = message_repo().get_message(chat_id, message_id, fresh=fresh)
    if found is None:
        raise MessageNotFoundInChat()
    return found


def message_get(*, participant: Participant, message_id: int, fresh: bool = False) -> MessageView:
    stored = stored_message(chat_id=participant.chat_id, message_id=message_id, fresh=fresh)
    return messages_hydrate(
        chat_id=participant.chat_id, messages=[stored], viewer_id=participant.user_id
    )[0]


def message_history(*, participant: Participant, message_id: int) -> list[EditView]:
    """Earlier versions of a message, oldest first (empty for a deleted message)."""
    stored = stored_message(chat_id=participant.chat_id, message_id=message_id)
    if stored.is_deleted:
        return []
    edits = edit_history_repo().get_history(participant.chat_id, message_id)
    editors = profiles_for(sorted({e.editor_id for e in edits}))
    return [
        EditView(content=e.content, edited_at=e.edited_at, editor=editors[e.editor_id])
        for e in edits
    ]


def pins_of_chat(*, participant: Participant) -> list[PinView]:
    """Pinned messages, newest pin first; each hydrated like a page (fixed round trips)."""
    chat_id = participant.chat_id
    repo = message_repo()
    pins = sorted(repo.get_pinned_messages(chat_id), key=lambda p: p.pinned_at, reverse=True)
    if not pins:
        return []
    stored = repo.get_messages_by_ids(chat_id, [p.message_id for p in pins])
    views = {
        view.message.message_id: view
        for view in messages_hydrate(
            chat_id=chat_id, messages=list(stored.values()), viewer_id=participant.user_id
        )
    }
    pinners = profiles_for(sorted({p.pinned_by for p in pins}))
    return [
        PinView(message=views[p.message_id], pinned_by=pinners[p.pinned_by], pinned_at=p.pinned_at)
        for p in pins
        if p.message_id in views and not views[p.message_id].message.is_deleted
    ]


def reaction_summary(
    *, chat_id: uuid.UUID, message_id: int, emoji: str, viewer_id: int | None = None
) -> ReactionSummary:
    """One emoji's count on a message and whether the viewer used it (after a change)."""
    reactions = message_repo().get_reactions(chat_id, [message_id], user_id=viewer_id)
    for reaction in reactions.get(message_id, []):
        if reaction.emoji == emoji:
            return reaction
    return ReactionSummary(emoji=emoji, count=0, me=False)


IDS_PER_READ = 500  # the repository's limit of ids per call


def messages_by_ids(*, chat_id: uuid.UUID, message_ids: Sequence[int]) -> dict[int, StoredMessage]:
    """The stored rows among ``message_ids`` (deleted ones included), any number of ids."""
    found: dict[int, StoredMessage] = {}
    for start in range(0, len(message_ids), IDS_PER_READ):
        chunk = list(message_ids[start : start + IDS_PER_READ])
        found.update(message_repo().get_messages_by_ids(chat_id, chunk))
    return found


def message_by_telegram_id(
    *, chat_id: uuid.UUID, telegram_message_id: int, telegram_chat_id: int
) -> StoredMessage | None:
    """The message a Telegram message became in this chat (the mapping table), or None."""
    return message_repo().get_message_by_telegram_id(chat_id, telegram_message_id, telegram_chat_id)
