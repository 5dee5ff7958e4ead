"""Turns store outages into clear 503 answers instead of 500s.

DRF's own handler covers validation (400), auth (401/403) and 404; this adds the
errors that mean "a store cannot serve this now", each with a message naming it.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from messaging.scylla.errors import MessageStoreError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, MessageStoreError):
        return _unavailable(str(exc))
    if isinstance(exc, RedisConnectionError | RedisTimeoutError):
        return _unavailable(f"The presence store (Redis) is unavailable: {exc}")
    if isinstance(exc, OperationalError | InterfaceError) or type(exc) is DatabaseError:
        return _unavailable(f"The chat database (PostgreSQL) is unavailable: {exc}".strip())
    return None


def _unavailable(detail: str) -> Response:
    return Response(
        {"detail": detail},
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": "5"},
    )
