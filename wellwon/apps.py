"""The project as a Django app: only so that tracing is set up while Django starts."""

from __future__ import annotations

from django.apps import AppConfig


class WellwonConfig(AppConfig):
    name = "wellwon"
    verbose_name = "WellWon"

    def ready(self) -> None:
        from wellwon.tracing import configure_tracing

        configure_tracing()
