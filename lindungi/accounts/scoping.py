"""The one scoping mechanism. Every scoped model's ``visible_to(actor)`` calls ``scope_queryset``
with the names of its region and company columns; selectors never filter by role themselves.

- central administrators and analysts see everything;
- unit officers see rows whose region lies in their unit's current coverage;
- P3MI staff see rows of their own company;
- checkpoint officers and partner API clients may look any row up, but only by exact identifier:
  the selectors enforce that (see ``LOOKUP_ONLY_ROLES``);
- anyone else (inactive, anonymous, unknown role) sees nothing.
"""

from collections.abc import Callable

from django.db import connections
from django.db.models import F, Func, IntegerField, Q, QuerySet

from lindungi.accounts.roles import LOOKUP_ONLY_ROLES, NATIONAL_ROLES, Role

# unit id -> queryset of the regency ids the unit covers today; registered by the reference app
# (``ReferenceConfig.ready``), which owns organisational units and their coverage.
_unit_coverage: Callable[[int], QuerySet] | None = None


def register_unit_coverage(resolver: Callable[[int], QuerySet]) -> None:
    global _unit_coverage
    _unit_coverage = resolver


def scope_queryset(queryset: QuerySet, actor, *, regency_field: str | None, agency_field: str | None,
                   unit_filter: Callable[[int], Q] | None = None, agency_filter: Callable[[int], Q] | None = None,
                   lookup_only_sees_all: bool = True) -> QuerySet:
    """``unit_filter`` / ``agency_filter`` replace the region and company columns for records that
    belong to a unit or a company some other way (a case is assigned to a unit, not to a region;
    a P3MI sees a case only through a clarification request addressed to it).
    ``lookup_only_sees_all=False`` hides the records from the lookup-only roles altogether."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return queryset.none()
    role = actor.role
    if role in NATIONAL_ROLES or (role in LOOKUP_ONLY_ROLES and lookup_only_sees_all):
        return queryset
    if role == Role.UNIT_OFFICER and actor.unit_id and unit_filter is not None:
        return queryset.filter(unit_filter(actor.unit_id))
    if role == Role.UNIT_OFFICER and actor.unit_id and regency_field:
        coverage = _unit_coverage(actor.unit_id)
        if connections[queryset.db].vendor == "sqlite":
            # SQLite would drive every scoped list from the regency index and sort all the unit's
            # rows; a unary plus leaves it the index that matches the list's order (the planner of
            # PostgreSQL weighs both by its statistics).
            return queryset.alias(scope_regency=Func(F(regency_field), template="+%(expressions)s",
                                                     output_field=IntegerField())).filter(scope_regency__in=coverage)
        return queryset.filter(**{f"{regency_field}__in": coverage})
    if role == Role.P3MI_STAFF and actor.agency_id and agency_filter is not None:
        return queryset.filter(agency_filter(actor.agency_id))
    if role == Role.P3MI_STAFF and actor.agency_id and agency_field:
        return queryset.filter(**{agency_field: actor.agency_id})
    return queryset.none()


