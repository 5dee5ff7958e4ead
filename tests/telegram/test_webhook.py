"""``POST /api/telegram/webhook/`` with Bot API updates, against the real stores."""

from __future__ import annotations

import copy
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from prometheus_client import REGISTRY
from rest_framework.test import APIClient

from messaging.models import Chat, SearchEntry
from messaging.stores import edit_history_repo, message_repo
from messaging.telegram.links import chat_unlink
from messaging.telegram.models import ProcessedUpdate, TelegramUserLink
from tests.telegram.support import (
    all_messages,
    by_telegram_id,
    channel_id_of,
    fresh_bare_id,
    linked_chat,
    retarget,
    supergroup_export,
    write_export,
)

URL = "/api/telegram/webhook/"
SECRET = "s3cret-token_for-tests"
HEADER = "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"


pytestmark = pytest.mark.usefixtures("stores")


@pytest.fixture(autouse=True)
def _secret() -> Any:
    with override_settings(TELEGRAM_WEBHOOK_SECRET=SECRET):
        yield


class Bot:
    """Telegram's side: delivers updates of one supergroup with fresh ids."""

    def __init__(self, fixtures: dict[str, Any], bare_id: int | None = None) -> None:
        self.fixtures = fixtures
        self.bare_id = bare_id or fresh_bare_id()
        self.chat_id = channel_id_of(self.bare_id)
        self.next_update_id = fresh_bare_id()

    def update(self, name: str, **changes: Any) -> dict[str, Any]:
        """The fixture update ``name`` for this chat, with a fresh update_id."""
        update = retarget(copy.deepcopy(self.fixtures[name]), self.chat_id)
        self.next_update_id += 1
        update["update_id"] = self.next_update_id
        body = next(v for k, v in update.items() if k != "update_id")
        body.update(changes)
        return update

    def deliver(self, update: Any, secret: str | None = SECRET) -> Any:
        headers = {HEADER: secret} if secret is not None else {}
        return APIClient().post(URL, update, format="json", **headers)


def delivered(outcome: str) -> float:
    """How many deliveries the webhook counted with this outcome (this process)."""
    found = REGISTRY.get_sample_value(
        "wellwon_telegram_webhook_updates_total", {"outcome": outcome}
    )
    return found or 0.0


def outcome(response: Any) -> str:
    assert response.status_code == 200, (response.status_code, response.content)
    result: str = response.json()["outcome"]
    return result


@pytest.fixture
def bot(bot_updates: dict[str, Any]) -> Bot:
    return Bot(bot_updates)


@pytest.fixture
def chat(bot: Bot) -> Chat:
    return linked_chat(bot.chat_id)


class TestAuthentication:
    @pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET.upper()])
    def test_wrong_or_missing_secret_is_403(self, bot: Bot, chat: Chat, secret: Any) -> None:
        response = bot.deliver(bot.update("supergroup_message"), secret=secret)
        assert response.status_code == 403
        assert all_messages(chat.pk) == []
        assert not ProcessedUpdate.objects.exists()

    def test_no_secret_configured_refuses_everything(self, bot: Bot, chat: Chat) -> None:
        with override_settings(TELEGRAM_WEBHOOK_SECRET=None):
            assert bot.deliver(bot.update("supergroup_message")).status_code == 403
            assert bot.deliver(bot.update("supergroup_message"), secret="").status_code == 403
        assert all_messages(chat.pk) == []

    def test_session_user_without_secret_is_refused(self, bot: Bot, chat: Chat) -> None:
        from tests.messaging.api_support import make_user

        client = APIClient()
        client.force_login(make_user("admin", is_staff=True, is_superuser=True))
        response = client.post(URL, bot.update("supergroup_message"), format="json")
        assert response.status_code == 403


class TestProcessedUpdates:
    def test_old_update_ids_are_pruned(self, bot: Bot, chat: Chat) -> None:
        from django.utils import timezone

        from messaging.telegram.updates import PROCESSED_UPDATE_RETENTION

        old = ProcessedUpdate.objects.create(update_id=bot.next_update_id - 500, kind="message")
        recent = ProcessedUpdate.objects.create(update_id=bot.next_update_id - 400, kind="")
        ProcessedUpdate.objects.filter(pk=old.pk).update(
            received_at=timezone.now() - PROCESSED_UPDATE_RETENTION - timedelta(minutes=1)
        )
        update = bot.update("callback_query")
        update["update_id"] = (update["update_id"] // 1000 + 1) * 1000
        assert outcome(bot.deliver(update)) == "ignored"
        assert not ProcessedUpdate.objects.filter(pk=old.pk).exists()
        assert ProcessedUpdate.objects.filter(pk=recent.pk).exists()


class TestMessages:
    def test_message_stored_once_across_replays(self, bot: Bot, chat: Chat) -> None:
        update = bot.update("supergroup_message")
        assert outcome(bot.deliver(update)) == "created"
        assert outcome(bot.deliver(update)) == "replayed"  # Telegram retried the delivery
        again = {**update, "update_id": update["update_id"] + 1000}
        assert outcome(bot.deliver(again)) == "duplicate"  # same message, new update id
        (stored,) = all_messages(chat.pk)
        assert stored.content.startswith("🎉 Released v2.0")
        assert stored.telegram_message_id == 15
        assert stored.telegram_chat_id == bot.chat_id
        assert stored.source == "telegram"
        assert stored.created_at == datetime.fromtimestamp(1709298000, UTC)
        bob = TelegramUserLink.objects.get(telegram_peer="user1002")
        assert stored.sender_id == bob.user_id
        bold = stored.entities[0]
        assert (bold["type"], bold["offset"], bold["length"]) == ("bold", 3, 8)
        assert SearchEntry.objects.filter(chat=chat, message_id=stored.message_id).exists()
        state = message_repo().get_telegram_sync_state(chat.pk)
        assert state is not None
        assert (state.status, state.last_telegram_message_id) == ("live", 15)
        assert state.last_update_id == again["update_id"]

    def test_message_moves_the_chat_up_the_chat_list(self, bot: Bot, chat: Chat) -> None:
        before = Chat.objects.get(pk=chat.pk).updated_at
        assert outcome(bot.deliver(bot.update("supergroup_message"))) == "created"
        assert Chat.objects.get(pk=chat.pk).updated_at > before

    def test_reply_linked_through_the_mapping(self, bot: Bot, chat: Chat) -> None:
        first = bot.update("supergroup_message", message_id=3, reply_to_message=None)
        first["message"].pop("reply_to_message")
        outcome(bot.deliver(first))
        outcome(bot.deliver(bot.update("supergroup_message")))  # message 15 replies to 3
        messages = by_telegram_id(all_messages(chat.pk))
        assert messages[15].reply_to_id == messages[3].message_id

    def test_media_and_service_messages(self, bot: Bot, chat: Chat) -> None:
        outcome(bot.deliver(bot.update("voice_message")))
        outcome(bot.deliver(bot.update("new_members")))
        messages = by_telegram_id(all_messages(chat.pk))
        assert messages[16].message_type == "voice"
        assert messages[16].attachments[0]["duration"] == 7
        assert messages[17].message_type == "system"
        assert messages[17].content == "Alice Smith added Dave Brown"

    def test_unlinked_chat_and_unknown_kinds_are_acknowledged(self, bot: Bot) -> None:
        assert outcome(bot.deliver(bot.update("supergroup_message"))) == "unlinked_chat"
        assert outcome(bot.deliver(bot.update("callback_query"))) == "ignored"

    @pytest.mark.parametrize(
        "body",
        [
            {"message": {"message_id": 1}},
            {"update_id": 5, "message": {"message_id": 1, "date": 1709298000}},
            [1, 2],
        ],
    )
    def test_malformed_update_is_acknowledged_logged_and_counted(
        self, bot: Bot, body: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        before = delivered("malformed")
        assert outcome(bot.deliver(body)) == "malformed"  # Telegram would resend a 4xx forever
        assert delivered("malformed") == before + 1
        assert "not applied, malformed" in caplog.text
        assert not ProcessedUpdate.objects.exists()

    def test_not_json_is_acknowledged_as_malformed(self, chat: Chat) -> None:
        response = APIClient().post(
            URL, data="{not json", content_type="application/json", **{HEADER: SECRET}
        )
        assert outcome(response) == "malformed"

    def test_not_json_without_the_secret_is_still_403(self, chat: Chat) -> None:
        response = APIClient().post(URL, data="{not json", content_type="application/json")
        assert response.status_code == 403


class TestConflicts:
    """Updates that contradict what is stored: 200, logged, counted, nothing written."""

    def test_message_mirrored_into_another_chat(
        self, bot: Bot, chat: Chat, caplog: pytest.LogCaptureFixture
    ) -> None:
        update = bot.update("supergroup_message")
        assert outcome(bot.deliver(update)) == "created"
        chat_unlink(chat=chat)
        relinked = linked_chat(bot.chat_id, name="Relinked")
        before = delivered("conflict")
        again = {**update, "update_id": update["update_id"] + 1000}
        assert outcome(bot.deliver(again)) == "conflict"
        assert delivered("conflict") == before + 1
        assert "already stored in channel" in caplog.text
        assert all_messages(relinked.pk) == []
        assert not ProcessedUpdate.objects.filter(update_id=again["update_id"]).exists()

    def test_no_placeholder_user_can_be_created(
        self, bot: Bot, chat: Chat, caplog: pytest.LogCaptureFixture
    ) -> None:
        from django.contrib.auth import get_user_model

        from messaging.telegram.users import PLACEHOLDER_PREFIX

        base = f"{PLACEHOLDER_PREFIX}user1002"  # the fixture message's sender
        for attempt in range(20):  # every name the placeholder could take is someone's
            get_user_model().objects.create_user(base if attempt == 0 else f"{base}_{attempt}")
        before = delivered("conflict")
        assert outcome(bot.deliver(bot.update("supergroup_message"))) == "conflict"
        assert delivered("conflict") == before + 1
        assert "no free placeholder username" in caplog.text
        assert all_messages(chat.pk) == []
        assert not TelegramUserLink.objects.filter(telegram_peer="user1002").exists()


class TestMetrics:
    def test_outcomes_appear_in_metrics(self, bot: Bot, chat: Chat) -> None:
        outcome(bot.deliver(bot.update("supergroup_message")))
        text = APIClient().get("/metrics").content.decode()
        assert 'wellwon_telegram_webhook_updates_total{outcome="created"}' in text


class TestEdits:
    def test_newer_edit_applied_older_ignored(self, bot: Bot, chat: Chat) -> None:
        outcome(bot.deliver(bot.update("supergroup_message")))
        assert outcome(bot.deliver(bot.update("edited_message"))) == "edited"
        assert outcome(bot.deliver(bot.update("older_edit"))) == "stale_edit"
        (stored,) = all_messages(chat.pk)
        assert "v2.0.1" in stored.content
        assert stored.edited_at == datetime.fromtimestamp(1709298600, UTC)
        # The edit's own formatting: the URL moved two UTF-16 units to the right.
        assert [(e["type"], e["offset"]) for e in stored.entities] == [
            ("bold", 3),
            ("url", 25),
            ("hashtag", 48),
        ]
        history = edit_history_repo().get_history(chat.pk, stored.message_id)
        (previous,) = history  # the stale edit recorded nothing
        assert previous.content.startswith("🎉 Released v2.0 ")
        entry = SearchEntry.objects.get(chat=chat, message_id=stored.message_id)
        assert "v2.0.1" in entry.content

    def test_edit_of_unseen_message_stores_it(self, bot: Bot, chat: Chat) -> None:
        assert outcome(bot.deliver(bot.update("edited_message"))) == "created"
        (stored,) = all_messages(chat.pk)
        assert stored.edited_at == datetime.fromtimestamp(1709298600, UTC)


class TestReactions:
    def test_user_reactions_added_and_changed(self, bot: Bot, chat: Chat) -> None:
        outcome(bot.deliver(bot.update("supergroup_message")))
        (stored,) = all_messages(chat.pk)
        assert outcome(bot.deliver(bot.update("reaction_added"))) == "reactions"
        alice = TelegramUserLink.objects.get(telegram_peer="user1001").user_id

        def reactions() -> dict[str, tuple[int, bool]]:
            found = message_repo().get_reactions(chat.pk, [stored.message_id], alice)
            return {r.emoji: (r.count, r.me) for r in found[stored.message_id]}

        assert reactions() == {"🔥": (1, True), "👍": (1, True)}
        update = bot.update("reaction_changed")
        assert outcome(bot.deliver(update)) == "reactions"
        assert outcome(bot.deliver(update)) == "replayed"
        assert reactions() == {"👍": (1, True)}

    def test_reaction_to_unknown_message(self, bot: Bot, chat: Chat) -> None:
        assert outcome(bot.deliver(bot.update("reaction_added"))) == "unknown_message"

    def test_anonymous_counts_set_and_replaced(self, bot_updates: dict[str, Any]) -> None:
        channel = Bot(bot_updates)
        chat = linked_chat(channel.chat_id, name="WellWon News")
        assert outcome(channel.deliver(channel.update("channel_post_photo"))) == "created"
        (post,) = all_messages(chat.pk)
        assert post.message_type == "image"
        assert post.attachments[0]["telegram_file_id"] == "AgACAgQAAx0CYmFy-large"

        def counts() -> dict[str, int]:
            found = message_repo().get_reactions(chat.pk, [post.message_id])
            return {r.emoji: r.count for r in found[post.message_id]}

        update = channel.update("reaction_count")
        assert outcome(channel.deliver(update)) == "reactions"
        expected = {"❤": 12, "custom_emoji:5368324170671202286": 3, "paid:star": 1}
        assert counts() == expected
        assert outcome(channel.deliver({**update, "update_id": update["update_id"] + 99})) == (
            "reactions"
        )
        assert counts() == expected  # setting a total twice counts nothing twice
        fewer = channel.update(
            "reaction_count",
            reactions=[{"type": {"type": "emoji", "emoji": "❤"}, "total_count": 10}],
        )
        outcome(channel.deliver(fewer))
        assert counts() == {"❤": 10}


class TestExportAndWebhookMeet:
    def test_exported_message_arriving_by_webhook_is_a_duplicate(
        self, bot: Bot, tmp_path: Path
    ) -> None:
        path = write_export(tmp_path / "result.json", supergroup_export(bot.bare_id))
        call_command(
            "telegram_import", str(path), "--chat", "auto", "--no-progress", stdout=io.StringIO()
        )
        chat = Chat.objects.get(telegram_chat_id=bot.chat_id)
        before = all_messages(chat.pk)
        # Message 4 of the export, as the Bot API writes it: -100<id>, numeric ids.
        update = bot.update(
            "edited_message",
            message_id=4,
            date=1709294520,
            edit_date=1709295000,  # the export's own edit: not newer
            text="Meeting moved to 16:00 (edited)",
            entities=[],
        )
        assert outcome(bot.deliver(update)) == "stale_edit"
        plain = bot.update("supergroup_message", message_id=2, date=1709294400, text="Hello")
        plain["message"].pop("reply_to_message")
        plain["message"].pop("entities")
        assert outcome(bot.deliver(plain)) == "duplicate"
        newer = bot.update("edited_message", message_id=4, date=1709294520, entities=[])
        assert outcome(bot.deliver(newer)) == "edited"
        after = all_messages(chat.pk)
        assert [m.message_id for m in after] == [m.message_id for m in before]
        assert "v2.0.1" in by_telegram_id(after)[4].content

    def test_import_links_replies_to_messages_the_webhook_stored_first(
        self, bot: Bot, tmp_path: Path
    ) -> None:
        chat = linked_chat(bot.chat_id)
        first = bot.update("supergroup_message", message_id=2, date=1709294400, text="Hello")
        first["message"].pop("reply_to_message")
        first["message"].pop("entities")
        assert outcome(bot.deliver(first)) == "created"
        (live,) = all_messages(chat.pk)
        path = write_export(tmp_path / "result.json", supergroup_export(bot.bare_id))
        out = io.StringIO()
        call_command(
            "telegram_import", str(path), "--chat", str(chat.pk), "--no-progress", stdout=out
        )
        assert "13 imported, 1 duplicates skipped" in out.getvalue()
        messages = by_telegram_id(all_messages(chat.pk))
        assert messages[2].message_id == live.message_id
        assert messages[3].reply_to_id == live.message_id  # same batch, stored id
