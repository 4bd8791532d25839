"""Scoped reads of arrivals: the arrivals board of an entry point, one arrival, a case's arrivals."""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import has_perm, require_perm
from lindungi.audit.models import AccessLog
from lindungi.audit.services import access_log
from lindungi.common.errors import NotFound, ValidationFailed
from lindungi.common.inputs import is_public_id
from lindungi.common.pagination import Page, paginate
from lindungi.returns.models import Arrival, ArrivalType
from lindungi.returns.perms import RETURN_VIEW

RELATIONS = ("unit", "person", "placement", "case", "country")


def arrival_filtered_for(actor, *, entry_point: str = "", kind: str = "", on: date | None = None,
                         q: str = "") -> QuerySet:
    require_perm(actor, RETURN_VIEW, _("You are not allowed to view arrivals."))
    if kind and kind not in ArrivalType.values:
        raise ValidationFailed.from_fields({"kind": _("Must be one of: %(c)s.") % {
            "c": ", ".join(ArrivalType.values)}})
    queryset = Arrival.objects.visible_to(actor)
    if entry_point:
        queryset = queryset.filter(entry_point__iexact=entry_point.strip())
    if kind:
        queryset = queryset.filter(kind=kind)
    if on:
        queryset = queryset.filter(arrived_at__date=on)
    if q:
        queryset = queryset.filter(Q(full_name__icontains=q.strip()) | Q(nik=q.strip()))
    return queryset


def arrival_list_for(actor, *, page: int = 1, page_size: int = 25, **filters) -> Page:
    queryset = arrival_filtered_for(actor, **filters).select_related(*RELATIONS).order_by("-arrived_at", "-id")
    return paginate(queryset, page=page, page_size=page_size)


def arrival_get_for(actor, public_id, *, via: str = "web") -> Arrival:
    require_perm(actor, RETURN_VIEW, _("You are not allowed to view arrivals."))
    arrival = (Arrival.objects.visible_to(actor).filter(public_id=public_id).select_related(*RELATIONS).first()
               if is_public_id(public_id) else None)
    if arrival is None:
        raise NotFound(_("Arrival not found."))
    access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="arrival", object_id=arrival.pk,
               persons=[arrival.person_id], via=via)
    return arrival


def arrivals_for_case(actor, case) -> list[Arrival]:
    """The arrivals linked to a case the actor already sees (the case page)."""
    if not has_perm(actor, RETURN_VIEW):
        return []
    return list(Arrival.objects.filter(case=case).order_by("-arrived_at"))


def entry_points_for(actor) -> list[str]:
    if not has_perm(actor, RETURN_VIEW):
        return []
    return list(Arrival.objects.visible_to(actor).order_by("entry_point").values_list("entry_point", flat=True)
                .distinct())


def arrivals_count(*, start, end, unit_id: int | None = None, workers_only: bool = True) -> int:
    """Arrivals with ``start <= arrived_at < end`` (aware datetimes), optionally only those received
    by ``unit_id``; family members travelling with a worker are not workers' returns. An unscoped
    aggregate for statistics."""
    qs = Arrival.objects.filter(arrived_at__gte=start, arrived_at__lt=end)
    if workers_only:
        qs = qs.exclude(kind=ArrivalType.FAMILY)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.count()
