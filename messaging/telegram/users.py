"""Telegram senders -> WellWon users, through ``TelegramUserLink``.

A sender seen for the first time gets a placeholder account (username
``tg_<peer>``, its Telegram name as first name, an unusable password), so
every imported message has a real ``sender_id`` from the start; an admin can
later point the link at the person's own account. Lookups are batched: an
import resolves a whole batch's senders with one query.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from messaging.telegram.ids import Peer
from messaging.telegram.models import TelegramUserLink

PLACEHOLDER_PREFIX = "tg_"
BRIDGE_USERNAME = "telegram_bridge"
_NAME_LENGTH = 150  # django.contrib.auth's first_name and username
_NAME_ATTEMPTS = 20


def bridge_user() -> object:
    """The account that owns chats the bridge creates (``--chat auto``); it cannot log in."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=BRIDGE_USERNAME).first()
    if user is None:
        try:
            with transaction.atomic():
                user = user_model.objects.create_user(
                    username=BRIDGE_USERNAME, first_name="Telegram bridge"
                )
        except IntegrityError:  # created concurrently
            user = user_model.objects.get(username=BRIDGE_USERNAME)
    return user


def user_ids_for(peers: Iterable[Peer]) -> dict[str, int]:
    """``peer.key`` -> WellWon user id for every peer, creating placeholders for new ones."""
    wanted = {peer.key: peer for peer in peers}
    found = dict(
        TelegramUserLink.objects.filter(telegram_peer__in=wanted).values_list(
            "telegram_peer", "user_id"
        )
    )
    for key, peer in wanted.items():
        if key not in found:
            found[key] = _link_placeholder(peer)
    return found


def linked_user_ids(peers: Iterable[Peer]) -> dict[str, int]:
    """``peer.key`` -> user id for peers already linked (no placeholders: for mentions)."""
    keys = {peer.key for peer in peers}
    if not keys:
        return {}
    return dict(
        TelegramUserLink.objects.filter(telegram_peer__in=keys).values_list(
            "telegram_peer", "user_id"
        )
    )


def _link_placeholder(peer: Peer) -> int:
    """Creates the placeholder and its link in one transaction; a lost race returns the winner's.

    The username is ``tg_<peer>``, or ``tg_<peer>_N`` when someone already holds that name:
    an existing account is never taken over.
    """
    user_model = get_user_model()
    base = f"{PLACEHOLDER_PREFIX}{peer.key}"
    name = (peer.name or "").replace("\x00", "")  # Telegram allows NUL; PostgreSQL text does not
    for attempt in range(_NAME_ATTEMPTS):
        username = base if attempt == 0 else f"{base}_{attempt}"
        try:
            with transaction.atomic():
                user = user_model.objects.create_user(
                    username=username, first_name=(name or base)[:_NAME_LENGTH]
                )
                TelegramUserLink.objects.create(
                    telegram_peer=peer.key,
                    user=user,
                    telegram_name=name[:255],
                    is_placeholder=True,
                )
                return int(user.pk)
        except IntegrityError:
            linked = TelegramUserLink.objects.filter(telegram_peer=peer.key).first()
            if linked is not None:  # another import or webhook linked it first
                return linked.user_id
    raise IntegrityError(f"no free placeholder username for {peer.key}")
