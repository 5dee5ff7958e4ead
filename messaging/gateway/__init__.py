"""The real-time gateway (``/ws/``): Channels consumers that push a user's chats' events.

The contract is ``api-realtime.md``; README's "Gateway" section says how it is
served. Events come from ``messaging.events`` (the only publisher) through the
channel layer; missed messages come from the CQL store on ``resume``.
"""
