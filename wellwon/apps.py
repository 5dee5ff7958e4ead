"""The project package as an app, for what belongs to no pluggable app: credentials."""

from django.apps import AppConfig


class WellwonConfig(AppConfig):
    name = "wellwon"
    verbose_name = "WellWon"

    def ready(self) -> None:
        # Connects the signals that route every credential change to one function.
        from wellwon import credentials  # noqa: F401
