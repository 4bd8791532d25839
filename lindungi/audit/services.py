"""Audit writes. Services call these inside their own transaction so the record and the change
commit or fail together."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

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
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type or (obj._meta.model_name if obj is not None else ""),
        object_id=object_id if object_id is not None else obj.pk,
        changes={k: v for k, v in (changes or {}).items()},
        reason=reason or "",
        via=via,
    )


def access_log(*, actor, kind: str, object_type: str, object_id: int | None, via: str = "", detail: str = "") -> None:
    AccessLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind, object_type=object_type, object_id=object_id, via=via, detail=detail[:255],
    )
