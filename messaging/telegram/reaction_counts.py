"""Anonymous reaction totals: set a message's count of one emoji to what Telegram reports.

Telegram does not always say who reacted: a channel's reactions are anonymous
(Bot API ``message_reaction_count``) and an export lists only a few recent
reactors beside each total. The repository counts reactions per reacting
user (``add_reaction``); the part of a total nobody is named for is written
here as a counter delta (``add_reaction_counts``): the stored count is read,
the difference added. Setting a total is idempotent (a replayed update or a
re-imported file changes nothing); two updates of one message racing each
other can leave the count off until the next update of that message sets it
again.
"""

from __future__ import annotations

from uuid import UUID

from messaging.repository import MessageScyllaRepo


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


def reaction_totals_set(
    repo: MessageScyllaRepo,
    channel_id: UUID,
    message_id: int,
    totals: dict[str, int],
    *,
    complete: bool = False,
) -> int:
    """Moves each emoji's counter to ``totals[emoji]``; returns how many counters changed."""
    stored = {
        summary.emoji: summary.count
        for summary in repo.get_reactions(channel_id, [message_id]).get(message_id, [])
    }
    deltas = counter_deltas(stored, totals, complete=complete)
    repo.add_reaction_counts(channel_id, message_id, deltas)
    return len(deltas)
