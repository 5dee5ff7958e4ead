"""Applying one Bot API ``Update`` (the webhook's use case).

Telegram delivers an update until it gets a 2xx, and may deliver it again
after one. So an update is applied at most once:

- ``ProcessedUpdate`` (unique ``update_id``) is written in the same
  PostgreSQL transaction as the update's followers; a replay finds it and
  does nothing, and an update whose processing failed leaves no row, so
  Telegram's retry applies it;
- the mapping table catches the rest (the same message from an export, or a
  replay after the row was lost): it is stored once.

Updates that cannot apply are acknowledged with what happened, never an
error: an error makes Telegram retry for a day, and these would fail every
time. That covers a chat no WellWon chat mirrors, a reaction to a message
never stored, an edit older than the stored one, kinds this bridge does not
handle, an update that cannot be parsed (``malformed``) and one that
contradicts what is stored (``conflict``: the Telegram message is mirrored
into another chat, or no placeholder user can be created for its sender);
the last two are logged with the reason and write nothing. A store that is
down is the one failure answered with an error (503), so Telegram's retry
delivers the update once the store is back.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from messaging.errors import MessageNotFound, TelegramMappingConflict
from messaging.models import Chat
from messaging.selectors.messages import StoredMessage, message_by_telegram_id
from messaging.selectors.telegram_sync import telegram_sync_state
from messaging.services.messages import edit_is_newer, message_edit_apply
from messaging.services.mirrored_reactions import reaction_totals_set, reactions_change
from messaging.services.telegram_sync import IMPORTING, LIVE, sync_record
from messaging.telegram.botapi import ParsedUpdate, ReactionChange, ReactionTotals, parse_update
from messaging.telegram.models import ProcessedUpdate
from messaging.telegram.types import MalformedMessage, TelegramMessage
from messaging.telegram.writer import ChatWriter, Rejected

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
    MALFORMED = "malformed"  # not a Bot API Update (logged)
    CONFLICT = "conflict"  # contradicts what is stored (logged; nothing written)


def update_receive(raw: object) -> Outcome:
    """Applies an Update once and says what happened; store outages are raised."""
    try:
        parsed = parse_update(raw)
    except MalformedMessage as exc:
        logger.warning("Telegram update not applied, malformed: %s", exc)
        return Outcome.MALFORMED
    try:
        return _receive_once(parsed)
    except (TelegramMappingConflict, IntegrityError) as exc:
        logger.warning("Telegram update %s not applied, conflict: %s", parsed.update_id, exc)
        return Outcome.CONFLICT


def _receive_once(parsed: ParsedUpdate) -> Outcome:
    """The update and its ``ProcessedUpdate`` row in one transaction (a failure keeps neither)."""
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
        return _apply(parsed)


def _apply(update: ParsedUpdate) -> Outcome:
    payload = update.payload
    if payload is None:
        return Outcome.IGNORED
    chat = Chat.objects.filter(telegram_chat_id=payload.chat_id).first()
    if chat is None:
        return Outcome.UNLINKED_CHAT
    writer = ChatWriter(chat)
    if isinstance(payload, TelegramMessage):
        outcome = _edit(writer, payload) if update.is_edit else _store(writer, payload)
    elif isinstance(payload, ReactionChange):
        outcome = _react(writer, payload)
    else:
        outcome = _count(chat, payload)
    _record(chat, update)
    return outcome


def _mirrored(chat: Chat, telegram_message_id: int, telegram_chat_id: int) -> StoredMessage | None:
    return message_by_telegram_id(
        chat_id=chat.pk, telegram_message_id=telegram_message_id, telegram_chat_id=telegram_chat_id
    )


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
    stored = _mirrored(writer.chat, message.message_id, message.chat_id)
    if stored is None:
        return _store(writer, message)
    if stored.is_deleted:
        return Outcome.UNKNOWN_MESSAGE
    if not edit_is_newer(stored, message.edited_at):
        return Outcome.STALE_EDIT
    try:
        message_edit_apply(
            current=stored,
            content=message.text,
            editor_id=stored.sender_id,
            edited_at=message.edited_at,
            entities=list(message.entities),
        )
    except MessageNotFound:  # deleted in between
        return Outcome.UNKNOWN_MESSAGE
    return Outcome.EDITED


def _react(writer: ChatWriter, change: ReactionChange) -> Outcome:
    stored = _mirrored(writer.chat, change.message_id, change.chat_id)
    if stored is None or stored.is_deleted:
        return Outcome.UNKNOWN_MESSAGE
    applied = reactions_change(
        chat_id=writer.chat.pk,
        message_id=stored.message_id,
        user_id=writer.user_ids([change.reactor])[change.reactor.key],
        added=change.added,
        removed=change.removed,
    )
    return Outcome.REACTIONS if applied else Outcome.UNKNOWN_MESSAGE


def _count(chat: Chat, totals: ReactionTotals) -> Outcome:
    stored = _mirrored(chat, totals.message_id, totals.chat_id)
    if stored is None or stored.is_deleted:
        return Outcome.UNKNOWN_MESSAGE
    reaction_totals_set(
        chat_id=chat.pk, message_id=stored.message_id, totals=totals.counts, complete=True
    )
    return Outcome.REACTIONS


def _record(chat: Chat, update: ParsedUpdate) -> None:
    """The webhook is live; the newest message id moves forward, never back."""
    state = telegram_sync_state(chat_id=chat.pk)
    newest = None
    if isinstance(update.payload, TelegramMessage):
        known = state.last_telegram_message_id if state else None
        if known is None or update.payload.message_id > known:
            newest = update.payload.message_id
    importing = state is not None and state.status == IMPORTING
    sync_record(
        chat.pk,
        status=None if importing else LIVE,  # an import in progress keeps its resume point
        last_telegram_message_id=None if importing else newest,
        last_update_id=update.update_id,
    )
