from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The presence app's writes reach clients through the one event publisher.
        from messaging import access_cache, events
        from presence import signals

        access_cache.connect_receivers()

        signals.typing_started.connect(events.typing_started, dispatch_uid="messaging-typing")
        signals.presence_changed.connect(events.presence_changed, dispatch_uid="messaging-presence")
