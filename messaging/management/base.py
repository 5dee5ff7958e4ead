"""The one base of the app's management commands: expected failures become one line.

Every command does its work in ``perform``. A failure the operator can act
on (a store down or disabled, a refused migration, a server that cannot host
the schema, a contradicting Telegram link, bad input to a use case) becomes
a ``CommandError``: one clear line on stderr and exit status 1, which is
what CI jobs, cron and Kubernetes init containers read. Anything else is a
bug and keeps its traceback. Commands stay thin: parse options, call a
service or selector, print.

Two option sets several commands share are mixed in below: ``--keyspace``
with a CQL client (the ``scylla_*`` commands) and ``--chat`` (the repair
commands).
"""

from __future__ import annotations

import uuid
from argparse import ArgumentParser
from collections.abc import Iterator
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError

from messaging.errors import MessageRepositoryError, MessagingError
from messaging.models import Chat
from messaging.scylla import MessageStoreError, ScyllaClient, get_scylla_client
from messaging.scylla.dialect import UnsupportedServerError
from messaging.scylla.migration_files import MigrationError


class MessagingCommand(BaseCommand):
    expected_errors: ClassVar[tuple[type[Exception], ...]] = (
        MessageStoreError,
        MessageRepositoryError,
        MessagingError,
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.perform(options)
        except self.expected_errors as exc:
            raise CommandError(str(exc)) from exc

    def perform(self, options: dict[str, Any]) -> None:
        raise NotImplementedError


class ScyllaCommand(MessagingCommand):
    """A schema command: ``run`` gets the process's CQL client."""

    expected_errors = (
        *MessagingCommand.expected_errors,
        MigrationError,
        UnsupportedServerError,
        ValueError,
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--keyspace",
            help="the keyspace to work on (default: SCYLLA_KEYSPACE)",
        )

    def perform(self, options: dict[str, Any]) -> None:
        self.run(get_scylla_client(), options)

    def run(self, client: ScyllaClient, options: dict[str, Any]) -> None:
        raise NotImplementedError

    def server(self, client: ScyllaClient) -> str:
        config = client.config
        return f"{', '.join(config.contact_points)}:{config.port}"


class ChatsCommand(MessagingCommand):
    """Runs ``handle_chat`` for each chat named by ``--chat`` (repeatable), or every chat."""

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--chat",
            action="append",
            default=[],
            metavar="UUID",
            help="a chat to repair (repeat for several); default: every chat",
        )

    def chat_ids(self, names: list[str]) -> Iterator[uuid.UUID]:
        if not names:
            yield from Chat.objects.order_by("created_at").values_list("pk", flat=True).iterator()
            return
        for name in names:
            yield chat_by_id(name).pk

    def perform(self, options: dict[str, Any]) -> None:
        count = 0
        for chat_id in self.chat_ids(options["chat"]):
            self.stdout.write(f"{chat_id}: {self.handle_chat(chat_id)}")
            count += 1
        self.stdout.write(self.style.SUCCESS(f"{count} chat(s) done"))

    def handle_chat(self, chat_id: uuid.UUID) -> str:
        raise NotImplementedError


def chat_by_id(value: str) -> Chat:
    """The chat a command names, or a ``CommandError`` saying what is wrong with the name."""
    try:
        chat_id = uuid.UUID(value)
    except ValueError:
        raise CommandError(f"not a chat id (a UUID): {value!r}") from None
    chat = Chat.objects.filter(pk=chat_id).first()
    if chat is None:
        raise CommandError(f"no chat {chat_id}")
    return chat
