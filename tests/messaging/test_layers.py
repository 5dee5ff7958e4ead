"""Who may import whom: the seams the code relies on, checked on the source itself.

- The Telegram bridge only turns exports and updates into use-case calls: it
  imports no repository, no store factory and no services internals.
- Selectors read and services write: no selector imports a service.
- The app's own settings are read only in its ``conf`` modules.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

APP = Path(settings.BASE_DIR) / "messaging"
SERVICE_INTERNALS = (
    "messaging.services.followers",
    "messaging.services.batch_followers",
    "messaging.services.ledger",
    "messaging.services.unread",
    "messaging.services.search_index",
)
# Django's own settings, read where Django itself would (model fields, the request parser).
# Settings of Django, DRF (api_settings) and Channels themselves, read where they are used.
DJANGO_SETTINGS = {
    "AUTH_USER_MODEL",
    "DEFAULT_CHARSET",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "ALLOWED_HOSTS",
    "DEBUG",
    "CHANNEL_LAYERS",
    "DEFAULT_AUTHENTICATION_CLASSES",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def sources(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", sources(APP / "telegram"), ids=lambda p: p.name)
def test_the_bridge_reaches_the_stores_only_through_use_cases(path: Path) -> None:
    forbidden = [
        module
        for module in imported_modules(path)
        if module.startswith(("messaging.repository", "messaging.stores"))
        or module.startswith(SERVICE_INTERNALS)
    ]
    assert forbidden == [], f"{path.name} imports {forbidden}"


@pytest.mark.parametrize("path", sources(APP / "selectors"), ids=lambda p: p.name)
def test_no_selector_imports_a_service(path: Path) -> None:
    services = [m for m in imported_modules(path) if m.startswith("messaging.services")]
    assert services == [], f"{path.name} imports {services}"


def test_settings_are_read_only_in_the_conf_modules() -> None:
    reads = re.compile(r"getattr\(settings,\s*\"(\w+)\"|settings\.([A-Z_]+)")
    offenders = []
    for path in sources(APP):
        if path.name == "conf.py":
            continue
        for match in reads.finditer(path.read_text(encoding="utf-8")):
            name = match.group(1) or match.group(2)
            if name not in DJANGO_SETTINGS:
                offenders.append(f"{path.relative_to(APP)}: {name}")
    assert offenders == []
