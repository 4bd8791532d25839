from django.db.models import QuerySet

from lindungi.audit.models import AccessLog, AuditEvent


def audit_events_for(*, object_type: str, object_id: int, extra_ids: dict[str, list[int]] | None = None) -> QuerySet:
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).select_related("actor")


def access_log_for(*, object_type: str, object_id: int) -> QuerySet:
    return AccessLog.objects.filter(object_type=object_type, object_id=object_id).select_related("actor")
