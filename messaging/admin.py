"""Django admin for the PostgreSQL side: chats (participants inline), templates, search index.

Message bodies live in CQL and are not editable here; the search index is a
follower of that store, so its admin is read-only (repair it with
``manage.py reindex_search``, not by hand).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from messaging.models import Chat, MessageTemplate, Participant, SearchEntry


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "role", "muted", "joined_at", "last_read_message_id", "unread_count")
    readonly_fields = ("joined_at", "last_read_message_id", "unread_count")


@admin.register(Chat)
class ChatAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "archived", "created_by", "created_at", "updated_at")
    list_filter = ("type", "archived", "created_at")
    search_fields = ("name", "=id", "=telegram_chat_id", "created_by__username")
    raw_id_fields = ("created_by",)
    readonly_fields = ("id", "created_at", "updated_at")
    date_hierarchy = "created_at"
    inlines = (ParticipantInline,)


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("chat", "user", "role", "muted", "unread_count", "joined_at")
    list_filter = ("role", "muted", "chat__type")
    search_fields = ("user__username", "chat__name", "=chat__id")
    raw_id_fields = ("chat", "user")
    list_select_related = ("chat", "user")


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "shared", "updated_at")
    list_filter = ("shared", "updated_at")
    search_fields = ("name", "body", "owner__username")
    raw_id_fields = ("owner",)
    list_select_related = ("owner",)


@admin.register(SearchEntry)
class SearchEntryAdmin(admin.ModelAdmin):
    list_display = ("message_id", "chat", "sender", "created_at", "short_content")
    list_filter = ("chat__type", "created_at")
    search_fields = ("content", "=message_id", "=chat__id", "sender__username")
    list_select_related = ("chat", "sender")
    date_hierarchy = "created_at"
    exclude = ("search_vector",)

    @admin.display(description="content")
    def short_content(self, obj: SearchEntry) -> str:
        return obj.content if len(obj.content) <= 80 else obj.content[:79] + "…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
