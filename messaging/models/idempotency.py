"""Idempotency keys of message posts: (user, key) -> the message id chosen for it.

The message id is chosen and recorded here *before* the CQL write, so a
retry after a timeout (the first attempt may or may not have stored the
message) replays the send with the same id: CQL inserts by primary key are
overwrites and the followers are keyed by message id, so the retry converges
on one message instead of creating a second one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from messaging.models.chats import Chat


class IdempotencyKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="+")
    message_id = models.BigIntegerField()
    # Hash of the request body: the same key with another body is refused, not replayed.
    request_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key} -> {self.message_id}"
