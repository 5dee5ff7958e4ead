"""Plans for reactions: who reacted (``message_reactions``) and how many (counters).

Adding the same reaction twice must count once, also when two requests race.
The reaction row is therefore claimed with ``IF NOT EXISTS`` (a Paxos round)
and the counter moves only for the request whose claim applied; removal is
symmetric with ``IF EXISTS``. Counters and LWT need vnodes on ScyllaDB 6
(the keyspace disables tablets); Cassandra has no such restriction. A crash
between the claim and the counter update leaves the count one short, never
double: counters are not idempotent, so they are never retried blindly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from uuid import UUID

from messaging.errors import InvalidMessageInput
from messaging.repository.base import RepositoryBase, utc_now
from messaging.repository.data import ReactionSummary
from messaging.repository.plans import Fanout, Plan, Query
from messaging.repository.validation import (
    check_channel_id,
    check_emoji,
    check_message_id,
    check_message_ids,
    check_user_id,
)
from messaging.scylla.snowflake import calculate_message_bucket

IN_CHUNK = 100


class ReactionPlans(RepositoryBase):
    def plan_add_reaction(
        self, channel_id: UUID, message_id: int, user_id: int, emoji: str
    ) -> Plan[bool]:
        """True when the reaction is new (and counted), False when the user already had it."""
        key = self._reaction_key(channel_id, message_id, user_id, emoji)
        message = yield from self._live_message(channel_id, message_id)
        claim = yield Query(self._sql.add_reaction, (*key, utc_now()), write=True, lwt=True)
        if not claim[0][0]:
            return False
        writes = [self._count(channel_id, message_id, emoji, +1)]
        if message.has_reactions is not True:
            writes.append(self._flag(channel_id, message_id))
        yield Fanout(writes, len(writes))
        return True

    def plan_add_reaction_counts(
        self, channel_id: UUID, message_id: int, deltas: Mapping[str, int]
    ) -> Plan[None]:
        """Adds to a message's per-emoji counts without a reacting user.

        For reactions a source reports only as totals (a Telegram channel's are
        anonymous): ``deltas`` moves each emoji's counter, positive or negative.
        Not idempotent (counters never are): callers compute deltas from a read.
        """
        check_channel_id(channel_id)
        check_message_id(message_id)
        for emoji, delta in deltas.items():
            check_emoji(emoji)
            if isinstance(delta, bool) or not isinstance(delta, int):
                raise InvalidMessageInput("deltas", f"the change of {emoji!r} must be an integer")
        writes = [self._count(channel_id, message_id, e, d) for e, d in deltas.items() if d]
        if any(d > 0 for d in deltas.values()):
            writes.append(self._flag(channel_id, message_id))
        if writes:
            yield Fanout(writes, len(writes))

    def plan_remove_reaction(
        self, channel_id: UUID, message_id: int, user_id: int, emoji: str
    ) -> Plan[bool]:
        """True when the reaction existed (and the count went down)."""
        key = self._reaction_key(channel_id, message_id, user_id, emoji)
        claim = yield Query(self._sql.remove_reaction, key, write=True, lwt=True)
        if not claim[0][0]:
            return False
        yield self._count(channel_id, message_id, emoji, -1)
        return True

    def plan_get_reactions(
        self, channel_id: UUID, message_ids: Sequence[int], user_id: int | None = None
    ) -> Plan[dict[int, list[ReactionSummary]]]:
        """Every requested id -> its reactions, most used first; ``me`` when ``user_id`` has it.

        Two ``IN`` queries per 100 messages (counts, and the user's own rows),
        run together: a page of 50 messages costs two statements.
        """
        check_channel_id(channel_id)
        ids = check_message_ids(message_ids)
        if user_id is not None:
            check_user_id(user_id)
        if not ids:
            return {}
        chunks = [ids[i : i + IN_CHUNK] for i in range(0, len(ids), IN_CHUNK)]
        reads = [Query(self._sql.select_reaction_counts, (channel_id, c)) for c in chunks]
        if user_id is not None:
            reads += [
                Query(self._sql.select_my_reactions, (channel_id, c, user_id)) for c in chunks
            ]
        results = yield Fanout(reads, len(reads))
        counts, mine = results[: len(chunks)], results[len(chunks) :]
        my_emoji: dict[int, set[str]] = defaultdict(set)
        for rows in mine:
            for row in rows:
                my_emoji[row.message_id].add(row.emoji)
        summaries: dict[int, list[ReactionSummary]] = {message_id: [] for message_id in ids}
        for rows in counts:
            for row in rows:
                if row.reaction_count > 0:
                    summaries[row.message_id].append(
                        ReactionSummary(
                            row.emoji, row.reaction_count, row.emoji in my_emoji[row.message_id]
                        )
                    )
        for reactions in summaries.values():
            reactions.sort(key=lambda r: (-r.count, r.emoji))
        return summaries

    def _reaction_key(
        self, channel_id: UUID, message_id: int, user_id: int, emoji: str
    ) -> tuple[UUID, int, int, str]:
        return (
            check_channel_id(channel_id),
            check_message_id(message_id),
            check_user_id(user_id),
            check_emoji(emoji),
        )

    def _count(self, channel_id: UUID, message_id: int, emoji: str, delta: int) -> Query:
        return Query(self._sql.count_reaction, (delta, channel_id, message_id, emoji), write=True)

    def _flag(self, channel_id: UUID, message_id: int) -> Query:
        """Marks the message as reacted to, so page reads stop skipping its reactions."""
        bucket = calculate_message_bucket(message_id)
        return Query(self._sql.flag_reactions, (channel_id, bucket, message_id), write=True)
