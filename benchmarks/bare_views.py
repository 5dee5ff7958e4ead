"""The bare Django baseline of ``GET /api/chats/{id}/messages/``: the same page, no DRF.

Same stores, same round trips as the API view: the token lookup DRF's
``TokenAuthentication`` does, ``participant_get``, the ``message_page``
selector (CQL page, sender profiles, reactions), then a hand-written dict per
message in the API's shape (``message_representation``, which the API view
uses too) and a plain ``JsonResponse``. What DRF adds on top
(request wrapping, content negotiation, query and output serializers,
renderer) is the difference between the two endpoints' figures.
Mounted only by ``benchmarks.urls``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from rest_framework.authtoken.models import Token

from messaging.api.serializers.messages import message_representation
from messaging.errors import ChatNotFound
from messaging.selectors import participant_get
from messaging.selectors.messages import message_page as select_page

PAGE_LIMIT = 50
COMPACT = {"separators": (",", ":"), "ensure_ascii": False}  # the same bytes as DRF's renderer


def _token_user(request: HttpRequest) -> Any:
    words = request.headers.get("Authorization", "").split()
    if len(words) != 2 or words[0] != "Token":
        return None
    token = Token.objects.select_related("user").filter(key=words[1]).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


def message_page(request: HttpRequest, chat_id: str) -> JsonResponse:
    """The newest page only (the benchmark's request); ``?limit=`` 1 to 100."""
    user = _token_user(request)
    if user is None:
        return JsonResponse({"detail": "Authentication required."}, status=401)
    try:
        participant = participant_get(user=user, chat_id=chat_id)
    except ChatNotFound:
        return JsonResponse({"detail": "Not found."}, status=404)
    raw = request.GET.get("limit", str(PAGE_LIMIT))
    if not (raw.isdigit() and 1 <= int(raw) <= 100):
        return JsonResponse({"limit": ["An integer from 1 to 100."]}, status=400)
    limit = int(raw)
    page = select_page(participant=participant, limit=limit)
    base = request.build_absolute_uri(request.path)
    older = None if page.older_than is None else f"{base}?limit={limit}&before={page.older_than}"
    newer = None if page.newer_than is None else f"{base}?limit={limit}&after={page.newer_than}"
    return JsonResponse(
        {
            "next": older,
            "previous": newer,
            "results": [message_representation(v) for v in page.messages],
        },
        json_dumps_params=COMPACT,
    )
