"""Writes (HackSoft "services"): the use cases, as plain typed keyword-only functions.

Cross-store order is always the same: check in PostgreSQL, write the CQL
store (the source of truth for messages), then update the followers
(search index and unread counts in PostgreSQL, counters in Redis). A
follower failure is logged and left for ``manage.py reindex_search`` and
``manage.py rebuild_unread``; it never loses the message or fails the request.
"""
