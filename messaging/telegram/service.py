"""Service messages ("Alice added Bob", "pinned a message") as WellWon system messages.

The export marks them ``"type": "service"`` with an ``action`` name and its
details (``title``, ``members``...); the Bot API sets one field per event
(``new_chat_members``, ``pinned_message``...). Both are rendered to one line of
text by ``describe_service``, which uses the export's action names, so the
same event reads the same from either source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_UNKNOWN_NAME = "Deleted Account"

_PHRASES: dict[str, str] = {
    "create_group": "{actor} created the group «{title}»",
    "create_channel": "{actor} created the channel «{title}»",
    "edit_group_title": "{actor} changed the group name to «{title}»",
    "edit_group_photo": "{actor} changed the group photo",
    "delete_group_photo": "{actor} removed the group photo",
    "invite_members": "{actor} added {members}",
    "remove_members": "{actor} removed {members}",
    "join_group_by_link": "{actor} joined the group via invite link",
    "join_group_by_request": "{actor} was accepted into the group",
    "migrate_to_supergroup": "{actor} converted this group to a supergroup",
    "migrate_from_group": "{actor} converted the group «{title}» to a supergroup",
    "pin_message": "{actor} pinned a message",
    "clear_history": "{actor} cleared the history",
    "phone_call": "{actor} made a call",
    "group_call": "{actor} started a video chat",
    "set_messages_ttl": "{actor} set messages to auto-delete after {period} s",
    "topic_created": "{actor} created the topic «{title}»",
    "take_screenshot": "{actor} took a screenshot",
    "joined_telegram": "{actor} joined Telegram",
}


@dataclass(frozen=True, slots=True)
class ServiceEvent:
    action: str
    details: dict[str, Any] = field(default_factory=dict)


def describe_service(event: ServiceEvent, actor_name: str | None) -> str:
    """One readable line for a service event; unknown actions fall back to their name."""
    details = event.details
    if event.action == "custom" and details.get("text"):
        return str(details["text"])
    members = details.get("members") or []
    values = {
        "actor": actor_name or _UNKNOWN_NAME,
        "title": details.get("title") or "",
        "members": ", ".join(str(m) if m else _UNKNOWN_NAME for m in members) or "members",
        "period": details.get("period", "?"),
    }
    phrase = _PHRASES.get(event.action, "{actor}: " + event.action.replace("_", " "))
    text = phrase.format(**values)
    if details.get("duration"):
        text += f" ({details['duration']} s)"
    return text


def export_service_event(raw: dict[str, Any]) -> ServiceEvent:
    """The event of an exported ``"type": "service"`` message."""
    action = raw.get("action")
    if not isinstance(action, str) or not action:
        # ActionCustomAction has no action name, only its text.
        return ServiceEvent("custom", {"text": raw.get("information_text") or ""})
    details = {
        "title": raw.get("title") or raw.get("new_title"),
        "members": raw.get("members") if isinstance(raw.get("members"), list) else None,
        "period": raw.get("period"),
        "duration": raw.get("duration_seconds") or raw.get("duration"),
    }
    return ServiceEvent(action, {k: v for k, v in details.items() if v is not None})


def full_name(user: Any) -> str | None:
    """A Bot API ``User``'s display name: first and last name, else the username."""
    if not isinstance(user, dict):
        return None
    name = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p)
    return name or user.get("username") or None


def bot_api_service_event(raw: dict[str, Any]) -> ServiceEvent | None:
    """The service event a Bot API ``Message`` carries, or None for an ordinary message."""
    title = (raw.get("chat") or {}).get("title")
    if isinstance(raw.get("new_chat_members"), list):
        members = [full_name(u) for u in raw["new_chat_members"]]
        return ServiceEvent("invite_members", {"members": members})
    if isinstance(raw.get("left_chat_member"), dict):
        return ServiceEvent("remove_members", {"members": [full_name(raw["left_chat_member"])]})
    if isinstance(raw.get("new_chat_title"), str):
        return ServiceEvent("edit_group_title", {"title": raw["new_chat_title"]})
    if "pinned_message" in raw:
        return ServiceEvent("pin_message")
    timer = raw.get("message_auto_delete_timer_changed")
    if isinstance(timer, dict):
        return ServiceEvent("set_messages_ttl", {"period": timer.get("message_auto_delete_time")})
    if isinstance(raw.get("forum_topic_created"), dict):
        return ServiceEvent("topic_created", {"title": raw["forum_topic_created"].get("name")})
    if isinstance(raw.get("video_chat_ended"), dict):
        return ServiceEvent("group_call", {"duration": raw["video_chat_ended"].get("duration")})
    for flag, action in _BOT_API_FLAGS:
        if raw.get(flag):
            return ServiceEvent(action, {"title": title} if title else {})
    return None


# Bot API service fields that only say "this happened".
_BOT_API_FLAGS: tuple[tuple[str, str], ...] = (
    ("group_chat_created", "create_group"),
    ("supergroup_chat_created", "create_group"),
    ("channel_chat_created", "create_channel"),
    ("new_chat_photo", "edit_group_photo"),
    ("delete_chat_photo", "delete_group_photo"),
    ("migrate_to_chat_id", "migrate_to_supergroup"),
    ("migrate_from_chat_id", "migrate_from_group"),
    ("video_chat_started", "group_call"),
)
