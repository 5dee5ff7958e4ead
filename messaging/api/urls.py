"""Routes of the messaging API, relative to where the project mounts them (``api/``).

Chats, templates and search are router resources; messages and pins are
nested under a chat (``chats/{chat_id}/messages/``), registered on the same
router with the chat id in their prefix. Participants and the read position
are actions of the chat resource.
"""

from rest_framework.routers import DefaultRouter

from messaging.api.views.chats import ChatViewSet
from messaging.api.views.messages import MessageViewSet
from messaging.api.views.pins import PinViewSet
from messaging.api.views.search import SearchViewSet
from messaging.api.views.templates import TemplateViewSet

CHAT = r"chats/(?P<chat_id>[^/.]+)"

router = DefaultRouter()
router.register("chats", ChatViewSet, basename="chat")
router.register(f"{CHAT}/messages", MessageViewSet, basename="chat-message")
router.register(f"{CHAT}/pins", PinViewSet, basename="chat-pin")
router.register("templates", TemplateViewSet, basename="template")
router.register("search", SearchViewSet, basename="search")

urlpatterns = router.urls
