"""Reads of the audit trail and the access log. Permission checks and scoping by person are done by
the callers that know the actor's role (``lindungi.registry.access``): this kernel module only
builds the queries."""

from datetime import datetime

from django.db.models import QuerySet

from lindungi.audit.models import AccessLog, AuditEvent


def audit_events_for(*, object_type: str, object_id: int, extra_ids: dict[str, list[int]] | None = None) -> QuerySet:
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).select_related("actor")


def access_log_for(*, object_type: str, object_id: int) -> QuerySet:
    return AccessLog.objects.filter(object_type=object_type, object_id=object_id).select_related("actor")


def persons_logged(*, object_type: str, object_id: int, kind: str) -> list[int]:
    """The people named by the access-log rows of one record (e.g. everyone in an export file)."""
    return list(AccessLog.objects.filter(object_type=object_type, object_id=object_id, kind=kind,
                                         person_id__isnull=False)
                .order_by("seq").values_list("person_id", flat=True))


def access_log_search(*, actor_id: int | None = None, person_id: int | None = None,
                      since: datetime | None = None, until: datetime | None = None, route: str = "",
                      kind: str = "", person_ids: QuerySet | None = None) -> QuerySet:
    """Access-log rows, newest first, filtered by who, whom, when and which route (a prefix).
    ``person_ids`` restricts the rows to people the reader may see (rows naming nobody are then left out)."""
    qs = AccessLog.objects.select_related("actor")
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    if route:
        qs = qs.filter(route__startswith=route)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-at", "-id")
