"""The answer for a URL no route matches: JSON under ``/api/``, Django's page elsewhere.

A path the API's routes do not match (``/api/chats/not-a-uuid/typing/``,
``/api/chats/0.5/pins/``) would be answered by Django itself: its HTML page,
or with DEBUG on its technical 404 page, which no handler replaces. The last
route of the project (``api_not_found``) matches whatever else is under
``/api/`` and ends with a slash, so an API client gets DRF's ``{"detail": ...}``
shape whatever DEBUG says; ``handler404`` covers the rest (a path without its
slash, which CommonMiddleware would otherwise redirect).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

#: What ``api_not_found`` is mounted on: anything under api/ that ends with a slash.
API_CATCH_ALL = r"^api/(?:.*/)?$"


def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "Not found."}, status=404)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)
