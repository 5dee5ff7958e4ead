"""The product's URLs plus the bare Django page view, for the benchmark's server only."""

from django.urls import path

from benchmarks.bare_views import message_page
from wellwon.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/bare/chats/<str:chat_id>/messages/", message_page, name="bench-bare-messages"),
    *product_urlpatterns,
]
