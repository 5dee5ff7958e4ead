"""The async side: the seed's snippet as written, and the ``a*`` twins on the driver's callbacks."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from messaging.repository import InvalidMessageInput, MessageNotFound
from messaging.repository import MessageScyllaRepo as SyncRepo
from messaging.scylla import ScyllaClient
from tests.messaging.repo_support import days_ago, message

T = TypeVar("T")


def test_the_seed_snippet_runs_as_written(cql: ScyllaClient) -> None:
    chat_id, user_id, telegram_chat_id = uuid.uuid4(), 42, -100_123
    last_message_id = None

    async def seed() -> tuple[int, list, object]:
        # ---- the seed's "Python Client Usage", only the import paths changed ----
        from messaging.repository import AsyncMessageScyllaRepo as MessageScyllaRepo
        from messaging.repository import MessageData
        from messaging.scylla import (  # noqa: F401
            calculate_message_bucket,
            generate_snowflake_id,
            get_scylla_client,
        )

        # Get repository
        repo = MessageScyllaRepo()

        # Insert message
        message = MessageData(
            channel_id=chat_id,
            content="Hello, World!",
            sender_id=user_id,
            message_type="text",
            source="web",
        )
        snowflake_id = await repo.insert_message(message)

        # Get messages with pagination
        messages = await repo.get_messages(
            channel_id=chat_id,
            limit=50,
            before_id=last_message_id,
        )

        # Find by Telegram ID (uses mapping table - O(1))
        msg = await repo.get_message_by_telegram_id(
            channel_id=chat_id,
            telegram_message_id=123456,
            telegram_chat_id=telegram_chat_id,  # For O(1) lookup
        )
        # ---- end of the seed's snippet ----
        return snowflake_id, messages, msg

    snowflake_id, messages, msg = asyncio.run(seed())
    assert isinstance(snowflake_id, int) and snowflake_id > 0
    assert [(m.message_id, m.content) for m in messages] == [(snowflake_id, "Hello, World!")]
    assert msg is None  # nothing from Telegram in this new chat


def test_async_twins_share_the_behaviour(cql: ScyllaClient) -> None:
    repo = SyncRepo(cql)
    channel_id = uuid.uuid4()

    async def scenario() -> None:
        ids = await repo.ainsert_messages(
            [message(channel_id, f"m{i}", created_at=days_ago(30 - i)) for i in range(30)]
        )
        page = await repo.aget_messages(channel_id, limit=10, before_id=ids[-1])
        assert [m.message_id for m in page] == ids[-2:-12:-1]
        around = await repo.aget_messages(channel_id, limit=5, around_id=ids[15])
        assert [m.message_id for m in around] == ids[17:12:-1]
        assert set(await repo.aget_messages_by_ids(channel_id, ids[:3])) == set(ids[:3])
        previous = await repo.aedit_message(channel_id, ids[0], "edited")
        assert previous.content == "m0"
        added = await asyncio.gather(
            *(repo.aadd_reaction(channel_id, ids[1], 3, "⭐") for _ in range(6))
        )
        assert sorted(added) == [False] * 5 + [True]
        reactions = await repo.aget_reactions(channel_id, [ids[1]], user_id=3)
        assert reactions[ids[1]][0].count == 1
        await repo.apin_message(channel_id, ids[2], 3)
        assert [p.message_id for p in await repo.aget_pinned_messages(channel_id)] == [ids[2]]
        await repo.aset_read_position(channel_id, 3, ids[5])
        assert await repo.aget_read_position(channel_id, 3) == ids[5]
        deleted = await repo.adelete_message(channel_id, ids[3])
        assert not deleted.is_deleted
        stored = await repo.aget_message(channel_id, ids[3])
        assert stored is not None and stored.is_deleted
        with pytest.raises(MessageNotFound):
            await repo.aedit_message(uuid.uuid4(), ids[0], "nope")
        with pytest.raises(InvalidMessageInput):
            await repo.aget_messages(channel_id, limit=500)
        metadata = await repo.aget_channel_metadata_many([channel_id])
        assert metadata[channel_id].last_message_id == ids[-1]

    asyncio.run(scenario())


def test_async_calls_do_not_hand_work_to_threads(
    cql: ScyllaClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bridge waits on the driver's own callbacks: no executor thread per call.

    Every thread pool (the loop's default executor behind ``run_in_executor`` and
    ``to_thread``, or a pool of the bridge's own) is fed through
    ``ThreadPoolExecutor.submit``; the calls made from the event loop's thread are
    counted. The driver's own pools are fed from its I/O thread, which is not counted.
    """
    repo = SyncRepo(cql)
    channel_id = uuid.uuid4()
    repo.insert_message(message(channel_id))  # warm up: connection and statements prepared
    handed_over: list[Callable[..., Any]] = []
    submit = ThreadPoolExecutor.submit

    def counting_submit(
        self: ThreadPoolExecutor, fn: Callable[..., T], /, *args: Any, **kwargs: Any
    ) -> Future[T]:
        if threading.current_thread() is threading.main_thread():
            handed_over.append(fn)
        return submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(ThreadPoolExecutor, "submit", counting_submit)

    async def many_reads() -> int:
        pages = await asyncio.gather(*(repo.aget_messages(channel_id, limit=5) for _ in range(200)))
        return sum(len(page) for page in pages)

    assert threading.current_thread() is threading.main_thread()
    assert asyncio.run(many_reads()) == 200
    assert handed_over == []
