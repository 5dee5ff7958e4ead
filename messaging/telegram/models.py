"""PostgreSQL side of the Telegram bridge: who a Telegram sender is, which updates were seen.

``TelegramUserLink`` ties a Telegram peer to a WellWon user. Keys use the
export's spelling (``user123``, ``channel123``, ``chat123``); the Bot API's
numeric user id 123 is ``user123`` too, so both sources find the same link.
Unknown senders get a placeholder user (``tg_user123``, unusable password)
that an admin can later re-point at the real account.

``TelegramChat`` is a proxy of ``Chat`` for the admin page listing linked
chats with their ``telegram_sync_state``.

``ProcessedUpdate`` remembers the Bot API ``update_id`` of every handled
webhook delivery: Telegram retries a delivery it thinks failed, and the retry
must not be applied twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from messaging.models import Chat


class TelegramUserLink(models.Model):
    telegram_peer = models.CharField(
        max_length=40,
        unique=True,
        help_text='Sender as the export writes it: "user123", "channel9".',
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_links"
    )
    telegram_name = models.CharField(max_length=255, blank=True)
    is_placeholder = models.BooleanField(
        default=False, help_text="Created by the bridge for a sender nobody had linked yet."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Telegram user link"

    def __str__(self) -> str:
        return f"{self.telegram_peer} -> {self.user_id}"


class ProcessedUpdate(models.Model):
    update_id = models.BigIntegerField(unique=True)
    kind = models.CharField(max_length=40, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "processed webhook update"
        ordering = ("-received_at",)

    def __str__(self) -> str:
        return f"update {self.update_id} ({self.kind or 'ignored'})"


class TelegramChat(Chat):
    """Chats linked to Telegram, for the admin page that shows their sync state (CQL)."""

    class Meta:
        proxy = True
        verbose_name = "Telegram-linked chat"
