"""Who may call what: authentication, then chat membership, then role.

Authentication is DRF's ``IsAuthenticated`` (401 for anonymous callers, since
token authentication is listed first and answers with ``WWW-Authenticate``).
Membership is resolved once per request from the ``chat_id`` in the URL by
``ChatScopedMixin``: not a participant -> 404, exactly as for a chat that does
not exist. Roles (owner/admin/member, sender of a message) are checked by the
services, which raise ``NotPermitted`` -> 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from messaging.models import Participant
from messaging.selectors import participant_get


class ChatScopedMixin:
    """For views under ``/api/chats/{chat_id}/``: the caller's participant row, or 404."""

    chat_url_kwarg = "chat_id"
    kwargs: dict[str, Any]
    request: Any

    def get_queryset(self) -> QuerySet[Participant]:
        """The caller's membership of the chat in the URL.

        Messages are not ORM rows; DRF's generic machinery (the browsable
        API's filter form, the schema generator) still asks for a queryset.
        """
        if getattr(self, "swagger_fake_view", False):
            return Participant.objects.none()
        return Participant.objects.filter(pk=self.get_participant().pk)

    def get_participant(self) -> Participant:
        cached: Participant | None = getattr(self, "_participant", None)
        if cached is None:
            cached = participant_get(
                user=self.request.user, chat_id=self.kwargs[self.chat_url_kwarg]
            )
            self._participant = cached
        return cached
