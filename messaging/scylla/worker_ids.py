"""A Snowflake worker-id provider that needs nothing but settings.

The default provider leases worker ids in Redis (``presence.leases``), which
needs the ``presence`` app. A project without it gives each process its own
``SNOWFLAKE_WORKER_ID`` (0-1023), e.g. from the process manager's instance
number; two processes with the same id could mint the same message id, so
this is for deployments that can promise distinct ids.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from messaging.conf import configured_worker_id
from messaging.scylla.snowflake import MAX_WORKER_ID


def configured_worker_id_provider() -> int:
    worker_id = configured_worker_id()
    if worker_id is None or not 0 <= worker_id <= MAX_WORKER_ID:
        raise ImproperlyConfigured(
            f"SNOWFLAKE_WORKER_ID must be set to an integer 0-{MAX_WORKER_ID} when the "
            "presence app (Redis worker-id leases) is not installed"
        )
    return worker_id
