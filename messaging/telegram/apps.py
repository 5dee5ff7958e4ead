from django.apps import AppConfig


class TelegramConfig(AppConfig):
    """A nested app with its own label so its migrations never collide with ``messaging``'s."""

    name = "messaging.telegram"
    label = "telegram"
    verbose_name = "Telegram sync"
    default_auto_field = "django.db.models.BigAutoField"
