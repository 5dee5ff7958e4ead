"""Reactions made on Telegram, mirrored: named reactors one by one, the rest as totals.

Telegram does not always say who reacted: a channel's reactions are anonymous
(Bot API ``message_reaction_count``) and an export lists only a few recent
reactors beside each total. The repository counts reactions per reacting
user (``add_reaction``); the part of a total nobody is named for is written
as a counter delta (``add_reaction_counts``): the stored count is read, the
difference added. Setting a total is idempotent (a replayed update or a
re-imported file changes nothing); two updates of one message racing each
other can leave the count off until the next update of that message sets it
again.

These are the bridge's reaction writes; ``messaging.services.reactions`` holds
a WellWon participant's own (checked against the chat, one at a time).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from messaging import events
from messaging.errors import MessageNotFound
from messaging.selectors.messages import IDS_PER_READ
from messaging.stores import message_repo


@dataclass(frozen=True, slots=True)
class ReactionTally:
    """One emoji on one message: its total, and the users named as having reacted."""

    emoji: str
    count: int
    reactor_ids: tuple[int, ...] = ()


def counter_deltas(
    stored: dict[str, int], totals: dict[str, int], *, complete: bool = False
) -> dict[str, int]:
    """What to add to each emoji's counter so that it reads ``totals``.

    ``complete``: ``totals`` is the message's whole list, so an emoji missing from it drops
    to zero (a ``message_reaction_count`` update lists only the reactions that remain).
    """
    wanted = {**dict.fromkeys(stored, 0), **totals} if complete else totals
    deltas = {emoji: max(0, total) - stored.get(emoji, 0) for emoji, total in wanted.items()}
    return {emoji: delta for emoji, delta in deltas.items() if delta}


def reactions_change(
    *,
    chat_id: UUID,
    message_id: int,
    user_id: int,
    added: Sequence[str] = (),
    removed: Sequence[str] = (),
) -> bool:
    """A named user's reactions changed; False when the message is gone (deleted meanwhile)."""
    repo = message_repo()
    changes = [*((emoji, False) for emoji in removed), *((emoji, True) for emoji in added)]
    try:
        for emoji, adding in changes:
            change = repo.add_reaction if adding else repo.remove_reaction
            if change(chat_id, message_id, user_id, emoji):
                events.reaction_event(
                    chat_id=chat_id,
                    message_id=message_id,
                    emoji=emoji,
                    added=adding,
                    user_id=user_id,
                )
    except MessageNotFound:
        return False
    return True


def reaction_totals_set(
    *, chat_id: UUID, message_id: int, totals: dict[str, int], complete: bool = False
) -> int:
    """Moves each emoji's counter to ``totals[emoji]``; returns how many counters changed."""
    repo = message_repo()
    stored = {
        summary.emoji: summary.count
        for summary in repo.get_reactions(chat_id, [message_id]).get(message_id, [])
    }
    deltas = counter_deltas(stored, totals, complete=complete)
    repo.add_reaction_counts(chat_id, message_id, deltas)
    for emoji, delta in deltas.items():
        events.reaction_event(
            chat_id=chat_id, message_id=message_id, emoji=emoji, added=delta > 0, user_id=None
        )
    return len(deltas)


def reactions_import(
    *, chat_id: UUID, tallies: dict[int, list[ReactionTally]], concurrency: int
) -> None:
    """An export's reactions of many messages: named reactors, then the anonymous rest.

    A message whose counts already read as wanted (a re-import) is left alone.
    Runs ``concurrency`` messages at a time on the driver's callbacks; called
    from the import command, never from a request's event loop.
    """
    if not tallies:
        return
    repo = message_repo()
    counts = _reaction_counts(chat_id, list(tallies))

    async def apply(message_id: int, wanted_tallies: list[ReactionTally]) -> None:
        stored = dict(counts.get(message_id, {}))
        wanted = {t.emoji: t.count for t in wanted_tallies}
        if stored == wanted:
            return
        for tally in wanted_tallies:
            for user_id in tally.reactor_ids:
                try:
                    if await repo.aadd_reaction(chat_id, message_id, user_id, tally.emoji):
                        stored[tally.emoji] = stored.get(tally.emoji, 0) + 1
                except MessageNotFound:  # deleted in WellWon meanwhile
                    return
        await repo.aadd_reaction_counts(chat_id, message_id, counter_deltas(stored, wanted))

    _run_bounded([apply(m, t) for m, t in tallies.items()], concurrency)
    events.history_changed(chat_id)


def _reaction_counts(chat_id: UUID, message_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    repo = message_repo()
    for start in range(0, len(message_ids), IDS_PER_READ):
        chunk = message_ids[start : start + IDS_PER_READ]
        for message_id, summaries in repo.get_reactions(chat_id, chunk).items():
            counts[message_id] = {s.emoji: s.count for s in summaries}
    return counts


def _run_bounded(steps: list[Coroutine[Any, Any, None]], concurrency: int) -> None:
    """Runs the steps ``concurrency`` at a time (no threads: the driver calls back)."""
    limit = asyncio.Semaphore(concurrency)

    async def bounded(step: Coroutine[Any, Any, None]) -> None:
        async with limit:
            await step

    async def run_all() -> None:
        await asyncio.gather(*(bounded(step) for step in steps))

    asyncio.run(run_all())
