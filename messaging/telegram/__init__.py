"""Telegram sync: Telegram Desktop exports and Bot API webhooks into the CQL message store.

A WellWon chat mirrors one Telegram chat (``Chat.telegram_chat_id``). Two real
sources feed it: the Telegram Desktop "Export chat history" ``result.json``
(``manage.py telegram_import``) and the Bot API webhook
(``POST /api/telegram/webhook/``). Both are parsed into one neutral shape
(``messaging.telegram.types.TelegramMessage``) by pure functions, then stored
through the message repository. The mapping table
(``telegram_message_mapping``: Telegram message id + chat id -> WellWon id) is
the dedup key, so the same message arriving from an export and later from the
webhook is stored once; chat ids are normalised to the Bot API form for that.
"""
