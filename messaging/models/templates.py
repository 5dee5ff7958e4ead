"""Message templates: reusable bodies with ``{placeholder}`` fields.

A template belongs to its owner; ``shared`` makes it visible (read-only) to
every user. Rendering lives in ``messaging.services.templates``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MessageTemplate(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_templates"
    )
    name = models.CharField(max_length=100)
    body = models.TextField()
    shared = models.BooleanField(default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="template_unique_owner_name")
        ]

    def __str__(self) -> str:
        return self.name
