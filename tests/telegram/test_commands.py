"""``telegram_link`` and ``telegram_sync_status`` against the real stores."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from messaging.models import Chat
from messaging.services.chats import chat_create
from messaging.services.telegram_sync import FAILED, sync_record
from messaging.stores import message_repo
from tests.messaging.api_support import make_user
from tests.telegram.support import channel_id_of, fresh_bare_id

pytestmark = pytest.mark.usefixtures("stores")


def command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def new_chat(name: str = "mirror") -> Chat:
    return chat_create(creator=make_user("owner"), name=name, type="group")


class TestLink:
    def test_link_writes_the_chat_and_its_sync_state(self) -> None:
        chat = new_chat()
        telegram_id = channel_id_of(fresh_bare_id())
        assert "mirrors Telegram chat" in command("telegram_link", str(chat.pk), str(telegram_id))
        chat.refresh_from_db()
        assert chat.telegram_chat_id == telegram_id
        state = message_repo().get_telegram_sync_state(chat.pk)
        assert state is not None
        assert (state.telegram_chat_id, state.status, state.imported_count) == (
            telegram_id,
            "idle",
            0,
        )
        command("telegram_link", str(chat.pk), str(telegram_id))  # again: no change

    def test_export_id_converted_by_type(self) -> None:
        chat = new_chat()
        bare = fresh_bare_id()
        command("telegram_link", str(chat.pk), str(bare), "--type", "public_channel")
        chat.refresh_from_db()
        assert chat.telegram_chat_id == channel_id_of(bare)

    def test_contradicting_links_refused(self) -> None:
        first, second = new_chat(), new_chat()
        telegram_id = channel_id_of(fresh_bare_id())
        command("telegram_link", str(first.pk), str(telegram_id))
        with pytest.raises(CommandError, match="already mirrored by chat"):
            command("telegram_link", str(second.pk), str(telegram_id))
        with pytest.raises(CommandError, match="unlink it first"):
            command("telegram_link", str(first.pk), str(channel_id_of(fresh_bare_id())))

    def test_unlink(self) -> None:
        chat = new_chat()
        command("telegram_link", str(chat.pk), str(channel_id_of(fresh_bare_id())))
        command("telegram_link", str(chat.pk), "--unlink")
        chat.refresh_from_db()
        assert chat.telegram_chat_id is None

    @pytest.mark.parametrize(
        ("args", "reason"),
        [
            (("not-a-uuid", "5"), "UUID"),
            (("00000000-0000-0000-0000-000000000000", "5"), "no chat"),
        ],
    )
    def test_bad_arguments(self, args: tuple[str, ...], reason: str) -> None:
        with pytest.raises(CommandError, match=reason):
            command("telegram_link", *args)

    def test_missing_telegram_id(self) -> None:
        with pytest.raises(CommandError, match="give the Telegram chat id"):
            command("telegram_link", str(new_chat().pk))


class TestSyncStatus:
    def test_lists_linked_chats_with_state_and_errors(self) -> None:
        healthy, broken = new_chat("healthy chat"), new_chat("broken chat")
        healthy_id, broken_id = channel_id_of(fresh_bare_id()), channel_id_of(fresh_bare_id())
        command("telegram_link", str(healthy.pk), str(healthy_id))
        command("telegram_link", str(broken.pk), str(broken_id))
        sync_record(
            broken.pk,
            status=FAILED,
            last_telegram_message_id=41,
            imported_count=40,
            error="messages[41]: date_unixtime (or date) is missing",
        )
        out = command("telegram_sync_status")
        assert str(healthy.pk) in out and str(healthy_id) in out
        broken_line = next(line for line in out.splitlines() if str(broken.pk) in line)
        assert "failed" in broken_line and "41" in broken_line and "40" in broken_line
        assert "last error: messages[41]: date_unixtime (or date) is missing" in out
        only_errors = command("telegram_sync_status", "--errors")
        assert str(broken.pk) in only_errors
        assert str(healthy.pk) not in only_errors


class TestAdmin:
    def test_linked_chats_show_their_sync_state(self) -> None:
        from django.test import Client

        chat = new_chat("admin-visible chat")
        telegram_id = channel_id_of(fresh_bare_id())
        command("telegram_link", str(chat.pk), str(telegram_id))
        sync_record(chat.pk, status=FAILED, error="messages[3]: broken")
        client = Client()
        client.force_login(make_user("root", is_staff=True, is_superuser=True))
        listing = client.get("/admin/telegram/telegramchat/")
        assert listing.status_code == 200
        body = listing.content.decode()
        assert "admin-visible chat" in body and "failed" in body and "messages[3]: broken" in body
        detail = client.get(f"/admin/telegram/telegramchat/{chat.pk}/change/")
        assert detail.status_code == 200
        assert "failed; last Telegram message" in detail.content.decode()
        for page in ("telegramuserlink", "processedupdate"):
            assert client.get(f"/admin/telegram/{page}/").status_code == 200
