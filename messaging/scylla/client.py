"""The one owner of the CQL session (the seed's ``get_scylla_client``).

One ``Cluster``/``Session`` per process, created on first use and created anew
after a fork: a session inherited from a parent (gunicorn ``--preload``) holds
the parent's sockets and event-loop thread and hangs in the child. Every
statement goes through ``execute``/``execute_async`` here so that consistency
levels, the prepared-statement cache, metrics and the circuit breaker apply to
all of them. Statements name their tables with the keyspace
(``wellwon_scylla.messages``) because the session is opened before the
keyspace necessarily exists (``scylla_migrate`` creates it).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import logging
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cassandra import (
    ConsistencyLevel,
    OperationTimedOut,
    ReadFailure,
    ReadTimeout,
    Unavailable,
    WriteFailure,
    WriteTimeout,
)
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import (
    EXEC_PROFILE_DEFAULT,
    Cluster,
    ExecutionProfile,
    NoHostAvailable,
    ResponseFuture,
    ResultSet,
    Session,
)
from cassandra.connection import ConnectionException
from cassandra.cqlengine import CQLEngineException
from cassandra.policies import (
    DCAwareRoundRobinPolicy,
    ExponentialReconnectionPolicy,
    TokenAwarePolicy,
)
from cassandra.query import PreparedStatement, Statement, named_tuple_factory, tuple_factory

from messaging.conf import ScyllaSettings
from messaging.scylla.breaker import CircuitBreaker
from messaging.scylla.errors import MessageStoreDisabled, MessageStoreUnavailable
from messaging.scylla.handoff import IoThreadSender
from messaging.scylla.metrics import CQL_PREPARED_STATEMENTS, ScyllaMetrics, consistency_name

logger = logging.getLogger(__name__)

READ_PROFILE = EXEC_PROFILE_DEFAULT
WRITE_PROFILE = "write"
# The same two with plain tuples as rows: for callers that decode rows themselves
# (the message repository), the driver's default builds a namedtuple class per
# result and a namedtuple per row, only to be thrown away.
READ_TUPLES_PROFILE = "read_tuples"
WRITE_TUPLES_PROFILE = "write_tuples"
# Reads whose answer decides a write (read-modify-write, retries): at the fresh
# read consistency, so they see what was acknowledged (read-your-writes).
FRESH_READ_PROFILE = "fresh_read"
FRESH_READ_TUPLES_PROFILE = "fresh_read_tuples"

# Errors that mean "the cluster cannot serve this now", as opposed to a bad statement.
AVAILABILITY_ERRORS: tuple[type[BaseException], ...] = (
    NoHostAvailable,
    OperationTimedOut,
    Unavailable,
    ReadTimeout,
    WriteTimeout,
    # A replica answered that it failed (e.g. one just restarted, still pulling the schema):
    # the cluster cannot serve this now, a retry can succeed (503, not 500).
    ReadFailure,
    WriteFailure,
    ConnectionException,
)

Params = Sequence[Any] | dict[str, Any] | None
# Series names of the client's own calls, beside the repository's statement names.
CONNECT = "connect"
PREPARE = "prepare"
NO_CONSISTENCY = "none"


class ScyllaClient:
    """Session owner with consistency profiles, prepared LRU, metrics and a breaker."""

    def __init__(self, config: ScyllaSettings) -> None:
        self.config = config
        self.keyspace = config.keyspace
        self.metrics = ScyllaMetrics(enabled=config.metrics_enabled)
        # Each execution profile's consistency level, for the latency series' labels.
        self._consistency = {
            name: consistency_name(profile.consistency_level, NO_CONSISTENCY)
            for name, profile in self._execution_profiles().items()
        }
        self.breaker = CircuitBreaker(
            failure_threshold=config.breaker_failure_threshold,
            reset_seconds=config.breaker_reset_seconds,
        )
        self._lock = threading.RLock()
        self._pid = os.getpid()
        self._cluster: Cluster | None = None
        self._session: Session | None = None
        self._prepared: OrderedDict[str, PreparedStatement] = OrderedDict()
        self._cqlengine_pid = 0
        self._cqlengine_cluster: Cluster | None = None
        self._sender = IoThreadSender()

    # ------------------------------------------------------------ connection
    @property
    def session(self) -> Session:
        """The live session, connecting on first use (and again after a fork)."""
        if self._pid != os.getpid():
            self._forget_inherited_session()
        session = self._session
        if session is not None:
            return session
        with self._lock:
            if self._session is None:
                self._session = self._connect()
            return self._session

    @property
    def cluster(self) -> Cluster:
        self.session  # noqa: B018 - connects when needed
        if self._cluster is None:
            raise MessageStoreUnavailable("The message store connection was closed.")
        return self._cluster

    def _connect(self) -> Session:
        if not self.breaker.allow():
            raise self._open_error()
        config = self.config
        cluster = self._new_cluster(self._execution_profiles())
        started = time.perf_counter()
        try:
            session = cluster.connect()
        except AVAILABILITY_ERRORS as exc:
            cluster.shutdown()
            self.breaker.record_failure()
            self.metrics.record(CONNECT, NO_CONSISTENCY, time.perf_counter() - started, exc)
            raise MessageStoreUnavailable(
                f"The message store is unreachable at {', '.join(config.contact_points)}:"
                f"{config.port}: {exc}"
            ) from exc
        self.breaker.record_success()
        self._cluster = cluster
        self._prepared.clear()
        _register_exit_hook()
        logger.info("CQL session open to %s (keyspace %s)", config.contact_points, self.keyspace)
        return session

    def _execution_profiles(self) -> dict[object, ExecutionProfile]:
        """The profiles a statement runs under: each cluster gets its own, and the client
        reads their levels once, so the latency series name the level a statement used."""
        config = self.config
        return {
            READ_PROFILE: self._profile(config.read_consistency, named_tuple_factory),
            WRITE_PROFILE: self._profile(config.write_consistency, named_tuple_factory),
            READ_TUPLES_PROFILE: self._profile(config.read_consistency, tuple_factory),
            WRITE_TUPLES_PROFILE: self._profile(config.write_consistency, tuple_factory),
            FRESH_READ_PROFILE: self._profile(config.fresh_read_consistency, named_tuple_factory),
            FRESH_READ_TUPLES_PROFILE: self._profile(config.fresh_read_consistency, tuple_factory),
        }

    def _profile(self, consistency: str, row_factory: Callable[..., Any]) -> ExecutionProfile:
        return ExecutionProfile(
            load_balancing_policy=TokenAwarePolicy(
                DCAwareRoundRobinPolicy(local_dc=self.config.local_dc)
            ),
            consistency_level=getattr(ConsistencyLevel, consistency),
            request_timeout=self.config.request_timeout,
            row_factory=row_factory,
        )

    def _new_cluster(self, profiles: dict[object, ExecutionProfile]) -> Cluster:
        config = self.config
        auth = (
            PlainTextAuthProvider(username=config.username, password=config.password)
            if config.username
            else None
        )
        return Cluster(
            contact_points=list(config.contact_points),
            port=config.port,
            auth_provider=auth,
            execution_profiles=profiles,
            connect_timeout=config.connect_timeout,
            control_connection_timeout=config.connect_timeout,
            # Come back quickly after an outage instead of the driver's 10-minute ceiling.
            reconnection_policy=ExponentialReconnectionPolicy(base_delay=0.5, max_delay=5.0),
            protocol_version=4,
        )

    def register_cqlengine(self) -> None:
        """Lets the cqlengine models (admin-grade queries) run on this cluster.

        cqlengine forces ``dict_factory`` rows on the default execution profile
        of the cluster it is given, so it gets a ``Cluster`` of its own and the
        hot-path sessions keep their row factories. Call it before querying
        through a cqlengine model.
        """
        from cassandra.cqlengine import connection as cqlengine_connection
        from cassandra.cqlengine import models as cqlengine_models

        with self._lock:
            if self._cqlengine_pid == os.getpid():
                return
            profile = self._profile(self.config.read_consistency, named_tuple_factory)
            cluster = self._new_cluster({EXEC_PROFILE_DEFAULT: profile})
            session = self._guarded(cluster.connect, CONNECT, NO_CONSISTENCY)
            self._cqlengine_cluster = cluster
            with contextlib.suppress(CQLEngineException):
                cqlengine_connection.unregister_connection("default")
            cqlengine_connection.register_connection("default", session=session, default=True)
            cqlengine_models.DEFAULT_KEYSPACE = self.keyspace
            self._cqlengine_pid = os.getpid()

    def _forget_inherited_session(self) -> None:
        # The parent's cluster threads do not exist in this process; shutting it
        # down here could block, so it is dropped, not closed.
        with self._lock:
            self._pid = os.getpid()
            self._cluster = None
            self._cqlengine_cluster = None
            self._session = None
            self._prepared = OrderedDict()
            self._sender = IoThreadSender()

    def shutdown(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                for cluster in (self._cluster, self._cqlengine_cluster):
                    if cluster is not None:
                        cluster.shutdown()
            self._cluster = None
            self._cqlengine_cluster = None
            self._cqlengine_pid = 0
            self._session = None
            self._prepared.clear()

    # ------------------------------------------------------------ statements
    def name_statements(self, names: Mapping[str, str]) -> None:
        """Names query texts (``{cql: name}``) for the latency series; unnamed ones are
        ``other``."""
        self.metrics.name_statements(names)

    def prepare(self, cql: str) -> PreparedStatement:
        """A prepared statement for ``cql``, prepared once and kept in an LRU."""
        cache = self._prepared
        statement = cache.get(cql)
        if statement is not None:
            with contextlib.suppress(KeyError):  # evicted by another thread meanwhile
                cache.move_to_end(cql)
            return statement
        statement = self._guarded(lambda: self.session.prepare(cql), PREPARE, NO_CONSISTENCY)
        self.metrics.name_prepared(statement)
        with self._lock:
            cache[cql] = statement
            cache.move_to_end(cql)
            while len(cache) > self.config.prepared_cache_size:
                cache.popitem(last=False)
            CQL_PREPARED_STATEMENTS.set(len(cache))
        return statement

    @property
    def prepared_cache_size(self) -> int:
        return len(self._prepared)

    def execute(
        self,
        statement: str | Statement | PreparedStatement,
        params: Params = None,
        *,
        write: bool = False,
        timeout: float | None = None,
        tuples: bool = False,
        fresh: bool = False,
    ) -> ResultSet:
        """Runs a statement; ``write`` picks the write consistency, ``fresh`` the fresh
        read consistency, ``tuples`` plain-tuple rows."""
        profile = _profile(write, tuples, fresh)
        kwargs: dict[str, Any] = {"execution_profile": profile}
        if timeout is not None:
            kwargs["timeout"] = timeout
        return self._guarded(
            lambda: self.session.execute(statement, params, **kwargs),
            self.metrics.statement_name(statement),
            self._consistency_of(statement, profile),
        )

    def execute_async(
        self,
        statement: str | Statement | PreparedStatement,
        params: Params = None,
        *,
        write: bool = False,
        tuples: bool = False,
        fresh: bool = False,
    ) -> ResponseFuture:
        """Starts a statement; metrics and the breaker are updated when it completes."""
        if not self.breaker.allow():
            raise self._open_error()
        return self._start(self.session, statement, params, _profile(write, tuples, fresh))

    async def execute_aio(
        self,
        statement: str | Statement | PreparedStatement,
        params: Params = None,
        *,
        write: bool = False,
        tuples: bool = False,
        fresh: bool = False,
    ) -> list[Any]:
        """Awaits a statement sent by the driver's own I/O thread (see ``handoff``).

        Returns the rows of the first page (statements here are bounded by LIMIT).
        """
        if not self.breaker.allow():
            raise self._open_error()
        session = self.session
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[list[Any]] = loop.create_future()
        sender = self._sender

        def resolve(rows: list[Any]) -> None:
            if not waiter.done():
                waiter.set_result(rows if isinstance(rows, list) else list(rows or ()))

        def reject(exc: BaseException) -> None:
            if not waiter.done():
                waiter.set_exception(self.translate_error(exc))

        def done(rows: Any) -> None:
            loop.call_soon_threadsafe(resolve, rows)
            sender.finished()

        def failed(exc: BaseException) -> None:
            loop.call_soon_threadsafe(reject, exc)
            sender.finished()

        def start() -> None:
            try:
                future = self._start(session, statement, params, _profile(write, tuples, fresh))
            except Exception as exc:  # the session closed meanwhile: this call fails
                failed(exc)
                return
            future.add_callbacks(callback=done, errback=failed)

        sender.send(start, session.cluster.connection_class.create_timer)
        return await waiter

    def _start(
        self,
        session: Session,
        statement: str | Statement | PreparedStatement,
        params: Params,
        profile: object,
    ) -> ResponseFuture:
        labels = (self.metrics.statement_name(statement), self._consistency_of(statement, profile))
        started = time.perf_counter()
        future = session.execute_async(statement, params, execution_profile=profile)
        future.add_callbacks(
            callback=self._on_async_success,
            callback_args=(started, labels),
            errback=self._on_async_error,
            errback_args=(started, labels),
        )
        return future

    # ------------------------------------------------------------ internals
    def _consistency_of(self, statement: object, profile: object) -> str:
        """The statement's own consistency level if it has one, else its profile's."""
        level = getattr(statement, "consistency_level", None)
        return consistency_name(level, self._consistency.get(profile, NO_CONSISTENCY))

    def _guarded(self, call: Callable[[], Any], name: str, consistency: str) -> Any:
        if not self.breaker.allow():
            raise self._open_error()
        started = time.perf_counter()
        try:
            result = call()
        except AVAILABILITY_ERRORS as exc:
            self.breaker.record_failure()
            self.metrics.record(name, consistency, time.perf_counter() - started, exc)
            raise self.translate_error(exc) from exc
        except Exception as exc:
            # A bad statement is our bug, not an outage: it does not open the breaker.
            if not isinstance(exc, MessageStoreUnavailable):
                self.breaker.record_success()
            self.metrics.record(name, consistency, time.perf_counter() - started, exc)
            raise
        self.breaker.record_success()
        self.metrics.record(name, consistency, time.perf_counter() - started)
        return result

    def _on_async_success(self, _rows: Any, started: float, labels: tuple[str, str]) -> None:
        self.breaker.record_success()
        self.metrics.record(*labels, time.perf_counter() - started)

    def _on_async_error(self, exc: BaseException, started: float, labels: tuple[str, str]) -> None:
        if isinstance(exc, AVAILABILITY_ERRORS):
            self.breaker.record_failure()
        self.metrics.record(*labels, time.perf_counter() - started, exc)

    def translate_error(self, exc: BaseException) -> BaseException:
        """The error to raise for a failed statement: outages become MessageStoreUnavailable."""
        if isinstance(exc, AVAILABILITY_ERRORS):
            return MessageStoreUnavailable(f"The message store did not answer: {exc}")
        return exc

    def _open_error(self) -> MessageStoreUnavailable:
        return MessageStoreUnavailable(
            "The message store is unavailable (circuit breaker open after repeated failures); "
            f"retry in {self.breaker.retry_after():.1f}s."
        )


def _profile(write: bool, tuples: bool, fresh: bool = False) -> object:
    if fresh and not write:
        return FRESH_READ_TUPLES_PROFILE if tuples else FRESH_READ_PROFILE
    if tuples:
        return WRITE_TUPLES_PROFILE if write else READ_TUPLES_PROFILE
    return WRITE_PROFILE if write else READ_PROFILE


_client: ScyllaClient | None = None
_client_lock = threading.Lock()


def get_scylla_client() -> ScyllaClient:
    """The process's CQL client; raises ``MessageStoreDisabled`` when SCYLLA_ENABLED is false."""
    global _client
    client = _client
    if client is not None:
        return client
    with _client_lock:
        if _client is None:
            config = ScyllaSettings.from_django()
            if not config.enabled:
                raise MessageStoreDisabled()
            _client = ScyllaClient(config)
        return _client


EXIT_LOOP_WAIT = 0.5  # seconds the driver's event loop gets to end at exit
_exit_hook_pid = 0  # the process that registered the exit hook (a fork registers its own)


def _register_exit_hook() -> None:
    """Closes the process's client and the driver's event loop at interpreter exit.

    Left to the driver's own exit hooks, the libev event-loop thread is not
    woken in time and the driver waits 5 s for it before giving up ("Event loop
    thread could not be joined"): every ``manage.py`` command ended with that
    wait. This runs before them, while threads still run: CPython's pre-shutdown
    hook is private (the driver uses it too); elsewhere, atexit.
    """
    global _exit_hook_pid
    if _exit_hook_pid == os.getpid():
        return
    _exit_hook_pid = os.getpid()
    register = getattr(threading, "_register_atexit", atexit.register)
    with contextlib.suppress(RuntimeError):  # the interpreter is already shutting down
        register(functools.partial(_close_at_exit, os.getpid()))


def _close_at_exit(registered_by: int) -> None:
    if os.getpid() != registered_by:
        return  # a forked child: the connections and the loop are the parent's
    client = _client
    if client is not None:
        client.shutdown()
    # With no connection left the libev loop may still sleep on its own timers.
    # Ask it to stop and give it a moment; a loop that does not wake is a daemon
    # thread the interpreter ends anyway, so the driver's hook is told not to wait.
    loop = getattr(sys.modules.get("cassandra.io.libevreactor"), "_global_loop", None)
    thread = getattr(loop, "_thread", None)
    if loop is not None and thread is not None:
        loop._shutdown = True
        loop.notify()
        thread.join(timeout=EXIT_LOOP_WAIT)
        loop._thread = None


def reset_scylla_client() -> None:
    """Closes the client so the next call reads the settings again (tests, settings changes)."""
    global _client
    with _client_lock:
        if _client is not None:
            _client.shutdown()
        _client = None


def peek_scylla_client() -> ScyllaClient | None:
    """The client if this process already made one; never connects (metrics, probes)."""
    return _client
