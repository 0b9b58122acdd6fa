"""Report reads on a PostgreSQL streaming replica (`DATABASE_REPLICA_URL`), the rest on the primary.

Only code that asks for it reads from the replica: a report selector decorated with `@on_replica` (dashboards,
assessment, the exports built from them). Every write, every other read, and every read inside a transaction on the
primary (it must see its own writes) go to the primary. Before it is used, the replica is checked — reachable, and
its replay no more than `BIANMIN_REPLICA_MAX_LAG_SECONDS` behind — and the answer kept for a few seconds; when it is
down or lags, or fails in the middle of a report, the report reads from the primary instead: slower, never wrong.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
# How long an answer of the health check holds: a dashboard does not pay a round trip to ask, and a replica that
# went down is left alone for as long.
CHECK_SECONDS = 5.0

_state = threading.local()
_health: dict[str, tuple[float, bool]] = {}
_health_lock = threading.Lock()

P = ParamSpec("P")
R = TypeVar("R")

# Seconds the replica's replay is behind: 0 when it has replayed all it received (an idle primary sends nothing,
# so the last replayed transaction's age says nothing then); a server not in recovery is not a replica at all.
LAG_SQL = (
    "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


def configured() -> bool:
    return REPLICA in connections.settings


def forget_health() -> None:
    with _health_lock:
        _health.clear()


def _mark(ok: bool) -> bool:
    with _health_lock:
        _health[REPLICA] = (time.monotonic(), ok)
    return ok


def replica_usable() -> bool:
    """Reachable, a standby, and within the allowed lag (answer cached for CHECK_SECONDS)."""
    if not configured():
        return False
    with _health_lock:
        cached = _health.get(REPLICA)
    if cached is not None and time.monotonic() - cached[0] < CHECK_SECONDS:
        return cached[1]
    try:
        with connections[REPLICA].cursor() as cur:
            cur.execute(LAG_SQL)
            in_recovery, lag = cur.fetchone()
    except DatabaseError:
        logger.warning("report replica unreachable; reports read from the primary", exc_info=True)
        _close_replica()
        return _mark(False)
    limit = float(settings.BIANMIN_REPLICA_MAX_LAG_SECONDS)
    ok = bool(in_recovery) and float(lag) <= limit
    if not ok:
        logger.warning("report replica not used: in recovery %s, lag %.1f s (limit %.1f s)", in_recovery, lag, limit)
    return _mark(ok)


def _close_replica() -> None:
    with suppress(DatabaseError):
        connections[REPLICA].close()


def reading_from_replica() -> bool:
    return bool(getattr(_state, "on", False))


@contextmanager
def using_replica() -> Iterator[bool]:
    """Route this thread's reads to the replica while it is usable and no primary transaction is open; answers
    whether it did."""
    if getattr(_state, "on", False):
        yield True
        return
    use = not connections[DEFAULT_DB_ALIAS].in_atomic_block and replica_usable()
    _state.on = use
    try:
        yield use
    finally:
        _state.on = False


def on_replica(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a read-only report function on the replica, and again on the primary if the replica fails mid-way (lost
    connection, a query cancelled by recovery: `OperationalError`). A report is a read: running it twice is safe."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with using_replica() as used:
            if not used:
                return fn(*args, **kwargs)
            try:
                return fn(*args, **kwargs)
            except OperationalError:
                logger.warning("report replica failed during %s; read again from the primary", fn.__name__)
                _close_replica()
                _mark(False)
        return fn(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Reads inside `using_replica()` go to the replica; everything else to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        return REPLICA if reading_from_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
