"""Signals of the presence app's writes, for whoever pushes them to clients.

The app stays usable alone: it only sends these; the messaging app connects
its event publisher to them (``MessagingConfig.ready``), so neither app
imports the other at start-up.
"""

from django.dispatch import Signal

#: Sent after a typing mark is stored: ``chat_id`` (UUID), ``user_id``, ``expires_at``.
typing_started = Signal()

#: Sent when a heartbeat changes what others see: ``user_id``, ``status``, ``last_seen``.
presence_changed = Signal()
