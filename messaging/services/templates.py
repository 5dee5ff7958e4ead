"""Message templates: CRUD by their owner, and rendering with values.

Placeholders are ``{name}`` (letters, digits, underscore); ``{{`` and ``}}``
write literal braces. Rendering is plain substitution, not ``str.format``:
format strings can reach attributes (``{x.__class__}``), and template bodies
are user input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from messaging.errors import InvalidInput, NotPermitted
from messaging.models import MessageTemplate

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}|[{}]")


def template_placeholders(body: str) -> list[str]:
    """The placeholder names of a body, in order of first use; stray braces are refused."""
    names: list[str] = []
    for match in _TOKEN.finditer(body):
        token = match.group(0)
        if token in ("{", "}"):
            raise InvalidInput(
                "body", "A brace must open a {placeholder} or be doubled ({{ or }})."
            )
        name = match.group(1)
        if name and name not in names:
            names.append(name)
    return names


def template_render(*, template: MessageTemplate, values: Mapping[str, Any]) -> str:
    """The body with every placeholder replaced; a missing value is a 400 on ``template``."""
    missing = [name for name in template_placeholders(template.body) if name not in values]
    if missing:
        raise InvalidInput("template", f"Missing values for: {', '.join(missing)}.")

    def substitute(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return str(values[match.group(1)])

    return _TOKEN.sub(substitute, template.body)


def template_create(*, owner: Any, name: str, body: str, shared: bool = False) -> MessageTemplate:
    template_placeholders(body)
    try:
        with transaction.atomic():
            return MessageTemplate.objects.create(owner=owner, name=name, body=body, shared=shared)
    except IntegrityError:
        raise InvalidInput("name", "You already have a template with this name.") from None


def template_update(
    *,
    actor: Any,
    template: MessageTemplate,
    name: str | None = None,
    body: str | None = None,
    shared: bool | None = None,
) -> MessageTemplate:
    """Changes a template; shared templates are read-only to everyone but their owner."""
    if template.owner_id != actor.pk:
        raise NotPermitted("Only the template's owner can change it.")
    if body is not None:
        template_placeholders(body)
        template.body = body
    if name is not None:
        template.name = name
    if shared is not None:
        template.shared = shared
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise InvalidInput("name", "You already have a template with this name.") from None
    return template


def template_delete(*, actor: Any, template: MessageTemplate) -> None:
    if template.owner_id != actor.pk:
        raise NotPermitted("Only the template's owner can delete it.")
    template.delete()
