"""The project as a Django app, for what belongs to no pluggable app: credentials, tracing."""

from __future__ import annotations

from django.apps import AppConfig


class WellwonConfig(AppConfig):
    name = "wellwon"
    verbose_name = "WellWon"

    def ready(self) -> None:
        # Connects the signals that route every credential change to one function.
        from wellwon import credentials  # noqa: F401
        from wellwon.tracing import configure_tracing

        configure_tracing()
