"""Full-text search over the messages of the chats I belong to (PostgreSQL).

The ledger (``SearchEntry``) finds and ranks the hits with a GIN-indexed
``tsvector`` and ``websearch_to_tsquery`` (quotes, ``or``, ``-word`` work as
on a web search engine); the hits are then hydrated from CQL, the source of
truth, so a result shows the message as it is now. Hydration costs one
message read and one reaction read per chat among the hits, and one
profile query in all.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F

from messaging.conf import search_config
from messaging.models import SearchEntry
from messaging.selectors.messages import MessageView, profiles_for
from messaging.stores import message_repo


@dataclass(frozen=True)
class SearchHit:
    view: MessageView
    rank: float


def search_messages(
    *, user: Any, q: str, chat_id: uuid.UUID | None = None, limit: int = 20
) -> list[SearchHit]:
    """The best ``limit`` live messages matching ``q`` in my chats, best first."""
    query = SearchQuery(q, search_type="websearch", config=search_config())
    entries = SearchEntry.objects.filter(chat__participants__user=user, search_vector=query)
    if chat_id is not None:
        entries = entries.filter(chat_id=chat_id)
    ranked = list(
        entries.annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-message_id")
        .values_list("chat_id", "message_id", "rank")[:limit]
    )
    by_chat: dict[uuid.UUID, list[int]] = defaultdict(list)
    for hit_chat, message_id, _rank in ranked:
        by_chat[hit_chat].append(message_id)
    repo = message_repo()
    stored = {
        hit_chat: repo.get_messages_by_ids(hit_chat, ids) for hit_chat, ids in by_chat.items()
    }
    reactions = {
        hit_chat: repo.get_reactions(
            hit_chat, [i for i, m in rows.items() if m.may_have_reactions], user_id=user.pk
        )
        for hit_chat, rows in stored.items()
    }
    senders = profiles_for(sorted({m.sender_id for rows in stored.values() for m in rows.values()}))
    hits = []
    for hit_chat, message_id, rank in ranked:
        message = stored[hit_chat].get(message_id)
        if message is None or message.is_deleted:
            continue  # the ledger lags the store; reindex_search repairs it
        view = MessageView(
            message=message,
            sender=senders[message.sender_id],
            reactions=list(reactions[hit_chat].get(message_id, [])),
        )
        hits.append(SearchHit(view=view, rank=float(rank)))
    return hits
