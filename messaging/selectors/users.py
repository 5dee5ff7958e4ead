"""Public profiles of users, the shape every API answer shows a person in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from messaging.access_cache import access, profile_key


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
    """Profiles of these users (a page's senders, a chat's members).

    From the access cache (one Redis round trip), the missing ones in one
    PostgreSQL query that caches them; ``messaging.access_cache`` forgets a
    profile whenever its user is saved or deleted.
    """
    wanted = {int(uid) for uid in user_ids}
    if not wanted:
        return {}
    keys = {profile_key(uid): uid for uid in wanted}
    found: dict[int, UserProfile] = {
        keys[key]: profile for key, profile in access.get_many(keys).items()
    }
    missing = wanted - found.keys()
    if missing:
        users = (
            get_user_model()
            .objects.filter(pk__in=missing)
            .only("id", "username", "first_name", "last_name")
        )
        loaded = {user.pk: UserProfile.of(user) for user in users}
        access.fill({profile_key(uid): profile for uid, profile in loaded.items()})
        found.update(loaded)
    return found


def unknown_profile(user_id: int) -> UserProfile:
    """A sender whose account is gone (deleted users keep their messages)."""
    return UserProfile(id=user_id, username=f"deleted-{user_id}", display_name="Deleted user")
