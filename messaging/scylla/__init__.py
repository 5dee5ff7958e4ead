"""The CQL store: session owner, ids, probes (the seed's ``scylladb`` package)."""

from messaging.scylla.client import (
    ScyllaClient,
    get_scylla_client,
    peek_scylla_client,
    reset_scylla_client,
)
from messaging.scylla.errors import (
    MessageStoreDisabled,
    MessageStoreError,
    MessageStoreUnavailable,
)
from messaging.scylla.health import (
    check_cluster_health,
    check_connection_health,
    liveness_probe,
    readiness_probe,
)
from messaging.scylla.snowflake import calculate_message_bucket, generate_snowflake_id

__all__ = [
    "MessageStoreDisabled",
    "MessageStoreError",
    "MessageStoreUnavailable",
    "ScyllaClient",
    "calculate_message_bucket",
    "check_cluster_health",
    "check_connection_health",
    "generate_snowflake_id",
    "get_scylla_client",
    "liveness_probe",
    "peek_scylla_client",
    "readiness_probe",
    "reset_scylla_client",
]
