"""Presence of chat members, read from the presence app (Redis).

Presence decorates a member list; it never decides an answer. When Redis
cannot answer, members are shown without presence instead of failing the
request.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from presence.conf import presence_settings
from presence.status import PresenceInfo, get_presence_many
from presence.store import REDIS_DOWN

logger = logging.getLogger(__name__)


def presence_of_users(*, user_ids: Sequence[int]) -> dict[int, PresenceInfo]:
    """Presence per user, in batches of PRESENCE_MAX_USERS (one round trip each)."""
    batch = presence_settings().max_users
    unique = list(dict.fromkeys(user_ids))
    found: dict[int, PresenceInfo] = {}
    try:
        for start in range(0, len(unique), batch):
            found.update(get_presence_many(unique[start : start + batch]))
    except REDIS_DOWN as exc:
        logger.warning("presence unavailable for a member list: %s", exc)
    return found
