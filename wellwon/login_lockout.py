"""The answer to a login refused by django-axes: JSON under ``/api/``, axes' own elsewhere.

The token view is an API endpoint, so its lockout has the API's error shape
(``{"detail": ...}``) with ``Retry-After``, like DRF's throttling; the admin
and the browsable API's login page keep axes' plain-text 429.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off, get_lockout_message
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    status: int = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    cool_off = get_cool_off(request)
    seconds = max(1, int(cool_off.total_seconds())) if cool_off else None
    if request.path.startswith("/api/"):
        detail = "Too many failed logins for this account from this address; try again later."
        if seconds is not None:
            detail = f"{detail[: -len('later.')]}in {seconds} seconds."
        response: HttpResponse = JsonResponse({"detail": detail}, status=status)
    else:
        response = HttpResponse(get_lockout_message(), status=status)
    if seconds is not None:
        response["Retry-After"] = str(seconds)
    return response
