"""Audit writes. Services call these inside their own transaction so the record and the change
commit or fail together."""

import atexit
import threading
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.utils import timezone

from lindungi.audit.models import AccessLog, AuditEvent
from lindungi.common.bulk import FastInsert


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for fields whose value changed."""
    return {
        key: [_jsonable(old.get(key)), _jsonable(new.get(key))]
        for key in new
        if _jsonable(old.get(key)) != _jsonable(new.get(key))
    }


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def audit_record(
    *, actor, action: str, obj: models.Model | None = None, object_type: str = "", object_id: int | None = None,
    changes: Mapping[str, Any] | None = None, reason: str = "", via: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type or (obj._meta.model_name if obj is not None else ""),
        object_id=object_id if object_id is not None else obj.pk,
        changes={k: v for k, v in (changes or {}).items()},
        reason=reason or "",
        via=via,
    )


class _AccessLogBuffer:
    """Access-log rows are written in small batches: one insert per request on the partner lookup
    path would serialise every request on SQLite's single writer. Rows are kept in memory for at
    most ``ACCESS_LOG_FLUSH_SECONDS`` (a background timer flushes them; so do process exit and any
    read of the log). With the setting at 0 every row is written at once, inside the caller's
    transaction (tests, and installs that want that)."""

    def __init__(self):
        self.rows: list[AccessLog] = []
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None

    def add(self, row: AccessLog) -> None:
        delay = settings.ACCESS_LOG_FLUSH_SECONDS
        if delay <= 0:
            row.save()
            return
        with self.lock:
            self.rows.append(row)
            full = len(self.rows) >= 500
            if self.timer is None and not full:
                self.timer = threading.Timer(delay, self.flush_from_timer)
                self.timer.daemon = True
                self.timer.start()
        if full:
            self.flush()

    def flush_from_timer(self) -> None:
        try:
            self.flush()
        finally:
            connections.close_all()

    def flush(self) -> None:
        with self.lock:
            rows, self.rows = self.rows, []
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
        if rows:
            AccessLog.objects.bulk_create(rows)


_access_buffer = _AccessLogBuffer()
atexit.register(_access_buffer.flush)


def flush_access_log() -> None:
    _access_buffer.flush()


def access_log(*, actor, kind: str, object_type: str, object_id: int | None, via: str = "", detail: str = "") -> None:
    _access_buffer.add(AccessLog(
        at=timezone.now(), actor_id=getattr(actor, "pk", None), kind=kind, object_type=object_type,
        object_id=object_id, via=via, detail=detail[:255],
    ))


def audit_rows(*, actor, action: str, object_type: str, via: str = "", reason: str = "") -> "AuditRows":
    """Audit events of one kind for many records, written together (bulk paths). Each row is what
    ``audit_record`` writes for one record."""
    return AuditRows(actor=actor, action=action, object_type=object_type, via=via, reason=reason)


class AuditRows:
    _insert: FastInsert | None = None

    def __init__(self, *, actor, action: str, object_type: str, via: str, reason: str):
        self.common = {"actor_id": getattr(actor, "pk", None), "action": action, "object_type": object_type,
                       "via": via}
        self.reason = reason
        self.rows: list[dict] = []

    def add(self, *, object_id: int, changes: Mapping[str, Any] | None = None, reason: str | None = None) -> None:
        self.rows.append(dict(self.common, object_id=object_id, changes=dict(changes or {}),
                              reason=self.reason if reason is None else reason))

    def write(self) -> int:
        """One multi-row insert; inside the caller's transaction."""
        if self.rows:
            if AuditRows._insert is None:
                AuditRows._insert = FastInsert(AuditEvent)
            AuditRows._insert.insert(self.rows)
        written, self.rows = len(self.rows), []
        return written
