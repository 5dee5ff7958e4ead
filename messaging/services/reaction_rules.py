"""What may be a reaction, and how many different ones a message may carry.

An emoji is checked with the ``emoji`` package (the Unicode emoji list and its
sequences, kept current by its maintainers), not a home-made regex; a
deployment may add its own custom reactions by name (MESSAGING_REACTION_CUSTOM_EMOJI).
The cap (MESSAGING_REACTION_MAX_DISTINCT, 20 as on Discord) counts distinct
emoji: adding one that is already on the message is always allowed. Two
different new emoji racing for the last place may both get in; the cap is a
bound on clutter, not an invariant.
"""

from __future__ import annotations

import emoji as unicode_emoji

from messaging.conf import ReactionSettings
from messaging.errors import InvalidInput
from messaging.models import Participant
from messaging.stores import message_repo


def check_reaction(*, participant: Participant, message_id: int, emoji: str) -> None:
    rules = ReactionSettings.from_django()
    if not unicode_emoji.is_emoji(emoji) and emoji not in rules.custom_emoji:
        raise InvalidInput("emoji", "A reaction is one Unicode emoji (or a custom reaction).")
    present = message_repo().get_reactions(participant.chat_id, [message_id])
    emoji_on_message = {reaction.emoji for reaction in present.get(message_id, [])}
    if emoji not in emoji_on_message and len(emoji_on_message) >= rules.max_distinct:
        raise InvalidInput(
            "emoji",
            f"This message already has {rules.max_distinct} different reactions; add one of those.",
        )
