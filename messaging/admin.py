"""Django admin for the PostgreSQL side: chats (participants inline), templates, search index.

Message bodies live in CQL and are not editable here: a chat's page links to
its stored messages (``<chat>/stored-messages/``, newest first, paged by id,
with reactions, pins and the Telegram sync state), a read-only view for staff.
The search index is a follower of that store, so its admin is read-only
(repair it with ``manage.py reindex_search``, not by hand).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from messaging.api.fields import parse_snowflake
from messaging.models import Chat, MessageTemplate, Participant, SearchEntry
from messaging.selectors.chat_store import chat_store_page

if TYPE_CHECKING:
    # The admin classes are generic in django-stubs only (Django gives them no
    # __class_getitem__), so the model parameters exist for the type checker alone.
    _ParticipantInline = admin.TabularInline[Participant, Chat]
    _ChatAdmin = admin.ModelAdmin[Chat]
    _ParticipantAdmin = admin.ModelAdmin[Participant]
    _MessageTemplateAdmin = admin.ModelAdmin[MessageTemplate]
    _SearchEntryAdmin = admin.ModelAdmin[SearchEntry]
else:
    _ParticipantInline = admin.TabularInline
    _ChatAdmin = _ParticipantAdmin = _MessageTemplateAdmin = _SearchEntryAdmin = admin.ModelAdmin


class ParticipantInline(_ParticipantInline):
    model = Participant
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "role", "muted", "joined_at", "last_read_message_id", "unread_count")
    readonly_fields = ("joined_at", "last_read_message_id", "unread_count")


@admin.register(Chat)
class ChatAdmin(_ChatAdmin):
    list_display = ("name", "type", "archived", "created_by", "created_at", "updated_at")
    list_filter = ("type", "archived", "created_at")
    search_fields = ("name", "=id", "=telegram_chat_id", "created_by__username")
    raw_id_fields = ("created_by",)
    readonly_fields = ("id", "created_at", "updated_at", "stored_messages")
    date_hierarchy = "created_at"
    inlines = (ParticipantInline,)

    @admin.display(description="messages (CQL)")
    def stored_messages(self, chat: Chat) -> str:
        if chat.pk is None:
            return "-"
        url = reverse("admin:messaging_chat_stored_messages", args=[chat.pk])
        return format_html('<a href="{}">newest messages, reactions, pins, Telegram sync</a>', url)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(require_safe(self.stored_messages_view))
        own = [
            path(
                "<uuid:chat_id>/stored-messages/",
                view,
                name="messaging_chat_stored_messages",
            )
        ]
        return own + super().get_urls()

    def stored_messages_view(self, request: HttpRequest, chat_id: Any) -> HttpResponse:
        """Read-only: what the CQL store holds for the chat, 50 messages a page."""
        chat = Chat.objects.filter(pk=chat_id).first()
        if chat is None:
            raise Http404("No such chat.")
        if not self.has_view_permission(request, chat):
            raise PermissionDenied
        before = request.GET.get("before")
        before_id = parse_snowflake(before) if before else None
        if before and before_id is None:
            raise Http404("before must be a message id.")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Stored messages of {chat}",
            "chat": chat,
            "opts": self.model._meta,
            "before": before_id,
            "page": chat_store_page(chat_id=chat.pk, before_id=before_id),
        }
        return TemplateResponse(request, "admin/messaging/chat/stored_messages.html", context)


@admin.register(Participant)
class ParticipantAdmin(_ParticipantAdmin):
    list_display = ("chat", "user", "role", "muted", "unread_count", "joined_at")
    list_filter = ("role", "muted", "chat__type")
    search_fields = ("user__username", "chat__name", "=chat__id")
    raw_id_fields = ("chat", "user")
    list_select_related = ("chat", "user")


@admin.register(MessageTemplate)
class MessageTemplateAdmin(_MessageTemplateAdmin):
    list_display = ("name", "owner", "shared", "updated_at")
    list_filter = ("shared", "updated_at")
    search_fields = ("name", "body", "owner__username")
    raw_id_fields = ("owner",)
    list_select_related = ("owner",)


@admin.register(SearchEntry)
class SearchEntryAdmin(_SearchEntryAdmin):
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
