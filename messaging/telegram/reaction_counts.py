"""Anonymous reaction totals: set a message's count of one emoji to what Telegram reports.

Telegram does not always say who reacted: a channel's reactions are anonymous
(Bot API ``message_reaction_count``) and an export lists only a few recent
reactors beside each total. The repository counts reactions per reacting
user (``add_reaction``); the part of a total nobody is named for is written
here as a counter delta: read the stored count, add the difference. Setting a
total is idempotent (a replayed update or a re-imported file changes
nothing); two updates of one message racing each other can leave the count
off until the next update of that message sets it again.
"""

from __future__ import annotations

from uuid import UUID

from messaging.repository import MessageScyllaRepo

_ADD = (
    "UPDATE {ks}.message_reaction_counts SET reaction_count = reaction_count + ?"
    " WHERE channel_id = ? AND message_id = ? AND emoji = ?"
)


def reaction_totals_set(
    repo: MessageScyllaRepo,
    channel_id: UUID,
    message_id: int,
    totals: dict[str, int],
    *,
    complete: bool = False,
) -> int:
    """Moves each emoji's counter to ``totals[emoji]``; returns how many counters changed.

    ``complete``: ``totals`` is the message's whole list, so an emoji missing from it drops
    to zero (a ``message_reaction_count`` update lists only the reactions that remain).
    """
    stored = {
        summary.emoji: summary.count
        for summary in repo.get_reactions(channel_id, [message_id]).get(message_id, [])
    }
    if complete:
        totals = {**dict.fromkeys(stored, 0), **totals}
    client = repo.client
    statement = client.prepare(_ADD.format(ks=client.keyspace))
    changed = 0
    for emoji, total in totals.items():
        delta = max(0, total) - stored.get(emoji, 0)
        if delta:
            client.execute(statement, (delta, channel_id, message_id, emoji), write=True)
            changed += 1
    return changed
