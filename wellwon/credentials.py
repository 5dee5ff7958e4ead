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

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def credentials_changed(*, user_id: int, revoke_tokens: bool) -> None:
    """The single invalidation point of a user's authentication (see the module's text).

    ``revoke_tokens``: delete every API token of the user (logout, deactivation, a new
    password, an expired token being replaced).
    """
    if revoke_tokens:
        Token.objects.filter(user_id=user_id).delete()


def token_lifetime() -> timedelta:
    return timedelta(hours=settings.AUTH_TOKEN_TTL_HOURS)


def token_expired(token: Token) -> bool:
    return token.created + token_lifetime() <= timezone.now()


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
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise AuthenticationFailed("Token has expired; log in again at /api/auth/token/.")
        return user, token


@receiver(post_save, sender=Token)
@receiver(post_delete, sender=Token)
def _token_changed(sender: Any, instance: Token, **kwargs: Any) -> None:
    credentials_changed(user_id=instance.user_id, revoke_tokens=False)


@receiver(pre_save)
def _user_saving(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A new password or a change of the active flag, however it is saved, ends here."""
    if sender is not get_user_model() or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. last_login on each login: nothing to compare
    stored = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    new_password = stored["password"] != instance.password
    if new_password or stored["is_active"] != instance.is_active:
        credentials_changed(
            user_id=instance.pk, revoke_tokens=new_password or not instance.is_active
        )
