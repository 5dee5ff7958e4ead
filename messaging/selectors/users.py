"""Public profiles of users, the shape every API answer shows a person in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model


@dataclass(frozen=True)
class UserProfile:
    id: int
    username: str
    display_name: str

    @classmethod
    def of(cls, user: Any) -> UserProfile:
        full_name = f"{user.first_name} {user.last_name}".strip()
        return cls(id=user.pk, username=user.username, display_name=full_name or user.username)


def user_profiles(*, user_ids: Iterable[int]) -> dict[int, UserProfile]:
    """Profiles of these users in one query (a page's senders, a chat's members)."""
    wanted = {int(uid) for uid in user_ids}
    if not wanted:
        return {}
    users = (
        get_user_model()
        .objects.filter(pk__in=wanted)
        .only("id", "username", "first_name", "last_name")
    )
    return {user.pk: UserProfile.of(user) for user in users}


def unknown_profile(user_id: int) -> UserProfile:
    """A sender whose account is gone (deleted users keep their messages)."""
    return UserProfile(id=user_id, username=f"deleted-{user_id}", display_name="Deleted user")
