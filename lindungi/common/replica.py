"""Reads that may come from a PostgreSQL hot standby: statistics, exports and dashboards.

A national install serves checkpoint desks and registrations from the primary while the
heavy read-only work (a year of placements grouped five ways, a 100,000-row export, every officer's
dashboard at 08:00) runs on a standby. Code opts in per read with ``reporting_reads()`` (or the
``@reporting`` decorator) around what it reads; everything else, and every write, stays on the
primary (``ReplicaRouter``).

The standby is used only while it is healthy: it answers and is less than
``REPLICA_MAX_LAG_SECONDS`` behind. Otherwise the same reads go to the primary, so a broken standby
makes reports slower, never unavailable. The verdict is cached for ``REPLICA_CHECK_SECONDS`` per
process so a dashboard does not probe the standby on every request."""

import contextvars
import functools
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError

REPLICA_ALIAS = "replica"

_reads_from: contextvars.ContextVar[str] = contextvars.ContextVar("reads_from", default="")
_LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


@dataclass(frozen=True)
class ReplicaState:
    configured: bool
    usable: bool
    lag_seconds: float | None
    reason: str = ""


_cache_lock = threading.Lock()
_cached: tuple[float, ReplicaState] | None = None


def configured() -> bool:
    return settings.REPLICA_READS and REPLICA_ALIAS in settings.DATABASES


def _probe() -> ReplicaState:
    try:
        with connections[REPLICA_ALIAS].cursor() as cursor:
            cursor.execute(_LAG_SQL)
            lag = float(cursor.fetchone()[0])
    except DatabaseError as exc:
        connections[REPLICA_ALIAS].close()
        return ReplicaState(True, False, None, f"the standby does not answer: {exc.__class__.__name__}")
    if lag > settings.REPLICA_MAX_LAG_SECONDS:
        return ReplicaState(True, False, lag, f"the standby is {lag:.0f} s behind")
    return ReplicaState(True, True, lag)


def state(*, fresh: bool = False) -> ReplicaState:
    """Whether reports may read from the standby now, and how far behind it is."""
    global _cached
    if not configured():
        return ReplicaState(False, False, None)
    now = time.monotonic()
    with _cache_lock:
        if not fresh and _cached and now - _cached[0] < settings.REPLICA_CHECK_SECONDS:
            return _cached[1]
    verdict = _probe()
    with _cache_lock:
        _cached = (now, verdict)
    return verdict


def forget_state() -> None:
    global _cached
    with _cache_lock:
        _cached = None


def reporting_alias() -> str:
    """The alias the current reporting reads use ("" outside ``reporting_reads``)."""
    return _reads_from.get()


@contextmanager
def reporting_reads():
    """Route the ORM reads inside the block to the standby when it is healthy."""
    if _reads_from.get():  # nested: keep the outer decision, one probe per report
        yield _reads_from.get()
        return
    alias = REPLICA_ALIAS if state().usable else DEFAULT_DB_ALIAS
    token = _reads_from.set(alias)
    try:
        yield alias
    finally:
        _reads_from.reset(token)


def reporting(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with reporting_reads():
            return func(*args, **kwargs)
    return wrapper


class ReplicaRouter:
    """Writes, migrations and every read outside ``reporting_reads`` go to the primary."""

    def db_for_read(self, model, **hints):
        return _reads_from.get() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the standby is a copy of the same database

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
