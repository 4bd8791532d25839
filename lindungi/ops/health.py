"""Liveness and readiness checks (docs/operations.md, "Probes").

Each check answers ``(ok, detail)``; ``detail`` holds counts and names only, never personal data."""

import shutil
import time

from django.conf import settings
from django.db import connection

from lindungi.common.workers import stale_running
from lindungi.exports.models import ExportJob
from lindungi.imports.models import ImportBatch

BACKGROUND_MODELS = (("imports", ImportBatch), ("exports", ExportJob))


def check_database() -> tuple[bool, dict]:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return False, {"error": type(exc).__name__}
    return True, {"latency_ms": round((time.monotonic() - started) * 1000, 1)}


def queue_depth() -> dict[str, int]:
    return {name: model.objects.filter(status=model.Status.QUEUED).count() for name, model in BACKGROUND_MODELS}


def check_worker() -> tuple[bool, dict]:
    """Every running import and export has a fresh heartbeat (``WORKER_STALE_SECONDS``): a stale one
    means its worker died and ``recover_jobs`` has not taken it over."""
    try:
        stale = {name: model.objects.filter(stale_running(), status=model.Status.RUNNING).count()
                 for name, model in BACKGROUND_MODELS}
        depth = queue_depth()
    except Exception as exc:  # noqa: BLE001
        return False, {"error": type(exc).__name__}
    return not any(stale.values()), {"stale_running": stale, "queued": depth}


def check_disk() -> tuple[bool, dict]:
    path = str(settings.READYZ_DISK_PATH)
    try:
        free = shutil.disk_usage(path).free
    except OSError as exc:
        return False, {"error": type(exc).__name__}
    minimum = settings.READYZ_MIN_FREE_DISK_MB * 1024 * 1024
    return free >= minimum, {"free_mb": free // (1024 * 1024), "min_free_mb": settings.READYZ_MIN_FREE_DISK_MB}


def readiness() -> tuple[bool, dict]:
    checks = {}
    database_ok, checks["database"] = check_database()
    if database_ok:
        worker_ok, checks["worker"] = check_worker()
    else:
        worker_ok, checks["worker"] = False, {"error": "database unavailable"}
    disk_ok, checks["disk"] = check_disk()
    for name, ok in (("database", database_ok), ("worker", worker_ok), ("disk", disk_ok)):
        checks[name]["ok"] = ok
    return database_ok and worker_ok and disk_ok, checks
