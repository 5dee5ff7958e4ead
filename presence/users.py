"""Public profiles of users, as the presence endpoints show them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from django.contrib.auth import get_user_model


class UserProfile(TypedDict):
    id: int
    username: str
    display_name: str


def user_profiles(user_ids: Iterable[int]) -> dict[int, UserProfile]:
    """``{id: {id, username, display_name}}`` in one query; unknown ids are left out.

    ``display_name`` is the full name, or the username when there is none.
    """
    users = get_user_model().objects.filter(pk__in=set(user_ids))
    return {
        user.pk: UserProfile(
            id=user.pk,
            username=user.get_username(),
            display_name=user.get_full_name().strip() or user.get_username(),
        )
        for user in users
    }
