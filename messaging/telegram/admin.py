"""Admin for the Telegram bridge: sender links, handled updates, linked chats and their sync.

The sync state lives in CQL, so it is shown read-only beside each linked chat
(the "Telegram-linked chats" page, one state read per listed chat).
``telegram_sync_display`` renders it for any admin that shows a ``Chat``: the
chat admin can list it in ``readonly_fields``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from messaging.models import Chat
from messaging.scylla import MessageStoreError
from messaging.selectors.telegram_sync import TelegramSyncState, telegram_sync_state
from messaging.telegram.models import ProcessedUpdate, TelegramChat, TelegramUserLink

if TYPE_CHECKING:
    # ModelAdmin is generic in django-stubs only (Django gives it no __class_getitem__),
    # so the model parameters exist for the type checker alone.
    _TelegramChatAdmin = admin.ModelAdmin[TelegramChat]
    _TelegramUserLinkAdmin = admin.ModelAdmin[TelegramUserLink]
    _ProcessedUpdateAdmin = admin.ModelAdmin[ProcessedUpdate]
else:
    _TelegramChatAdmin = _TelegramUserLinkAdmin = _ProcessedUpdateAdmin = admin.ModelAdmin


def sync_state_of(chat: Chat) -> TelegramSyncState | None:
    """The chat's sync state, read once per object shown (several columns use it)."""
    cached: TelegramSyncState | str | None = getattr(chat, "_telegram_sync_state", "unread")
    if cached == "unread":
        try:
            cached = telegram_sync_state(chat_id=chat.pk)
        except MessageStoreError:
            cached = None
        chat._telegram_sync_state = cached  # type: ignore[attr-defined]
    return cached if isinstance(cached, TelegramSyncState) else None


@admin.display(description="Telegram sync")
def telegram_sync_display(chat: Chat) -> str:
    """One line: status, newest Telegram message, imported count, last sync, last error."""
    if chat.telegram_chat_id is None:
        return "not linked"
    state = sync_state_of(chat)
    if state is None:
        return "linked; no sync state (store unavailable or never synced)"
    parts = [
        state.status or "-",
        f"last Telegram message {state.last_telegram_message_id or '-'}",
        f"{state.imported_count} imported",
        f"synced {state.last_sync_at:%Y-%m-%d %H:%M:%S}Z" if state.last_sync_at else "never synced",
    ]
    if state.last_error:
        parts.append(f"error: {state.last_error}")
    return "; ".join(parts)


@admin.register(TelegramChat)
class TelegramChatAdmin(_TelegramChatAdmin):
    list_display = (
        "name",
        "telegram_chat_id",
        "sync_status",
        "last_telegram_message",
        "imported",
        "last_sync",
        "last_error",
        "chat_link",
    )
    search_fields = ("name", "=id", "=telegram_chat_id")
    readonly_fields = ("name", "type", "telegram_chat_id", "sync", "chat_link")
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[TelegramChat]:
        return super().get_queryset(request).filter(telegram_chat_id__isnull=False)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="status")
    def sync_status(self, chat: Chat) -> str:
        state = sync_state_of(chat)
        return (state.status if state else None) or "-"

    @admin.display(description="last Telegram message")
    def last_telegram_message(self, chat: Chat) -> str:
        state = sync_state_of(chat)
        return (
            str(state.last_telegram_message_id) if state and state.last_telegram_message_id else "-"
        )

    @admin.display(description="imported")
    def imported(self, chat: Chat) -> int:
        state = sync_state_of(chat)
        return state.imported_count if state else 0

    @admin.display(description="last sync")
    def last_sync(self, chat: Chat) -> str:
        state = sync_state_of(chat)
        return f"{state.last_sync_at:%Y-%m-%d %H:%M:%S}Z" if state and state.last_sync_at else "-"

    @admin.display(description="last error")
    def last_error(self, chat: Chat) -> str:
        state = sync_state_of(chat)
        return (state.last_error if state else None) or ""

    @admin.display(description="sync state")
    def sync(self, chat: Chat) -> str:
        return telegram_sync_display(chat)

    @admin.display(description="chat")
    def chat_link(self, chat: Chat) -> str:
        url = reverse("admin:messaging_chat_change", args=[chat.pk])
        return format_html('<a href="{}">edit chat</a>', url)


@admin.register(TelegramUserLink)
class TelegramUserLinkAdmin(_TelegramUserLinkAdmin):
    list_display = ("telegram_peer", "telegram_name", "user", "is_placeholder", "created_at")
    list_filter = ("is_placeholder",)
    search_fields = ("=telegram_peer", "telegram_name", "user__username")
    raw_id_fields = ("user",)
    readonly_fields = ("created_at",)


@admin.register(ProcessedUpdate)
class ProcessedUpdateAdmin(_ProcessedUpdateAdmin):
    list_display = ("update_id", "kind", "received_at")
    list_filter = ("kind",)
    search_fields = ("=update_id",)
    date_hierarchy = "received_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
