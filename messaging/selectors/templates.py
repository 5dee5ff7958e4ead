"""Reads of message templates: mine, and everyone's shared ones."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from messaging.errors import TemplateNotFound
from messaging.models import MessageTemplate


def templates_visible_to(*, user: Any) -> QuerySet[MessageTemplate]:
    """Templates the user owns, and every shared one."""
    return MessageTemplate.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner")


def template_get(*, user: Any, template_id: Any) -> MessageTemplate:
    try:
        return templates_visible_to(user=user).get(pk=int(template_id))
    except (MessageTemplate.DoesNotExist, TypeError, ValueError, OverflowError):
        raise TemplateNotFound() from None
