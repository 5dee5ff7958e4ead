"""Fixtures of the Telegram suite: the documented formats, as files under ``fixtures/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def supergroup_export() -> dict[str, Any]:
    return load_fixture("supergroup_export.json")


@pytest.fixture
def bot_updates() -> dict[str, Any]:
    return load_fixture("bot_updates.json")
