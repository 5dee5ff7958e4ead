"""The presence app's URLs; a project mounts them with ``path("api/", include("presence.urls"))``.

Names live in the ``presence`` namespace: ``presence:presence``, ``presence:chat-typing``.
"""

from django.urls import include, path

app_name = "presence"

urlpatterns = [path("", include("presence.api.urls"))]
