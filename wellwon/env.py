"""Typed readers for environment variables.

Settings come only from the environment. A malformed value must stop start-up
with one line that names the variable, not with a traceback from deep inside a
driver, so every reader raises ``ConfigError`` (an ``ImproperlyConfigured``)
whose message starts with the variable's name; ``manage.py`` and the WSGI entry
point print it as that one line.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ImproperlyConfigured):
    """A configuration variable is missing or malformed."""


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None) -> str:
    value = _raw(name)
    if value is None or value == "":
        if default is None:
            raise ConfigError(f"{name} is not set (see .env.example)")
        return default
    return value


def env_optional(name: str) -> str | None:
    """Returns the value, or None when the variable is unset or empty."""
    return _raw(name) or None


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name}={value!r} is not a boolean (use true or false)")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not an integer") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name}={number} is below the minimum {minimum}")
    if maximum is not None and number > maximum:
        raise ConfigError(f"{name}={number} is above the maximum {maximum}")
    return number


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a number") from None
    if number < minimum:
        raise ConfigError(f"{name}={number} is below the minimum {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ConfigError(f"{name} is empty; give a comma-separated list")
    return items


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """Returns the choice that matches the value case-insensitively."""
    value = env_str(name, default)
    for choice in choices:
        if choice.lower() == value.lower():
            return choice
    raise ConfigError(f"{name}={value!r} is not one of {', '.join(choices)}")


def env_parsed(name: str, default: T, parse: Callable[[str], T]) -> T:
    """Reads a variable with a custom parser whose ValueError names the problem."""
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return parse(value)
    except ValueError as exc:
        raise ConfigError(f"{name}={value!r}: {exc}") from None


def parse_replication(value: str) -> dict[str, object]:
    """Parses SCYLLA_REPLICATION: ``1`` (SimpleStrategy, RF 1) or ``datacenter1:3,dc2:3``
    (NetworkTopologyStrategy with a factor per datacenter)."""
    if value.isdigit():
        return {"class": "SimpleStrategy", "replication_factor": int(value)}
    replication: dict[str, object] = {"class": "NetworkTopologyStrategy"}
    for part in value.split(","):
        dc, sep, factor = part.strip().partition(":")
        if not sep or not dc or not factor.isdigit() or int(factor) < 1:
            raise ValueError("expected a factor like 1, or datacenter1:3[,dc2:3]")
        replication[dc] = int(factor)
    return replication
