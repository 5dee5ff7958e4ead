"""The newest page of a busy chat, read from CQL once for many readers.

When many clients open the same chat at once (a hot channel), they all ask for
its newest page. Discord's data services answer such a crowd with one database
read; so does this module, in two layers keyed by (chat, page size):

1. **Coalescing in flight** (per process, always on): concurrent identical reads
   share one CQL query. A read joins only a query that *starts after it
   arrived*: if a query is already running, the newcomers wait for it to end and
   then share the next one. Joining the running query could return a page read
   before a write that was acknowledged to the reader, which a read must never do.
2. **Kept between writes** (per process, across processes through the cache):
   the rows stay in memory, tagged with the chat's *write token*, a random value
   in the ``PAGE_CACHE_ALIAS`` cache (Redis) that every write to the chat replaces
   (``page_changed``, called by the one module that announces writes,
   ``messaging.events``) after its CQL write returned and before its answer. A
   reader takes the token first, then serves the kept rows only if they carry
   that same token; otherwise it reads CQL and keeps the rows under the token it
   took *before* the read. A write acknowledged before the read began has
   replaced the token by then, so its rows are never missed.

Redis unreachable: readers skip the second layer (CQL answers, coalesced); a
writer that could not replace the token drops this process's kept pages of the
chat, and another process's kept page of that chat is served at most
``PAGE_CACHE_MAX_AGE`` seconds (the bound stated in README) before it is read again.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

from django.core.cache import caches

from messaging.conf import page_cache_settings
from messaging.repository.data import StoredMessage

logger = logging.getLogger(__name__)

T = TypeVar("T")
Key = tuple[uuid.UUID, int]
# A chat nobody wrote to or read for a day loses its token: the next reader makes a new one
# (kept pages under the old one are then read again), so Redis holds only live chats.
TOKEN_LIFETIME = 24 * 3600


@dataclass
class _Flight(Generic[T]):
    done: threading.Event = field(default_factory=threading.Event)
    result: T | None = None
    error: BaseException | None = None

    def wait(self) -> T:
        self.done.wait()
        if self.error is not None:
            raise self.error
        return cast(T, self.result)


class SingleFlight(Generic[T]):
    """Runs ``load`` once for every caller that arrived before it started (per key)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[Key, _Flight[T]] = {}
        self._next: dict[Key, _Flight[T]] = {}
        self.loads = 0  # queries actually run: the figure the coalescing saves

    def run(self, key: Key, load: Callable[[], T]) -> T:
        running: _Flight[T] | None = None
        with self._lock:
            queued = self._next.get(key)
            if queued is None:
                flight: _Flight[T] = _Flight()
                running = self._running.get(key)
                if running is None:
                    self._running[key] = flight
                else:  # it started before we arrived: lead the next one
                    self._next[key] = flight
        if queued is not None:  # its query starts after we arrived: share it
            return queued.wait()
        if running is not None:
            running.done.wait()
            with self._lock:
                del self._next[key]
                self._running[key] = flight
        try:
            flight.result = load()
        except BaseException as exc:
            flight.error = exc
        finally:
            with self._lock:
                self.loads += 1
                del self._running[key]
            flight.done.set()
        return flight.wait()


@dataclass(frozen=True)
class _Kept:
    token: str
    rows: list[StoredMessage]
    at: float


_flights: SingleFlight[list[StoredMessage]] = SingleFlight()
_kept: OrderedDict[Key, _Kept] = OrderedDict()
_kept_lock = threading.Lock()


def _token_key(chat_id: uuid.UUID) -> str:
    return f"messaging:page-token:{chat_id}"


def newest_rows(
    chat_id: uuid.UUID, limit: int, read: Callable[[], list[StoredMessage]]
) -> list[StoredMessage]:
    """The chat's newest ``limit`` rows, newest first: kept, shared or ``read()``."""
    config = page_cache_settings()
    key = (chat_id, limit)
    token = _current_token(chat_id, config.alias) if config.enabled else None
    if token is not None:
        with _kept_lock:
            kept = _kept.get(key)
        if kept is not None and kept.token == token and time.monotonic() - kept.at < config.max_age:
            return kept.rows
    rows = _flights.run(key, read)
    if token is not None:
        with _kept_lock:
            _kept[key] = _Kept(token=token, rows=rows, at=time.monotonic())
            _kept.move_to_end(key)
            while len(_kept) > config.max_pages:
                _kept.popitem(last=False)
    return rows


def page_changed(chat_id: uuid.UUID) -> None:
    """A write changed what the chat's pages show: every process reads them again."""
    _forget_local(chat_id)
    config = page_cache_settings()
    if not config.enabled:
        return
    try:
        caches[config.alias].set(_token_key(chat_id), secrets.token_hex(8), timeout=TOKEN_LIFETIME)
    except Exception as exc:  # Redis down: other processes' pages expire by max age
        logger.warning("page token of chat %s not replaced: %s", chat_id, exc)


def _current_token(chat_id: uuid.UUID, alias: str) -> str | None:
    """The chat's write token (created when absent); None when the cache cannot answer."""
    cache = caches[alias]
    key = _token_key(chat_id)
    try:
        token = cache.get(key)
        if token is None:
            cache.add(key, secrets.token_hex(8), timeout=TOKEN_LIFETIME)
            token = cache.get(key)
    except Exception as exc:
        logger.debug("page token of chat %s unreadable: %s", chat_id, exc)
        return None
    return token if isinstance(token, str) else None


def _forget_local(chat_id: uuid.UUID) -> None:
    with _kept_lock:
        for key in [k for k in _kept if k[0] == chat_id]:
            del _kept[key]


def coalesced_loads() -> int:
    """CQL page queries this process ran through the coalescer (for tests and benchmarks)."""
    return _flights.loads
