"""Real-time events: the one module that publishes them (Zulip's ``send_event``).

A use case ends with one call here that names who hears of the write: the
chat (everyone in it: the ``chat.<id>`` group) or some users (their
``user.<id>`` groups). Nothing else publishes: views, the Telegram importer
and webhook, commands and the gateway reach these functions only through the
use cases.

The event leaves after the write is durable: the CQL write has returned, and
inside a PostgreSQL transaction ``on_commit`` holds it until the commit (a
rolled-back write publishes nothing). Publishing is best effort: with Redis
down the live event is lost, never the write; a client fills the gap with a
``resume``, which reads the message store (``messaging.gateway``).

Events go through the Channels layer (channels-redis's pub/sub layer: one
Redis publish per event, one subscription per group per server process, which
hands the event to its own connections), from one event loop per process
(``messaging.publish_loop``). Data that depends on the viewer is
finished by each connection: ``reactions[].me`` of an edited message and the
chat as its participant sees it (``render_chat``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from channels.layers import get_channel_layer
from django.db import transaction

from messaging.gateway.conf import gateway_settings
from messaging.gateway.metrics import EVENTS_UNPUBLISHED
from messaging.models import Chat, Participant
from messaging.publish_loop import run_on_publish_loop
from messaging.repository.data import Pin, StoredMessage
from messaging.selectors.hot_pages import page_changed

logger = logging.getLogger(__name__)

#: Events of writes that change what a chat's message pages show (kept pages are dropped).
PAGE_EVENTS = ("message.", "reaction.")

#: What a consumer's handler is called for (Channels maps "gateway.event" to ``gateway_event``).
HANDLER = "gateway.event"


def chat_group(chat_id: uuid.UUID | str) -> str:
    return f"chat.{chat_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def send_event(
    *,
    type: str,
    chat_id: uuid.UUID,
    data: dict[str, Any] | Callable[[], dict[str, Any]] | None,
    users: Iterable[int] | None = None,
    exclude_user: int | None = None,
    render_chat: bool = False,
) -> None:
    """Publishes ``type`` about ``chat_id`` to the chat, or to ``users`` when given.

    ``exclude_user`` never receives it (the typist of ``typing.started``);
    ``render_chat``: each recipient's connection renders the chat as that
    user sees it (``data`` is then None). A callable ``data`` is built when
    the event is published (after the commit, under the same best-effort
    guard), so a write pays for its event's reads only once it is durable.
    """
    if type.startswith(PAGE_EVENTS):  # at once, not on commit: the CQL write is done
        page_changed(chat_id)
    groups = [chat_group(chat_id)] if users is None else [user_group(uid) for uid in set(users)]
    if not groups:
        return
    message = {
        "type": HANDLER,
        "event": type,
        "chat_id": str(chat_id),
        "data": data,
        "exclude_user": exclude_user,
        "render_chat": render_chat,
    }
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _publish(groups, message))
    else:  # what on_commit does then, without asking a Redis-only write for a database
        _publish(groups, message)


def _publish(groups: Sequence[str], message: dict[str, Any]) -> None:
    try:
        if callable(message["data"]):
            message = {**message, "data": message["data"]()}
        # The coroutine's own timeout fires first; this one only bounds a stuck loop.
        run_on_publish_loop(_group_send(groups, message), gateway_settings().publish_timeout + 1)
    except Exception:  # Redis down or slow: the write stands; clients resume
        EVENTS_UNPUBLISHED.labels(message["event"]).inc()
        logger.warning("event %s of chat %s not published", message["event"], message["chat_id"])


async def _group_send(groups: Sequence[str], message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    assert layer is not None, "CHANNEL_LAYERS has no default layer"  # noqa: S101
    sends = asyncio.gather(*(layer.group_send(group, message) for group in groups))
    await asyncio.wait_for(sends, timeout=gateway_settings().publish_timeout)


# The use cases' one-line calls.


def message_created(message: StoredMessage) -> None:
    _message_event("message.created", message)


def message_edited(message: StoredMessage) -> StoredMessage:
    """Returns ``message``, so a use case can publish and return it in one line."""
    _message_event("message.edited", message)
    return message


def message_deleted(message: StoredMessage) -> None:
    _message_event("message.deleted", message)


def _message_event(type: str, message: StoredMessage) -> None:
    from messaging.gateway.selectors import message_data

    send_event(type=type, chat_id=message.channel_id, data=lambda: message_data(message))


def reaction_changed(*, participant: Participant, message_id: int, emoji: str, added: bool) -> None:
    reaction_event(
        chat_id=participant.chat_id,
        message_id=message_id,
        emoji=emoji,
        added=added,
        user_id=participant.user_id,
    )


def reaction_event(
    *, chat_id: uuid.UUID, message_id: int, emoji: str, added: bool, user_id: int | None
) -> None:
    """``user_id`` None: a count changed without a named reactor (Telegram's anonymous totals)."""
    from messaging.gateway.selectors import profile_data
    from messaging.selectors.messages import reaction_summary

    def data() -> dict[str, Any]:
        summary = reaction_summary(chat_id=chat_id, message_id=message_id, emoji=emoji)
        return {
            "message_id": str(message_id),
            "emoji": emoji,
            "count": summary.count,
            "user": None if user_id is None else profile_data(user_id),
        }

    send_event(type="reaction.added" if added else "reaction.removed", chat_id=chat_id, data=data)


def messages_stored(messages: Sequence[StoredMessage]) -> None:
    """Messages the Telegram bridge stored (a webhook delivery, an import batch), in id order."""
    for message in sorted(messages, key=lambda m: m.message_id):
        message_created(message)


def history_changed(chat_id: uuid.UUID) -> None:
    """An import rewrote what older pages show (reactions of history): pages are read again.

    No event: clients that care re-read the pages they show, as after a resume.
    """
    page_changed(chat_id)


def pin_added(*, participant: Participant, pin: Pin) -> None:
    from messaging.api.fields import format_utc
    from messaging.gateway.selectors import profile_data

    send_event(
        type="pin.added",
        chat_id=participant.chat_id,
        data=lambda: {
            "message_id": str(pin.message_id),
            "pinned_by": profile_data(pin.pinned_by),
            "pinned_at": format_utc(pin.pinned_at),
        },
    )


def pin_removed(*, participant: Participant, message_id: int) -> None:
    send_event(
        type="pin.removed", chat_id=participant.chat_id, data={"message_id": str(message_id)}
    )


def read_updated(participant: Participant) -> None:
    last_read = participant.last_read_message_id
    send_event(
        type="read.updated",
        chat_id=participant.chat_id,
        users=[participant.user_id],
        data={
            "last_read_message_id": None if last_read is None else str(last_read),
            "unread_count": participant.unread_count,
        },
    )


def chat_updated(chat: Chat, *, users: Iterable[int] | None = None) -> None:
    send_event(type="chat.updated", chat_id=chat.pk, data=None, users=users, render_chat=True)


def chat_joined(chat_id: uuid.UUID, *, users: Iterable[int]) -> None:
    send_event(type="chat.joined", chat_id=chat_id, data=None, users=users, render_chat=True)


def chat_left(chat_id: uuid.UUID, *, user_id: int) -> None:
    send_event(type="chat.left", chat_id=chat_id, data={"id": str(chat_id)}, users=[user_id])


def typing_started(*, chat_id: uuid.UUID, user_id: int, expires_at: datetime, **_: Any) -> None:
    """Receiver of ``presence.signals.typing_started`` (connected in ``MessagingConfig``)."""
    from messaging.api.fields import format_utc
    from messaging.gateway.selectors import profile_data

    send_event(
        type="typing.started",
        chat_id=chat_id,
        data=lambda: {"user": profile_data(user_id), "expires_at": format_utc(expires_at)},
        exclude_user=user_id,
    )


def presence_changed(*, user_id: int, status: str, last_seen: datetime, **_: Any) -> None:
    """Receiver of ``presence.signals.presence_changed``: to the users who share a chat."""
    from messaging.api.fields import format_utc
    from messaging.gateway.selectors import chat_mates

    try:  # best effort like every publish: a heartbeat never fails for its audience
        mates = chat_mates(user_id)
    except Exception:
        logger.warning("presence of user %s not published: chat mates unknown", user_id)
        return
    data = {"user_id": user_id, "status": status, "last_seen": format_utc(last_seen)}
    for chat_id, users in mates.items():
        send_event(type="presence.changed", chat_id=chat_id, data=data, users=users)
