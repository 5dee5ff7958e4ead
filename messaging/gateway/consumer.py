"""The ``/ws/`` consumer: identify, then the user's chats' events, resume, heartbeats.

Thin like a view: frames are parsed by ``frames``, reads are ``selectors``,
typing is the presence app's use case. One writer task per connection sends
everything, from a bounded outbox: the channel layer's handler only queues, so
a client that stops reading fills its own outbox (closed with 4008) and never
holds up the others.

A ``resume`` is handled while the channel layer's messages wait (Channels
dispatches one message at a time per consumer), after the outbox is empty, so
the frames go out as: earlier live events, the missed messages from the CQL
store, ``resumed``, the live events that came meanwhile. A message may be both
read from the store and announced live during that switch; the ids of recent
``message.created`` frames per chat catch the second copy either way.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
import uuid
from collections import OrderedDict
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from redis.exceptions import RedisError

from messaging.events import HANDLER, chat_group, user_group
from messaging.gateway import selectors
from messaging.gateway.conf import gateway_settings
from messaging.gateway.connections import connection_claim, connection_release
from messaging.gateway.frames import FrameError, Identify, Ping, Resume, Typing, parse_frame
from messaging.gateway.link import redis_link
from messaging.gateway.metrics import (
    CLOSES,
    CONNECTIONS_OPEN,
    DELIVERY_LAG,
    EVENTS_SENT,
    RESUMED_MESSAGES,
)
from messaging.gateway.typing import typing_start
from messaging.scylla.snowflake import snowflake_to_datetime

# Close codes of api-realtime.md.
HEARTBEAT_MISSED = 4000
UNAUTHENTICATED = 4001
TOO_SLOW = 4008
TOO_MANY_CONNECTIONS = 4029

#: ``message.created`` ids remembered per chat to drop the second copy at a resume's switch.
RECENT_IDS = 512


class GatewayConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.conf = gateway_settings()
        self.connection_id = uuid.uuid4().hex
        self.user: Any = None
        self.chats: set[str] = set()
        self.recent: dict[str, OrderedDict[int, None]] = {}
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue(self.conf.max_backlog)
        self.last_heard = time.monotonic()
        self.opened = self.last_heard
        self.closing = False
        self.resuming = False
        await self.accept()
        loop = asyncio.get_running_loop()
        self.tasks = [loop.create_task(self._write()), loop.create_task(self._watch())]
        session_user = self.scope.get("user")
        if session_user is not None and session_user.is_authenticated:
            await self._start(session_user)

    async def disconnect(self, code: int) -> None:
        for task in self.tasks:
            task.cancel()
        if self.user is not None:
            CONNECTIONS_OPEN.dec()
            redis_link.leave(self)
            await database_sync_to_async(connection_release)(
                user_id=self.user.pk, connection_id=self.connection_id
            )
            for group in self._groups():
                await self.channel_layer.group_discard(group, self.channel_name)

    # Frames from the client.

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        self.last_heard = time.monotonic()
        try:
            if text_data is None:
                raise FrameError("bad_request", "Binary frames are not taken: send JSON text.")
            op = parse_frame(text_data, max_bytes=self.conf.max_frame_bytes)
            if self.user is None:
                await self._identify(op)
            elif isinstance(op, Ping):
                await self._claim()
                self._queue({"op": "pong"})
            elif isinstance(op, Typing):
                await self._typing(op)
            elif isinstance(op, Resume):
                await self._resume(op)
            else:
                raise FrameError("bad_request", "This connection is already identified.")
        except FrameError as error:
            self._queue({"op": "error", "code": error.code, "detail": error.detail})

    async def _identify(self, op: Any) -> None:
        user = None
        if isinstance(op, Identify):
            user = await database_sync_to_async(selectors.user_for_token)(op.token)
        if user is None or not user.is_active:
            await self._close_with_error(UNAUTHENTICATED, "unauthenticated")
            return
        await self._start(user)

    async def _start(self, user: Any) -> None:
        if not user.is_active:
            await self._close_with_error(UNAUTHENTICATED, "unauthenticated")
            return
        self.user = user
        if not await self._claim():
            self.user = None
            await self._close(TOO_MANY_CONNECTIONS)
            return
        CONNECTIONS_OPEN.inc()
        redis_link.join(self)
        self.chats = await database_sync_to_async(selectors.chat_ids_of_user)(user.pk)
        await self._subscribe()
        profile = await database_sync_to_async(selectors.profile_data)(user.pk)
        self._queue(
            {
                "op": "ready",
                "user": profile,
                "chats": sorted(self.chats),
                "heartbeat_interval_ms": round(self.conf.heartbeat_interval * 1000),
            }
        )

    async def _claim(self) -> bool:
        return await database_sync_to_async(connection_claim)(
            user_id=self.user.pk,
            connection_id=self.connection_id,
            lifetime=self.conf.heartbeat_deadline * 2,
            cap=self.conf.max_connections_per_user,
        )

    async def _typing(self, op: Typing) -> None:
        await database_sync_to_async(typing_start)(user=self.user, chat_id=op.chat_id)

    async def _resume(self, op: Resume) -> None:
        mine = await database_sync_to_async(selectors.chat_ids_of_user)(self.user.pk)
        for chat_id in op.chats:
            if chat_id not in mine:
                raise FrameError("not_found", f"No chat {chat_id} among yours.")
        await self.outbox.join()  # the live events queued before the resume go first
        self.resuming = True  # the client's pings wait behind the resume: not silence
        try:
            sent = await self._send_missed(op)
        finally:
            self.resuming = False
            self.last_heard = time.monotonic()
        RESUMED_MESSAGES.observe(sent)
        await self._send_frame({"op": "resumed"})

    async def _send_missed(self, op: Resume) -> int:
        sent = 0
        for chat_id, last_seen in op.chats.items():
            pages = selectors.messages_after(
                chat_id=chat_id, after_id=last_seen, viewer_id=self.user.pk
            )
            while page := await database_sync_to_async(functools.partial(next, pages, None))():
                for data in page:
                    if self._first_time(chat_id, int(data["id"])):
                        await self._send_frame(_event("message.created", chat_id, data))
                        sent += 1
        return sent

    # Events from the channel layer.

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Events skip Channels' per-message ``close_old_connections`` (a thread hop each).

        With 1,000 connections in a chat that hop was most of the fan-out's CPU
        (py-spy); ``gateway_event`` touches no database, and the reads an event
        may need run through ``database_sync_to_async``, which closes old
        connections itself.
        """
        if message["type"] == HANDLER:
            await self.gateway_event(message)
        else:
            await super().dispatch(message)

    async def gateway_event(self, message: dict[str, Any]) -> None:
        """Queues an event; membership changes take effect here, before anything queued after."""
        if self.user is None or message["exclude_user"] == self.user.pk:
            return
        chat_id, kind = message["chat_id"], message["event"]
        if kind == "chat.joined" and chat_id not in self.chats:
            self.chats.add(chat_id)
            await self.channel_layer.group_add(chat_group(chat_id), self.channel_name)
        elif kind == "chat.left" and chat_id in self.chats:
            self.chats.discard(chat_id)
            self.recent.pop(chat_id, None)
            await self.channel_layer.group_discard(chat_group(chat_id), self.channel_name)
        elif chat_id not in self.chats and kind != "chat.left":
            return
        self._queue(message)

    async def redis_changed(self, up: bool) -> None:
        if up:
            await self._subscribe()
        else:
            detail = "Live events may be missed until the server reaches Redis again; resume then."
            self._queue({"op": "error", "code": "degraded", "detail": detail})

    async def _subscribe(self) -> None:
        try:
            for group in self._groups():
                await self.channel_layer.group_add(group, self.channel_name)
        except (TimeoutError, OSError, RedisError):
            await self.redis_changed(False)  # the link's recovery subscribes again

    def _groups(self) -> list[str]:
        return [user_group(self.user.pk), *(chat_group(chat_id) for chat_id in self.chats)]

    # Writing.

    def _queue(self, item: dict[str, Any]) -> None:
        try:
            self.outbox.put_nowait(item)
        except asyncio.QueueFull:
            self.closing = True
            asyncio.get_running_loop().create_task(self._close(TOO_SLOW))

    async def _write(self) -> None:
        while True:
            item = await self.outbox.get()
            try:
                frame = await self._frame(item) if item.get("type") else item
                if frame is not None and not self.closing:
                    await self._send_frame(frame)
            finally:
                self.outbox.task_done()

    async def _frame(self, message: dict[str, Any]) -> dict[str, Any] | None:
        """The frame of a layer message for this user, or None when it is not to be sent."""
        chat_id, kind, data = message["chat_id"], message["event"], message["data"]
        if kind != "chat.left" and chat_id not in self.chats:
            return None  # left the chat after this was queued
        if kind == "message.created" and not self._first_time(chat_id, int(data["id"])):
            return None
        if message["render_chat"]:
            data = await database_sync_to_async(selectors.chat_data)(self.user, chat_id)
            if data is None:
                return None
        elif kind == "message.edited" and data["reactions"]:
            reactions = await database_sync_to_async(selectors.reactions_seen_by)(
                chat_id, data["id"], self.user.pk
            )
            data = {**data, "reactions": reactions}
        return _event(kind, chat_id, data)

    async def _send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))
        if frame["op"] == "event":
            EVENTS_SENT.labels(frame["type"]).inc()
            if frame["type"] == "message.created":
                created = snowflake_to_datetime(int(frame["data"]["id"])).timestamp()
                DELIVERY_LAG.observe(max(0.0, time.time() - created))

    def _first_time(self, chat_id: str, message_id: int) -> bool:
        """Records a ``message.created`` id; False if this connection already had it."""
        recent = self.recent.setdefault(chat_id, OrderedDict())
        if message_id in recent:
            return False
        recent[message_id] = None
        if len(recent) > RECENT_IDS:
            recent.popitem(last=False)
        return True

    # Closing.

    async def _watch(self) -> None:
        """Closes a connection that never identified or stopped sending heartbeats."""
        tick = min(1.0, self.conf.heartbeat_interval / 4, self.conf.identify_timeout / 4)
        while True:
            await asyncio.sleep(tick)
            now = time.monotonic()
            if self.user is None and now - self.opened > self.conf.identify_timeout:
                await self._close_with_error(UNAUTHENTICATED, "unauthenticated")
                return
            silent = now - self.last_heard > self.conf.heartbeat_deadline
            if self.user is not None and silent and not self.resuming:
                await self._close(HEARTBEAT_MISSED)
                return

    async def _close_with_error(self, code: int, error: str) -> None:
        await self.send(text_data=json.dumps({"op": "error", "code": error}))
        await self._close(code)

    async def _close(self, code: int) -> None:
        self.closing = True
        CLOSES.labels(str(code)).inc()
        await self.close(code=code)


def _event(kind: str, chat_id: str, data: Any) -> dict[str, Any]:
    return {"op": "event", "type": kind, "chat_id": chat_id, "data": data}
