"""API tokens and the right to log in: issued, expired, revoked, in one place.

Every change of a user's API token or of their active flag or password goes
through ``credentials_changed``, whether it comes from the API (login, logout),
the admin, ``manage.py changepassword`` or any other ``save()``: the model
signals below call it. Issue 14 will cache authentication (token -> user, and
whether the user is active) in Redis; that cache must be dropped for the user
in ``credentials_changed`` and nowhere else, so no path can leave a revoked
token or a deactivated user authenticated.

A token lives ``AUTH_TOKEN_TTL_HOURS`` from its creation (DRF's ``Token``
keeps ``created``); logging in again after that gives a new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from messaging.caching import InvalidatingCache

# token digest -> the Token with its user (password deferred): see messaging.caching.
_tokens = InvalidatingCache("auth-token")


def _digest(key: str) -> str:
    """Tokens are secrets: the cache is keyed by their hash, never by the key itself."""
    return hashlib.sha256(key.encode()).hexdigest()


def credentials_changed(
    *, user_id: int, revoke_tokens: bool, token_keys: Iterable[str] = ()
) -> None:
    """The single invalidation point of a user's authentication (see the module's text).

    Forgets the cached authentication of every token of the user (and of
    ``token_keys``, tokens already deleted) in every process, then, with
    ``revoke_tokens``, deletes every API token of the user (logout, deactivation,
    a new password, an expired token being replaced).
    """
    keys = {*token_keys, *Token.objects.filter(user_id=user_id).values_list("key", flat=True)}
    _tokens.forget(_digest(key) for key in keys)
    if revoke_tokens:
        Token.objects.filter(user_id=user_id).delete()


def token_lifetime() -> timedelta:
    return timedelta(hours=settings.AUTH_TOKEN_TTL_HOURS)


def token_expired(token: Token) -> bool:
    created: datetime = token.created  # the stub declares the column, not its value
    return created + token_lifetime() <= timezone.now()


def token_issue(user: Any) -> Token:
    """The user's live token, or a new one (the expired one revoked first)."""
    token = Token.objects.filter(user=user).first()
    if token is not None and not token_expired(token):
        return token
    credentials_changed(user_id=user.pk, revoke_tokens=True)
    return Token.objects.create(user=user)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens older than AUTH_TOKEN_TTL_HOURS."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        """The token's user: from the cache (one Redis round trip) or PostgreSQL, which fills it."""
        digest = _digest(key)
        token: Token | None = _tokens.get(digest)
        if token is None:
            try:
                token = Token.objects.select_related("user").defer("user__password").get(key=key)
            except Token.DoesNotExist:
                raise AuthenticationFailed("Invalid token.") from None
            _tokens.fill({digest: token})
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        if token_expired(token):
            raise AuthenticationFailed("Token has expired; log in again at /api/auth/token/.")
        return token.user, token


@receiver(post_save, sender=Token)
@receiver(post_delete, sender=Token)
def _token_changed(sender: Any, instance: Token, created: bool = False, **kwargs: Any) -> None:
    if created:
        return  # a new key: nothing of it is cached
    credentials_changed(user_id=instance.user_id, revoke_tokens=False, token_keys=[instance.key])


@receiver(pre_save)
def _user_saving(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """Any change of a user, however it is saved, ends here: the cached authentication
    carries the user (name, flags), and a new password or deactivation revokes the tokens."""
    if sender is not get_user_model() or instance.pk is None:
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # each login: nothing that authentication shows
    stored = sender.objects.filter(pk=instance.pk).values("password").first()
    if stored is None:
        return
    new_password = stored["password"] != instance.password
    credentials_changed(user_id=instance.pk, revoke_tokens=new_password or not instance.is_active)
