"""The answer for a URL no route matches: JSON under ``/api/``, Django's page elsewhere.

A path the API's routes do not match (``/api/chats/not-a-uuid/typing/``) is
answered by Django's handler, not DRF's, with an HTML page; an API client
gets DRF's ``{"detail": ...}`` shape instead. (With DEBUG on, Django shows its
technical page before this handler is asked.)
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
