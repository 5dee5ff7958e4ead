"""Maps errors to HTTP answers: use-case errors to 4xx, store outages to 503.

DRF's own handler covers validation (400), auth (401/403) and 404. Before it,
the typed errors of the services and the message repository become the DRF
exception that says the same thing (so their bodies have DRF's usual shape:
``{"detail": ...}`` or ``{"field": ["message"]}``), and so do Django's refusals
of a body over its limits (413, or 400 for too many form fields), which would
otherwise be its HTML error page; after it, the errors that mean "a store
cannot serve this now" become 503s naming the store.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DatabaseError, InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from messaging.repository import errors as repo_errors
from messaging.scylla.errors import MessageStoreError
from messaging.services.errors import AlreadyDone, InvalidInput, NotFound, NotPermitted
from presence.leases import WorkerIdUnavailable


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(as_api_exception(exc), context)
    if response is not None:
        return response
    if isinstance(exc, MessageStoreError):
        return _unavailable(str(exc))
    if isinstance(exc, WorkerIdUnavailable):
        return _unavailable(f"New messages cannot be given ids now: {exc}")
    if isinstance(exc, RedisConnectionError | RedisTimeoutError):
        return _unavailable(f"The presence store (Redis) is unavailable: {exc}")
    if isinstance(exc, OperationalError | InterfaceError) or type(exc) is DatabaseError:
        return _unavailable(f"The chat database (PostgreSQL) is unavailable: {exc}".strip())
    return None


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This is already so."
    default_code = "conflict"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than the server accepts."
    default_code = "request_too_large"


def as_api_exception(exc: Exception) -> Exception:
    """The DRF exception for a typed error of the use cases, the repository or the parser."""
    # Django's form parsing refuses what is over its limits with a SuspiciousOperation,
    # which would otherwise become its HTML 400 page.
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return RequestTooLarge(f"The request body is over the limit of {limit} bytes.")
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return exceptions.ParseError(str(exc))
    if isinstance(exc, NotFound | repo_errors.MessageNotFound):
        return exceptions.NotFound(str(exc) or None)
    if isinstance(exc, AlreadyDone):
        return Conflict(str(exc) or None)
    if isinstance(exc, NotPermitted):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, InvalidInput):
        return exceptions.ValidationError({exc.field: [exc.message]})
    if isinstance(exc, repo_errors.InvalidMessageInput):
        return exceptions.ValidationError({exc.field: [exc.message]})
    return exc


def _unavailable(detail: str) -> Response:
    return Response(
        {"detail": detail},
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": "5"},
    )
