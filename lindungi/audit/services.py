"""Audit writes. Services call these inside their own transaction so the record and the change
commit or fail together. Both the audit trail and the access log are hash chains
(``lindungi.audit.chain``); nothing else writes their rows."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from lindungi.audit import chain
from lindungi.audit.context import current_route
from lindungi.audit.models import AccessLog, AuditEvent


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
    event = AuditEvent(
        at=timezone.now(),
        actor_id=actor.pk if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type or (obj._meta.model_name if obj is not None else ""),
        object_id=object_id if object_id is not None else obj.pk,
        changes=chain.normalise_json(dict(changes or {})),
        reason=reason or "",
        via=via,
    )
    chain.append(chain.AUDIT, [event])
    return event


def audit_insert(
    *, actor, action: str, object_type: str, object_id: int, changes: Mapping[str, Any], at: datetime,
    reason: str = "", via: str = "",
) -> None:
    """``audit_record`` for hot paths that already hold the time and need nothing back. The row is
    chained like every other (``chain.append``), inside the caller's transaction."""
    chain.append(chain.AUDIT, [AuditEvent(
        at=at, actor_id=getattr(actor, "pk", None), action=action, object_type=object_type, object_id=object_id,
        changes=chain.normalise_json(dict(changes)), reason=reason or "", via=via,
    )])


def audit_rows(*, actor, action: str, object_type: str, via: str = "", reason: str = "") -> "AuditRows":
    """Audit events of one kind for many records, written together (bulk paths). Each row is what
    ``audit_record`` writes for one record."""
    return AuditRows(actor=actor, action=action, object_type=object_type, via=via, reason=reason)


class AuditRows:
    def __init__(self, *, actor, action: str, object_type: str, via: str, reason: str):
        self.common = {"actor_id": getattr(actor, "pk", None), "action": action, "object_type": object_type,
                       "via": via}
        self.reason = reason
        self.rows: list[AuditEvent] = []

    def add(self, *, object_id: int, changes: Mapping[str, Any] | None = None, reason: str | None = None) -> None:
        self.rows.append(AuditEvent(**self.common, object_id=object_id,
                                    changes=chain.normalise_json(dict(changes or {})),
                                    reason=self.reason if reason is None else reason))

    def write(self) -> int:
        """Chained and inserted together, inside the caller's transaction."""
        rows, self.rows = self.rows, []
        at = timezone.now()
        for row in rows:
            row.at = at
        chain.append(chain.AUDIT, rows)
        return len(rows)


def access_log(*, actor, kind: str, object_type: str, object_id: int | None = None,
               persons: Iterable[int | None] = (), via: str = "", detail: str = "") -> list[AccessLog]:
    """Record that a response shows personal data: one row per person shown (``persons``: their
    database ids), or one row without a person when it showed nobody (a miss, an empty list). The
    rows are written and chained at once, in the caller's transaction (or their own), before the
    response leaves: nothing acknowledged is held in memory."""
    at, route = timezone.now(), current_route.get()
    actor_id = getattr(actor, "pk", None)
    ids = list(dict.fromkeys(pk for pk in persons if pk is not None)) or [None]
    rows = [AccessLog(at=at, actor_id=actor_id, kind=kind, object_type=object_type, object_id=object_id,
                      person_id=pk, route=route, via=via, detail=detail[:255]) for pk in ids]
    chain.append(chain.ACCESS, rows)
    return rows
