"""Routes of the presence API, relative to where the project mounts them (``api/``)."""

from django.urls import path

from presence.api.views import ChatTypingView, PresenceView

urlpatterns = [
    path("presence/", PresenceView.as_view(), name="presence"),
    path("chats/<uuid:chat_id>/typing/", ChatTypingView.as_view(), name="chat-typing"),
]
