"""Reads (HackSoft "selectors"): plain typed functions, no writes.

``user_is_participant`` and ``users_sharing_a_chat`` are imported from here by the
presence app (typing is chat-scoped; presence is shown to people who share a
chat), so their paths are part of the app's interface.
"""

from messaging.selectors.chats import (
    chat_get,
    chat_is_read_only,
    chats_of_user,
    parse_chat_id,
    participant_get,
    participants_of_chat,
    user_is_participant,
    users_sharing_a_chat,
)
from messaging.selectors.templates import template_get, templates_visible_to
from messaging.selectors.users import UserProfile, user_profiles

__all__ = [
    "UserProfile",
    "chat_get",
    "chat_is_read_only",
    "chats_of_user",
    "parse_chat_id",
    "participant_get",
    "participants_of_chat",
    "template_get",
    "templates_visible_to",
    "user_is_participant",
    "user_profiles",
    "users_sharing_a_chat",
]
