"""The presence app's settings, read from ``django.conf.settings`` with defaults.

The app never imports the project package; a project that installs it may set
any of these names (durations in seconds):

``PRESENCE_CACHE_ALIAS`` ("default")
    The django-redis cache whose Redis holds typing, presence, counters and
    leases. Its ``KEY_PREFIX`` namespaces every key, so a test run with its own
    prefix never sees development data.
``PRESENCE_TYPING_TTL`` (10)
    How long one "I am typing" lasts unless renewed.
``PRESENCE_ONLINE_WINDOW`` (60)
    A user whose last heartbeat is older than this is offline.
``PRESENCE_LAST_SEEN_TTL`` (30 days)
    How long "last seen" is remembered after the last heartbeat.
``PRESENCE_MAX_USERS`` (100)
    Most users one presence query may ask about.
``PRESENCE_MEMBERSHIP_CHECK`` ("messaging.selectors.user_is_participant")
    Dotted path to ``(user, chat_id: UUID) -> bool``; imported on use, so the
    two apps do not import each other at start-up.
``PRESENCE_READ_ONLY_CHECK`` ("messaging.selectors.chat_is_read_only")
    Dotted path to ``(chat_id: UUID) -> bool``: True for a chat nobody may type
    in (archived); typing there answers 403.
``PRESENCE_VISIBILITY_CHECK`` ("messaging.selectors.users_sharing_a_chat")
    Dotted path to ``(user, user_ids) -> set[int]``: which of ``user_ids`` the
    caller may see the presence of. The others read as offline, never seen,
    exactly like ids that belong to nobody, so presence does not tell who
    exists or who is online to strangers.
``PRESENCE_COUNTER_TTL`` (600)
    How long a cached counter lives before it is rebuilt from its durable
    source: the bound on staleness after an increment lost to an outage.
``PRESENCE_COUNTER_REBUILD_TIMEOUT`` (10)
    How long a reader holds the right to fill a missing counter.
``PRESENCE_WORKER_LEASE_TTL`` (30)
    Lifetime of a Snowflake worker-id lease; renewed every third of it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

MembershipCheck = Callable[[Any, UUID], bool]
VisibilityCheck = Callable[[Any, Sequence[int]], set[int]]
ReadOnlyCheck = Callable[[UUID], bool]


@dataclass(frozen=True)
class PresenceSettings:
    cache_alias: str = "default"
    typing_ttl: float = 10.0
    online_window: float = 60.0
    last_seen_ttl: float = 30 * 24 * 3600.0
    max_users: int = 100
    membership_check: str = "messaging.selectors.user_is_participant"
    visibility_check: str = "messaging.selectors.users_sharing_a_chat"
    read_only_check: str = "messaging.selectors.chat_is_read_only"
    counter_ttl: float = 600.0
    counter_rebuild_timeout: float = 10.0
    worker_lease_ttl: float = 30.0

    @classmethod
    def from_django(cls) -> PresenceSettings:
        values: dict[str, Any] = {
            f.name: getattr(settings, f"PRESENCE_{f.name.upper()}", f.default) for f in fields(cls)
        }
        loaded = cls(**values)
        for f in fields(cls):
            value = getattr(loaded, f.name)
            if f.type in ("float", "int") and not (
                isinstance(value, int | float) and not isinstance(value, bool) and value > 0
            ):
                raise ImproperlyConfigured(
                    f"PRESENCE_{f.name.upper()} must be a positive number, not {value!r}"
                )
        return loaded


@functools.cache
def presence_settings() -> PresenceSettings:
    """Read once: a chat list asked for them twenty times, at 60 µs a read.

    ``override_settings`` and pytest-django's ``settings`` send ``setting_changed``,
    which drops the kept value (as DRF's ``api_settings`` does).
    """
    return PresenceSettings.from_django()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **_: Any) -> None:
    if setting.startswith("PRESENCE_"):
        presence_settings.cache_clear()


def _hook(name: str) -> Any:
    path = getattr(presence_settings(), name)
    try:
        return import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"PRESENCE_{name.upper()}={path!r}: {exc}") from exc


def membership_check() -> MembershipCheck:
    check: MembershipCheck = _hook("membership_check")
    return check


def visibility_check() -> VisibilityCheck:
    check: VisibilityCheck = _hook("visibility_check")
    return check


def read_only_check() -> ReadOnlyCheck:
    check: ReadOnlyCheck = _hook("read_only_check")
    return check
