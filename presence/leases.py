"""Snowflake worker-id leases: no two live processes ever hold the same worker id.

A Snowflake id carries a 10-bit worker id; two processes generating with the
same one in the same millisecond would mint the same id. So each process
leases one of the 1024 ids in Redis (key ``<prefix>:snowflake:worker:<n>``,
value ``host:pid:token``, ``SET NX PX``), renews it from a daemon thread
every third of PRESENCE_WORKER_LEASE_TTL (only while the value is still ours),
and releases it at exit (only if still ours).

The process keeps using its id only while the lease is provably alive: it
counts the TTL from the moment it *sent* the last successful renewal, so it
stops before Redis can hand the id to someone else. After that, or after a
fork (the child must not share its parent's id), the next
``lease_worker_id()`` leases a fresh id. When no id is free or Redis cannot
be reached, it raises ``WorkerIdUnavailable`` (a RuntimeError; the API
answers 503): refusing to generate ids is better than sharing a worker id.

``lease_worker_id`` is the process-wide entry point, named by the setting
``SNOWFLAKE_WORKER_ID_PROVIDER = "presence.leases.lease_worker_id"``; call it
for every id (it is a lock and a clock read once leased) so a lost lease or a
fork is noticed. ``WorkerIdLease`` is one lease without the thread, for tests
and tools.
"""

from __future__ import annotations

import atexit
import logging
import os
import secrets
import socket
import threading
import time

from presence.conf import presence_settings
from presence.store import REDIS_DOWN, LuaScript, redis_client, redis_key, seconds_to_ms

logger = logging.getLogger(__name__)

WORKER_ID_COUNT = 1024  # 10 bits of a Snowflake id


class WorkerIdUnavailable(RuntimeError):
    """No worker id can be leased now (Redis unreachable, or all ids taken)."""


_ACQUIRE = LuaScript(
    """
-- ARGV[1] key prefix; ARGV[2] first id to try; ARGV[3] id count; ARGV[4] value; ARGV[5] TTL ms
local count = tonumber(ARGV[3])
for i = 0, count - 1 do
  local id = (tonumber(ARGV[2]) + i) % count
  if redis.call('SET', ARGV[1] .. id, ARGV[4], 'NX', 'PX', ARGV[5]) then
    return id
  end
end
return -1
"""
)

_RENEW = LuaScript(
    """
-- KEYS[1] lease; ARGV[1] our value; ARGV[2] TTL ms
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
)

_RELEASE = LuaScript(
    """
-- KEYS[1] lease; ARGV[1] our value
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
)


class WorkerIdLease:
    """One lease on one worker id, renewed and released by its owner.

    ``namespace`` separates lease families (tests use a fresh one each).
    """

    def __init__(self, namespace: str = "snowflake:worker", ttl: float | None = None) -> None:
        self.namespace = namespace
        self.ttl_ms = seconds_to_ms(presence_settings().worker_lease_ttl if ttl is None else ttl)
        self.value = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(8)}"
        self.worker_id: int | None = None
        self._valid_until = 0.0  # time.monotonic() deadline

    def _key(self, worker_id: int | str) -> str:
        return redis_key(self.namespace, worker_id)

    def acquire(self) -> int:
        """Lease a free worker id (trying them from a random start) and return it.

        WorkerIdUnavailable when all 1024 are taken or Redis cannot be reached.
        """
        sent = time.monotonic()
        try:
            worker_id = _ACQUIRE(
                redis_client(),
                [],
                [
                    self._key(""),
                    secrets.randbelow(WORKER_ID_COUNT),
                    WORKER_ID_COUNT,
                    self.value,
                    self.ttl_ms,
                ],
            )
        except REDIS_DOWN as exc:
            raise WorkerIdUnavailable(
                f"Cannot lease a Snowflake worker id: Redis is unreachable ({exc}). "
                "Refusing to generate ids rather than risk sharing a worker id."
            ) from exc
        if worker_id < 0:
            raise WorkerIdUnavailable(
                f"Cannot lease a Snowflake worker id: all {WORKER_ID_COUNT} are taken "
                f"under {self._key('*')!r}. Refusing to generate ids rather than share one."
            )
        self.worker_id = int(worker_id)
        self._valid_until = sent + self.ttl_ms / 1000
        return self.worker_id

    def renew(self) -> bool:
        """Extend the lease if it is still ours; False if it was lost.

        Redis errors propagate: the caller decides whether to retry.
        """
        if self.worker_id is None:
            return False
        sent = time.monotonic()
        renewed = _RENEW(redis_client(), [self._key(self.worker_id)], [self.value, self.ttl_ms])
        if renewed:
            self._valid_until = sent + self.ttl_ms / 1000
        else:
            self._valid_until = 0.0
        return bool(renewed)

    def release(self) -> bool:
        """Give the id back if it is still ours; False if it was not (or not leased)."""
        if self.worker_id is None:
            return False
        worker_id, self.worker_id, self._valid_until = self.worker_id, None, 0.0
        return bool(_RELEASE(redis_client(), [self._key(worker_id)], [self.value]))

    def is_valid(self) -> bool:
        """Whether the id may still be used: leased and not possibly expired."""
        return self.worker_id is not None and time.monotonic() < self._valid_until


class _ProcessLease:
    """The lease of this process plus the daemon thread that renews it."""

    def __init__(self) -> None:
        self.lease = WorkerIdLease()
        self.worker_id = self.lease.acquire()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._renew_forever, name="snowflake-lease-renewal", daemon=True
        )
        self._thread.start()

    def _renew_forever(self) -> None:
        interval = self.lease.ttl_ms / 1000 / 3
        while not self._stop.wait(interval):
            try:
                if not self.lease.renew():
                    logger.error("Snowflake worker id %s was lost; re-leasing", self.worker_id)
                    return
            except REDIS_DOWN as exc:
                # Keep trying: the id stays usable until the TTL runs out, then
                # is_valid() turns false and the next caller re-leases or refuses.
                logger.warning("Snowflake lease %s not renewed: %s", self.worker_id, exc)

    def stop(self, release: bool) -> None:
        self._stop.set()
        if release:
            try:
                self.lease.release()
            except REDIS_DOWN as exc:
                logger.warning("Snowflake lease %s not released: %s", self.worker_id, exc)


_lock = threading.Lock()
_current: _ProcessLease | None = None


def lease_worker_id() -> int:
    """This process's Snowflake worker id, leased (or re-leased) in Redis on need.

    WorkerIdUnavailable when no id can be leased (all taken, or Redis unreachable).
    """
    global _current
    with _lock:
        current = _current
        if current is not None and current.lease.is_valid():
            return current.worker_id
        if current is not None:
            current.stop(release=True)
            _current = None
        _current = _ProcessLease()
        return _current.worker_id


def release_worker_id() -> None:
    """Give this process's id back now (at exit; also for tests)."""
    global _current
    with _lock:
        if _current is not None:
            _current.stop(release=True)
            _current = None


def _forget_after_fork() -> None:
    # The child has no renewal thread and must not use its parent's id; the
    # parent still owns that lease, so the child forgets it without releasing.
    # The lock is replaced in case another thread held it at fork time.
    global _current, _lock
    _current = None
    _lock = threading.Lock()


atexit.register(release_worker_id)
os.register_at_fork(after_in_child=_forget_after_fork)
