"""Errors of the CQL store that callers (API, commands, probes) act on."""

from __future__ import annotations


class MessageStoreError(Exception):
    """Base class: the message store cannot serve this request."""


class MessageStoreDisabled(MessageStoreError):
    """SCYLLA_ENABLED is false: there is no CQL connection in this process."""

    def __init__(self) -> None:
        super().__init__("The message store is disabled (SCYLLA_ENABLED=false).")


class MessageStoreUnavailable(MessageStoreError):
    """The cluster did not answer, or the circuit breaker is open and fails fast."""
