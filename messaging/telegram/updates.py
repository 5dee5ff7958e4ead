"""Applying one Bot API ``Update`` (the webhook's use case).

Telegram delivers an update until it gets a 2xx, and may deliver it again
after one. So an update is applied at most once:

- ``ProcessedUpdate`` (unique ``update_id``) is written in the same
  PostgreSQL transaction as the update's followers; a replay finds it and
  does nothing, and an update whose processing failed leaves no row, so
  Telegram's retry applies it;
- the mapping table catches the rest (the same message from an export, or a
  replay after the row was lost): it is stored once.

Updates that cannot apply (a chat no WellWon chat mirrors, a reaction to a
message never stored, an edit older than the stored one, kinds this bridge
does not handle) are acknowledged with what happened, never an error: an
error makes Telegram retry for a day.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from messaging.models import Chat
from messaging.repository import MessageNotFound, MessageScyllaRepo
from messaging.selectors.stores import edit_history_repo, message_repo
from messaging.services.followers import after_edit
from messaging.telegram.botapi import ParsedUpdate, ReactionChange, ReactionTotals, parse_update
from messaging.telegram.models import ProcessedUpdate
from messaging.telegram.reaction_counts import reaction_totals_set
from messaging.telegram.sync import IMPORTING, LIVE, sync_record
from messaging.telegram.types import TelegramMessage
from messaging.telegram.writer import ChatWriter, Rejected, is_newer_edit

logger = logging.getLogger(__name__)

# Telegram gives up redelivering after about a day; older update ids cannot come back.
PROCESSED_UPDATE_RETENTION = timedelta(days=7)
PRUNE_EVERY = 1000  # update ids are consecutive: prune on one delivery in a thousand


class Outcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"  # the mapping table already held the message
    EDITED = "edited"
    STALE_EDIT = "stale_edit"  # edit_date not newer than the stored edit
    REACTIONS = "reactions"
    REPLAYED = "replayed"  # this update_id was applied before
    UNLINKED_CHAT = "unlinked_chat"
    UNKNOWN_MESSAGE = "unknown_message"  # a reaction to, or edit of, a deleted message
    REJECTED = "rejected"  # a message the store cannot hold (logged)
    IGNORED = "ignored"  # an update kind this bridge does not handle


def update_receive(raw: object, *, repo: MessageScyllaRepo | None = None) -> Outcome:
    """Applies an Update once; raises ``MalformedMessage`` for one that cannot be parsed."""
    parsed = parse_update(raw)
    repo = repo or message_repo()
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProcessedUpdate.objects.create(update_id=parsed.update_id, kind=parsed.kind or "")
        except IntegrityError:
            return Outcome.REPLAYED
        if parsed.update_id % PRUNE_EVERY == 0:
            ProcessedUpdate.objects.filter(
                received_at__lt=timezone.now() - PROCESSED_UPDATE_RETENTION
            ).delete()
        return _apply(repo, parsed)


def _apply(repo: MessageScyllaRepo, update: ParsedUpdate) -> Outcome:
    payload = update.payload
    if payload is None:
        return Outcome.IGNORED
    chat = Chat.objects.filter(telegram_chat_id=payload.chat_id).first()
    if chat is None:
        return Outcome.UNLINKED_CHAT
    writer = ChatWriter(repo, chat)
    if isinstance(payload, TelegramMessage):
        outcome = _edit(writer, payload) if update.is_edit else _store(writer, payload)
    elif isinstance(payload, ReactionChange):
        outcome = _react(writer, payload)
    else:
        outcome = _count(writer, payload)
    _record(repo, chat, update)
    return outcome


def _store(writer: ChatWriter, message: TelegramMessage) -> Outcome:
    (prepared,) = writer.prepare([message])
    if isinstance(prepared, Rejected):
        logger.warning(
            "Telegram message %s of chat %s not stored: %s",
            message.message_id,
            message.chat_id,
            prepared.reason,
        )
        return Outcome.REJECTED
    (written,) = writer.write([prepared])
    return Outcome.CREATED if written.created else Outcome.DUPLICATE


def _edit(writer: ChatWriter, message: TelegramMessage) -> Outcome:
    """A newer text for a stored message; an edit of a message never seen stores it."""
    chat = writer.chat
    stored = writer.repo.get_message_by_telegram_id(chat.pk, message.message_id, message.chat_id)
    if stored is None:
        return _store(writer, message)
    if stored.is_deleted:
        return Outcome.UNKNOWN_MESSAGE
    if message.edited_at is None or not is_newer_edit(stored, message):
        return Outcome.STALE_EDIT
    edit_history_repo().record_edit(
        channel_id=chat.pk,
        message_id=stored.message_id,
        previous_content=stored.content,
        editor_id=stored.sender_id,
        edited_at=message.edited_at,
    )
    writer.repo.edit_message(
        chat.pk, stored.message_id, message.text, message.edited_at, list(message.entities)
    )
    after_edit(chat_id=chat.pk, message_id=stored.message_id, content=message.text)
    return Outcome.EDITED


def _react(writer: ChatWriter, change: ReactionChange) -> Outcome:
    chat = writer.chat
    stored = writer.repo.get_message_by_telegram_id(chat.pk, change.message_id, change.chat_id)
    if stored is None or stored.is_deleted:
        return Outcome.UNKNOWN_MESSAGE
    user_id = writer.user_ids([change.reactor])[change.reactor.key]
    for emoji in change.removed:
        writer.repo.remove_reaction(chat.pk, stored.message_id, user_id, emoji)
    try:
        for emoji in change.added:
            writer.repo.add_reaction(chat.pk, stored.message_id, user_id, emoji)
    except MessageNotFound:  # deleted in between
        return Outcome.UNKNOWN_MESSAGE
    return Outcome.REACTIONS


def _count(writer: ChatWriter, totals: ReactionTotals) -> Outcome:
    chat = writer.chat
    stored = writer.repo.get_message_by_telegram_id(chat.pk, totals.message_id, totals.chat_id)
    if stored is None or stored.is_deleted:
        return Outcome.UNKNOWN_MESSAGE
    reaction_totals_set(writer.repo, chat.pk, stored.message_id, totals.counts, complete=True)
    return Outcome.REACTIONS


def _record(repo: MessageScyllaRepo, chat: Chat, update: ParsedUpdate) -> None:
    """The webhook is live; the newest message id moves forward, never back."""
    state = repo.get_telegram_sync_state(chat.pk)
    newest = None
    if isinstance(update.payload, TelegramMessage):
        known = state.last_telegram_message_id if state else None
        if known is None or update.payload.message_id > known:
            newest = update.payload.message_id
    importing = state is not None and state.status == IMPORTING
    sync_record(
        repo,
        chat.pk,
        status=None if importing else LIVE,  # an import in progress keeps its resume point
        last_telegram_message_id=None if importing else newest,
        last_update_id=update.update_id,
    )
