"""WellWon presence: typing indicators, user presence, real-time counters and
Snowflake worker-id leases, on Redis through django-redis.

A pluggable Django app: add ``"presence"`` to ``INSTALLED_APPS``.
"""
