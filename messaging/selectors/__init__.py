"""Reads (HackSoft "selectors"): plain typed functions, no writes.

``user_is_participant`` is imported from here by the presence app to guard
its chat-scoped endpoints (typing), so its path is part of the app's interface.
"""

from messaging.selectors.chats import (
    chat_get,
    chats_of_user,
    parse_chat_id,
    participant_get,
    participants_of_chat,
    user_is_participant,
)
from messaging.selectors.templates import template_get, templates_visible_to
from messaging.selectors.users import UserProfile, user_profiles

__all__ = [
    "UserProfile",
    "chat_get",
    "chats_of_user",
    "parse_chat_id",
    "participant_get",
    "participants_of_chat",
    "template_get",
    "templates_visible_to",
    "user_is_participant",
    "user_profiles",
]
