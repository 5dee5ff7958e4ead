"""Settings: defaults, overrides, and a clear error for a bad value."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from presence.conf import membership_check, presence_settings
from presence.store import redis_key, seconds_to_ms


def test_defaults() -> None:
    conf = presence_settings()
    assert conf.typing_ttl == 10.0
    assert conf.online_window == 60.0
    assert conf.cache_alias == "default"
    assert conf.max_users == 100
    assert conf.membership_check == "messaging.selectors.user_is_participant"


def test_override_is_read_at_call_time(settings: Any) -> None:
    settings.PRESENCE_TYPING_TTL = 1.5
    assert presence_settings().typing_ttl == 1.5


@pytest.mark.parametrize("value", [0, -1, "10", None, True])
def test_bad_duration_names_the_setting(settings: Any, value: object) -> None:
    settings.PRESENCE_ONLINE_WINDOW = value
    with pytest.raises(ImproperlyConfigured, match="PRESENCE_ONLINE_WINDOW must be a positive"):
        presence_settings()


def test_membership_check_is_imported_lazily(settings: Any) -> None:
    settings.PRESENCE_MEMBERSHIP_CHECK = "os.path.isabs"
    check: Any = membership_check()
    assert check("/abs") is True


def test_unimportable_membership_check_is_a_clear_error(settings: Any) -> None:
    settings.PRESENCE_MEMBERSHIP_CHECK = "nowhere.at_all"
    with pytest.raises(ImproperlyConfigured, match=r"PRESENCE_MEMBERSHIP_CHECK='nowhere\.at_all'"):
        membership_check()


def test_keys_carry_the_cache_key_prefix(settings: Any) -> None:
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    assert prefix.startswith("wellwon_test")
    assert redis_key("typing", "abc") == f"{prefix}:typing:abc"


def test_seconds_to_ms_never_rounds_to_zero() -> None:
    assert seconds_to_ms(10) == 10_000
    assert seconds_to_ms(0.0001) == 1
