"""The follower outbox: a durable record of PostgreSQL work a message write still owes.

A message write goes to CQL first, then its followers update PostgreSQL (the
search/unread ledger, the sender's read position, chat ordering). If
PostgreSQL fails between the two, the message is stored but the followers
are not. So before the CQL write the use case commits a ``FollowerTask``
(in the same transaction as the ``Idempotency-Key`` claim when there is one);
the followers delete it in the transaction that does their work. A task
still here after ``due_at`` is work that failed: the outbox drainer
(``messaging.services.outbox``) redoes it from what CQL holds, with retries.

A task names a message and what happened to it, not the rows to write: healing
reconciles the ledger with the message as CQL has it now, so replaying a
task twice, late, or after a later edit or delete is harmless. Issue 14's
send can put its own search and unread work here in one transaction with the
claim by adding a kind.
"""

from __future__ import annotations

from django.db import models


class FollowUp(models.TextChoices):
    SEND = "send"
    EDIT = "edit"
    DELETE = "delete"


class FollowerTask(models.Model):
    chat_id = models.UUIDField()
    message_id = models.BigIntegerField()
    kind = models.CharField(max_length=16, choices=FollowUp.choices)
    # The sender of a send (whose read position moves); null for the others.
    user_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Before this the request that wrote the task may still be doing the work itself.
    due_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "pending follow-up"
        indexes = [models.Index(fields=["due_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.chat_id}/{self.message_id}"
