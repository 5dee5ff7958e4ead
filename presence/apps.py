from django.apps import AppConfig


class PresenceConfig(AppConfig):
    name = "presence"
    verbose_name = "Presence"
    default_auto_field = "django.db.models.BigAutoField"
