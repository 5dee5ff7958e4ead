"""Message use cases: send, edit, delete. CQL first, then the followers.

``message_send`` in order:
1. checks in PostgreSQL: the caller's participation (done by the caller) and role
   (in a channel only owners and admins post), the chat not archived, the
   template and the reply target;
2. mints the id, and in one PostgreSQL transaction claims the
   ``Idempotency-Key`` (key -> that id) when one is given and records the
   followers' work in the outbox (``messaging.services.outbox``);
3. writes the message to CQL, the source of truth (the repository also
   updates ``channel_metadata``);
4. runs the followers (``messaging.services.followers``): search/unread ledger,
   the sender's read position, counters. Their failures are logged, never raised;
   the outbox drainer redoes what they did not commit.

Edits and deletes record their follow-up in the outbox before the CQL write too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from messaging import events
from messaging.errors import (
    InvalidInput,
    MessageNotFoundInChat,
    NotPermitted,
    TemplateNotFound,
)
from messaging.models import ChatType, FollowUp, IdempotencyKey, Participant
from messaging.repository.data import MessageData, StoredMessage
from messaging.scylla.snowflake import (
    generate_snowflake_id,
    snowflake_to_datetime,
)
from messaging.selectors.messages import stored_message
from messaging.selectors.templates import template_get
from messaging.services.followers import after_delete, after_edit, after_send
from messaging.services.outbox import follow_up_record
from messaging.services.templates import template_render
from messaging.stores import edit_history_repo, message_repo

IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")


@dataclass(frozen=True)
class SendOutcome:
    message: StoredMessage
    created: bool  # False: an earlier request with the same Idempotency-Key stored it


def check_can_post(participant: Participant) -> None:
    chat = participant.chat
    if chat.archived:
        raise NotPermitted("This chat is archived; unarchive it to post.")
    if chat.type == ChatType.CHANNEL and not participant.can_manage:
        raise NotPermitted("Only the channel's owner and admins post in a channel.")


def message_send(
    *,
    participant: Participant,
    content: str = "",
    message_type: str = "text",
    source: str = "web",
    reply_to_id: int | None = None,
    attachments: list[dict[str, Any]] | None = None,
    template_id: int | None = None,
    template_values: dict[str, str] | None = None,
    idempotency_key: str | None = None,
    created_at: datetime | None = None,
) -> SendOutcome:
    """Posts a message; ``created_at`` in the past is for imports and demo data only."""
    check_can_post(participant)
    chat_id = participant.chat_id
    if template_id is not None:
        content = _render_template(participant, template_id, template_values or {})
    if reply_to_id is not None:
        _check_reply_target(participant, reply_to_id)
    message_id: int | None = None
    task: int | None = None
    if idempotency_key is not None:
        fingerprint = send_fingerprint(
            chat_id=chat_id,
            content=content,
            message_type=message_type,
            reply_to_id=reply_to_id,
            attachments=attachments,
            template_id=template_id,
            template_values=template_values,
        )
        with transaction.atomic():
            message_id, replay = _claim_key(participant, idempotency_key, fingerprint)
            if not replay:
                task = _record_send(participant, message_id)
        earlier = message_repo().get_message(chat_id, message_id, fresh=True) if replay else None
        if earlier is not None:
            if not earlier.is_deleted:
                after_send(message=earlier, sender=participant)  # finish what it began
            return SendOutcome(message=earlier, created=False)
    if message_id is None:
        message_id = generate_snowflake_id(created_at)
        task = _record_send(participant, message_id)
    data = MessageData(
        channel_id=chat_id,
        content=content,
        sender_id=participant.user_id,
        message_type=message_type,
        source=source,
        reply_to_id=reply_to_id,
        attachments=attachments or None,
        mentions=_mentions(participant, content) or None,
        message_id=message_id,
        created_at=created_at or snowflake_to_datetime(message_id),
    )
    stored = StoredMessage.as_written(
        data, message_repo().insert_message(data, read_by_sender=True)
    )
    after_send(message=stored, sender=participant, task=task, position_mirrored=True)
    events.message_created(stored)
    return SendOutcome(message=stored, created=True)


def _record_send(participant: Participant, message_id: int) -> int:
    return follow_up_record(
        kind=FollowUp.SEND,
        chat_id=participant.chat_id,
        message_id=message_id,
        user_id=participant.user_id,
    )


def _render_template(participant: Participant, template_id: int, values: dict[str, str]) -> str:
    try:
        template = template_get(user=participant.user_id, template_id=template_id)
    except TemplateNotFound:
        raise InvalidInput("template", "No such template.") from None
    return template_render(template=template, values=values)


def _check_reply_target(participant: Participant, reply_to_id: int) -> None:
    target = message_repo().get_message(participant.chat_id, reply_to_id, fresh=True)
    if target is None or target.is_deleted:
        raise InvalidInput("reply_to", "No such message in this chat.")


def message_edit(*, participant: Participant, message_id: int, content: str) -> StoredMessage:
    """New text by the sender; the replaced text goes to the edit history first."""
    chat_id = participant.chat_id
    current = stored_message(chat_id=chat_id, message_id=message_id, fresh=True)
    if current.is_deleted:
        raise MessageNotFoundInChat("This message was deleted.")
    if current.sender_id != participant.user_id:
        raise NotPermitted("Only the sender can edit a message.")
    if participant.chat.archived:
        raise NotPermitted("This chat is archived.")
    if content == current.content:
        return current
    return message_edit_apply(current=current, content=content, editor_id=participant.user_id)


def message_edit_apply(
    *,
    current: StoredMessage,
    content: str,
    editor_id: int,
    edited_at: datetime | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> StoredMessage:
    """The one write of an edit, once the caller has decided it applies.

    The API checks sender, chat and message (``message_edit``); the Telegram
    bridge applies an edit whose ``edit_date`` is newer than the stored one
    (``edit_is_newer``). The replaced text goes to the history before the row
    changes (an edit that then fails leaves a harmless duplicate version, the
    other order could lose the text), then search follows. ``entities=None``
    keeps the formatting as it is.
    """
    chat_id, message_id = current.channel_id, current.message_id
    edited_at = edited_at or timezone.now()
    task = follow_up_record(kind=FollowUp.EDIT, chat_id=chat_id, message_id=message_id)
    edit_history_repo().record_edit(
        channel_id=chat_id,
        message_id=message_id,
        previous_content=current.content,
        editor_id=editor_id,
        edited_at=edited_at,
    )
    message_repo().edit_message(chat_id, message_id, content, edited_at, entities)
    after_edit(chat_id=chat_id, message_id=message_id, content=content, task=task)
    return events.message_edited(
        dataclasses.replace(
            current,
            content=content,
            edited_at=edited_at,
            entities=current.entities if entities is None else entities,
        )
    )


def edit_is_newer(stored: StoredMessage, edited_at: datetime | None) -> bool:
    """Mirrored edits apply only when their edit time moves forward (retries come out of order)."""
    if edited_at is None:
        return False
    return stored.edited_at is None or edited_at > stored.edited_at


def message_delete(*, participant: Participant, message_id: int) -> None:
    """Delete by the sender or a chat owner/admin: no content of it stays anywhere.

    The CQL row keeps id, sender, time, type, reply link and Telegram ids (so
    the message shows as deleted in its place and a re-import does not bring
    it back); its text, attachments, mentions and formatting are removed, its
    edit history is forgotten, its search row and pin dropped. Deleting again
    changes nothing visible, and completes a delete that stopped half-way.
    """
    chat_id = participant.chat_id
    current = stored_message(chat_id=chat_id, message_id=message_id, fresh=True)
    if current.sender_id != participant.user_id and not participant.can_manage:
        raise NotPermitted("Only the sender or the chat's owner and admins can delete it.")
    task = follow_up_record(kind=FollowUp.DELETE, chat_id=chat_id, message_id=message_id)
    message_repo().delete_message(chat_id, message_id)
    edit_history_repo().forget_history(chat_id, message_id)
    after_delete(chat_id=chat_id, message_id=message_id, task=task)  # counts nothing twice
    if not current.is_deleted:
        events.message_deleted(dataclasses.replace(current, is_deleted=True))


def check_idempotency_key(value: str) -> str:
    if not _KEY.match(value):
        raise InvalidInput(IDEMPOTENCY_HEADER, "1 to 255 printable ASCII characters.")
    return value


def _claim_key(participant: Participant, key: str, fingerprint: str) -> tuple[int, bool]:
    """The message id for this key: freshly minted (False) or an earlier request's (True)."""
    check_idempotency_key(key)
    existing = IdempotencyKey.objects.filter(user_id=participant.user_id, key=key).first()
    if existing is None:
        message_id = generate_snowflake_id()
        try:
            with transaction.atomic():
                IdempotencyKey.objects.create(
                    user_id=participant.user_id,
                    key=key,
                    chat_id=participant.chat_id,
                    message_id=message_id,
                    request_hash=fingerprint,
                )
            return message_id, False
        except IntegrityError:  # a concurrent retry claimed it first
            existing = IdempotencyKey.objects.get(user_id=participant.user_id, key=key)
    if existing.chat_id != participant.chat_id or existing.request_hash != fingerprint:
        raise InvalidInput(IDEMPOTENCY_HEADER, "This key was already used for another request.")
    return existing.message_id, True


def idempotency_keys_prune(*, older_than: timedelta) -> int:
    """Forgets keys older than ``older_than``; a retry that late is a new send.

    Clients retry within seconds or minutes; keeping a day of keys covers every
    sane retry policy while the table stays as small as a day of posts.
    """
    if older_than <= timedelta(0):
        raise InvalidInput("older_than", "must be a positive duration")
    cutoff = timezone.now() - older_than
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def send_fingerprint(
    *,
    chat_id: uuid.UUID,
    content: str,
    message_type: str,
    reply_to_id: int | None,
    attachments: list[dict[str, Any]] | None,
    template_id: int | None,
    template_values: dict[str, str] | None,
) -> str:
    """What makes two sends "the same request" for an Idempotency-Key."""
    parts = [
        str(chat_id),
        content,
        message_type,
        reply_to_id,
        attachments or [],
        template_id,
        template_values or {},
    ]
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _mentions(participant: Participant, content: str) -> set[int]:
    """User ids of the chat's participants named as ``@username`` (one query, only if any)."""
    found = _MENTION.findall(content)
    names = set(found) | {name.rstrip(".-+") for name in found}  # "@bob." ends a sentence
    if not names:
        return set()
    return set(
        Participant.objects.filter(
            chat_id=participant.chat_id, user__username__in=names
        ).values_list("user_id", flat=True)
    )
