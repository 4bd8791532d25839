"""Scoped reads of placements, job orders and SIP2MI, and the one place that turns database rows
into the plain facts the state machine's guards read (``transition_context``)."""

import datetime as dt
import re
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.audit.models import AccessLog
from lindungi.audit.services import access_log
from lindungi.common.errors import NotFound, PermissionDenied, ValidationFailed
from lindungi.common.inputs import is_public_id
from lindungi.common.pagination import Page, paginate
from lindungi.placements import states
from lindungi.placements.checklist import checklist_status
from lindungi.placements.models import (
    DepartureCount,
    DestinationRule,
    JobOrder,
    Placement,
    PlacementCount,
    PlacementTransition,
    Scheme,
    Sip2mi,
)
from lindungi.placements.perms import JOB_ORDER_VIEW, PLACEMENT_VIEW
from lindungi.placements.states import (
    AgencyFacts,
    DestinationRuleFacts,
    PersonFacts,
    PlacementFacts,
    Sip2miFacts,
    TransitionContext,
)
from lindungi.reference.selectors import org_unit_by_code, regency_ids_covered_by
from lindungi.registry.selectors import as_listed, described_filters


def today() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Agency standing
# ---------------------------------------------------------------------------------------------


def agency_standing(agency, day: date, *, country: str | None = None, scheme: str | None = None) -> tuple[bool, str]:
    """Good standing of a P3MI on ``day`` for a placement to ``country`` (ISO2) under ``scheme``
    (code), from ``lindungi.agencies.rules.standing_on``: a partial suspension bars only the
    countries and schemes it names."""
    from lindungi.agencies.rules import standing_on

    return standing_on(agency, day, country=country, scheme=scheme)


def placement_agency_standing(placement, day: date) -> tuple[bool, str]:
    """The standing of a placement's P3MI for that placement's destination and scheme."""
    return agency_standing(placement.agency, day, country=placement.country.iso2, scheme=placement.scheme.code)


# ---------------------------------------------------------------------------------------------
# Facts for the guards
# ---------------------------------------------------------------------------------------------


def destination_rule_facts(country_id: int | None, *, day: date) -> list[DestinationRuleFacts]:
    """The destination rules in force on ``day`` for one country (every country with None)."""
    rows = DestinationRule.objects.all()
    if country_id is not None:
        rows = rows.filter(country_id=country_id)
    rows = (rows
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .select_related("country", "occupation"))
    return [
        DestinationRuleFacts(
            country=r.country.iso2, status=r.status, occupation=r.occupation.isco_code if r.occupation_id else None,
            domestic_workers_only=r.domestic_workers_only, employer_legal_type=r.employer_legal_type,
            valid_from=r.valid_from, valid_to=r.valid_to, note_id=r.note_id, note_en=r.note_en,
            legal_basis=r.legal_basis,
        )
        for r in rows
    ]


def destination_blocks_for(*, country, occupation, employer_legal_type: str | None, day: date,
                           rules: list[DestinationRuleFacts] | None = None):
    """``rules``: the country's rules in force on ``day`` when the caller already holds them."""
    return states.destination_blocks(
        destination_rule_facts(country.pk, day=day) if rules is None else rules, country=country.iso2,
        occupation=occupation.isco_code,
        domestic=occupation.domestic_worker, employer_legal_type=employer_legal_type, day=day,
    )


def _language() -> str:
    return (get_language() or "id")[:2]


def sip2mi_facts(sip2mi: Sip2mi | None, *, held: bool = False) -> Sip2miFacts | None:
    if sip2mi is None:
        return None
    return Sip2miFacts(number=sip2mi.number, status=sip2mi.status, quota=sip2mi.quota, used=sip2mi.used,
                       valid_from=sip2mi.valid_from, valid_until=sip2mi.valid_until, held=held)


# Relations a job order is shown with.
JOB_ORDER_RELATIONS = ("agency", "employer", "foreign_agency", "country", "occupation")
# Relations the guards read; loaders that select these up front spare transition_context a query.
CONTEXT_RELATIONS = ("person", "scheme", "agency", "job_order", "sip2mi", "employer", "country", "occupation")


def transition_context(placement: Placement, *, on: date | None = None, items=None,
                       rules: list[DestinationRuleFacts] | None = None) -> TransitionContext:
    """Read everything the guards need, once, into plain frozen dataclasses. A bulk caller that
    already holds the placement's checklist ``items`` and its country's destination ``rules`` for
    the day passes them and nothing is read."""
    day = on or today()
    if not all(Placement._meta.get_field(name).is_cached(placement) or getattr(placement, f"{name}_id") is None
               for name in CONTEXT_RELATIONS):
        placement = Placement.objects.select_related(*CONTEXT_RELATIONS).get(pk=placement.pk)
    employer_type = placement.employer.legal_type if placement.employer_id else None
    agency = None
    if placement.agency_id:
        good, reason = placement_agency_standing(placement, day)
        agency = AgencyFacts(name=placement.agency.legal_name, good_standing=good, reason=reason)
    items = list(placement.checklist_items.all()) if items is None else items
    return TransitionContext(
        today=day,
        placement=PlacementFacts(
            state=placement.state, contract_start=placement.contract_start, contract_end=placement.contract_end,
            has_agency=placement.agency_id is not None, has_employer=placement.employer_id is not None,
            employer_legal_type=employer_type,
            job_order_status=placement.job_order.status if placement.job_order_id else None,
            country=placement.country.name_en if _language() == "en" else placement.country.name_id,
        ),
        person=PersonFacts(birth_date=placement.person.birth_date, education=placement.person.education),
        scheme=placement.scheme.facts(_language()),
        checklist=checklist_status(items, on=day, contract_end=placement.contract_end),
        agency=agency,
        sip2mi=sip2mi_facts(placement.sip2mi, held=placement.quota_held),
        destination_blocks=destination_blocks_for(country=placement.country, occupation=placement.occupation,
                                                  employer_legal_type=employer_type, day=day, rules=rules),
    )


# ---------------------------------------------------------------------------------------------
# Placements
# ---------------------------------------------------------------------------------------------


def _can_view_placements(actor) -> None:
    require_perm(actor, PLACEMENT_VIEW, _("You are not allowed to view placements."))


def placement_queryset_for(
    actor, *, state: str = "", scheme: str = "", country: str = "", agency: str = "", occupation: str = "",
    nik: str = "", passport: str = "", q: str = "", reached: str = "", reached_year: int | None = None,
    unit: str = "",
) -> QuerySet:
    """Scoped and filtered. Lookup-only roles (checkpoints) must give an exact NIK or passport.
    ``reached`` with ``reached_year``: placements that moved to that state during that calendar year;
    ``unit``: people from the regencies a unit (code) covers today (the records behind a statistics
    figure of that unit)."""
    _can_view_placements(actor)
    nik, passport = nik.strip(), passport.strip().upper()
    if actor.is_lookup_only and not (nik or passport):
        raise PermissionDenied(_("Your role may look placements up by NIK or passport number only."))
    qs = Placement.objects.visible_to(actor)
    if state:
        if state not in states.PlacementState.values:
            raise ValidationFailed.from_fields({"state": _("Unknown state.")})
        qs = qs.filter(state=state)
    if scheme:
        qs = qs.filter(scheme__code=scheme)
    if country:
        qs = qs.filter(country__iso2=country.upper())
    if agency:
        qs = qs.filter(agency__public_id=agency) if is_public_id(agency) else qs.none()
    if occupation:
        qs = qs.filter(occupation__isco_code=occupation)
    if nik:
        qs = qs.filter(person__nik=nik)
    if passport:
        qs = qs.filter(person__passports__number=passport)
    if q.strip():
        term = q.strip()
        qs = qs.filter(Q(person__nik=term) | Q(person__full_name__icontains=term))
    if unit:
        found = org_unit_by_code(unit)
        qs = qs.filter(person__regency__in=regency_ids_covered_by(found.pk)) if found else qs.none()
    if reached or reached_year:
        if reached not in states.PlacementState.values or not reached_year:
            raise ValidationFailed.from_fields({"reached": _("Give a state and a year.")})
        start, end = year_bounds(reached_year)
        qs = qs.filter(Exists(PlacementTransition.objects.filter(
            placement=OuterRef("pk"), to_state=reached, at__gte=start, at__lt=end)))
    return qs.select_related("person", "scheme", "agency", "country", "occupation", "employer").order_by(
        "-state_changed_at", "-id")


# The web board counts a filtered list up to this many ("more than 10,000").
COUNT_LIMIT = 10_000


def _counted_by_state(filters: dict) -> bool:
    """True when the maintained counts answer the filters (none, or only a state)."""
    return not any(value for name, value in filters.items() if name != "state")


def placement_list_for(actor, *, page: int = 1, page_size: int = 25, via: str = "web",
                       count_limit: int | None = None, **filters) -> Page:
    """One page of the board. Its total comes from the maintained counts when only a state filters
    it; otherwise it is counted (up to ``count_limit`` when given: the web board passes one)."""
    qs = placement_queryset_for(actor, **filters)
    total = None
    if _counted_by_state(filters) and not actor.is_lookup_only:
        counts = placement_state_counts_for(actor, **filters)
        total = counts[filters["state"]] if filters.get("state") else sum(counts.values())
    result = paginate(qs, page=page, page_size=page_size, count_limit=count_limit, total=total)
    access_log(actor=actor, kind=AccessLog.Kind.LOOKUP if actor.is_lookup_only else AccessLog.Kind.VIEW,
               object_type="placement_list", persons=[placement.person_id for placement in result.items], via=via,
               detail=f"{result.total} result(s) for {described_filters(filters)}")
    list(as_listed(actor, (placement.person for placement in result.items)))  # NIKs as lists show them
    return result


def placement_state_counts_for(actor, **filters) -> dict[str, int]:
    """Count per state for the pipeline board (every state present, zero when empty). Without
    filters besides the state they are sums of the trigger-maintained ``PlacementCount`` rows in
    the actor's scope (a few hundred rows at most, whatever the number of placements)."""
    filters = {k: v for k, v in filters.items() if k != "state"}
    qs = placement_queryset_for(actor, **filters)  # permission, lookup-only rule, filter validation
    if _counted_by_state(filters):
        counts = dict(PlacementCount.objects.visible_to(actor).order_by().values_list("state")
                      .annotate(total=Sum("n")))
    else:
        counts = dict(qs.order_by().values_list("state").annotate(n=Count("id")))
    return {value: counts.get(value, 0) for value in states.PlacementState.values}


def require_looked_up(actor, placement: Placement, identifier: dict | None) -> None:
    """Lookup-only roles (checkpoint officers) reach a placement only with the exact NIK or passport
    number of its worker, the one they looked it up by; with an id alone it does not exist for them
    (404), so an id cannot be used to browse. Other roles pass."""
    if not actor.is_lookup_only:
        return
    identifier = identifier or {}
    nik = str(identifier.get("nik") or "").strip()
    passport = str(identifier.get("passport") or "").strip().upper()
    person = placement.person
    if nik and nik == person.nik:
        return
    if passport and person.passports.filter(number=passport).exists():
        return
    raise NotFound(_("Placement not found."))


def placement_get_for(actor, public_id, *, via: str = "web", log: bool = True,
                      identifier: dict | None = None) -> Placement:
    """One placement by public id. Checkpoint officers must also give the worker's NIK or passport
    number (``identifier``), as they looked it up (``require_looked_up``)."""
    _can_view_placements(actor)
    if not is_public_id(public_id):
        raise NotFound(_("Placement not found."))
    placement = (Placement.objects.visible_to(actor).filter(public_id=public_id)
                 .select_related("person", "person__regency", "scheme", "agency", "job_order", "sip2mi",
                                 "employer", "country", "occupation", "unit").first())
    if placement is None:
        raise NotFound(_("Placement not found."))
    require_looked_up(actor, placement, identifier)
    if log:
        access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="placement", object_id=placement.pk,
                   persons=[placement.person_id], via=via)
    return placement


def placement_timeline(placement: Placement) -> list[PlacementTransition]:
    return list(placement.transitions.select_related("actor").order_by("at", "id"))


def placement_eligibility_warnings(placement: Placement, *, on: date | None = None, items=None,
                                   rules: list[DestinationRuleFacts] | None = None) -> list[states.Unmet]:
    """What would stop this placement at selection, evaluated now: shown as warnings at creation."""
    return states.unmet_conditions(states.SELECTION, transition_context(placement, on=on, items=items, rules=rules))


def placement_next_steps(actor, placement: Placement, *, on: date | None = None,
                         context: TransitionContext | None = None) -> list[dict]:
    """Every transition out of the current state, with whether the actor may take it and, for each,
    every condition still unmet."""
    ctx = context or transition_context(placement, on=on)
    steps = []
    for to_state in states.targets_from(placement.state):
        rule = states.TRANSITIONS[(placement.state, to_state)]
        unmet = states.evaluate(placement.state, to_state, ctx)
        steps.append({
            "to_state": to_state,
            "label": states.PlacementState(to_state).label,
            "name": rule.name,
            "permitted": actor.has_role_perm(rule.permission),
            "needs_reason": rule.needs_reason,
            "unmet": unmet,
            "ready": not unmet,
        })
    return steps


def placement_overview(actor, placement: Placement, *, on: date | None = None,
                       context: TransitionContext | None = None) -> dict:
    """Everything the detail page and the API detail show: checklist, timeline, next steps. A
    ``context`` the caller already holds (a transition's) is used instead of reading the facts again."""
    ctx = context or transition_context(placement, on=on)
    day = ctx.today
    required = placement.scheme.required_items or []
    checklist = [
        {"status": ctx.checklist[kind], "required": kind in required}
        for kind in ctx.checklist
    ]
    return {
        "placement": placement,
        "on": day,
        "checklist": checklist,
        "items": list(placement.checklist_items.select_related("recorded_by").order_by("kind", "-issued_on", "-id")),
        "timeline": placement_timeline(placement),
        "next_steps": placement_next_steps(actor, placement, context=ctx),
    }


# ---------------------------------------------------------------------------------------------
# Job orders and SIP2MI
# ---------------------------------------------------------------------------------------------


def job_order_queryset_for(actor, *, status: str = "", country: str = "", occupation: str = "",
                           agency: str = "", order_by: tuple[str, ...] = ("-created_at", "-id")) -> QuerySet:
    require_perm(actor, JOB_ORDER_VIEW, _("You are not allowed to view job orders."))
    qs = JobOrder.objects.visible_to(actor)
    if status:
        qs = qs.filter(status=status)
    if country:
        qs = qs.filter(country__iso2=country.upper())
    if occupation:
        qs = qs.filter(occupation__isco_code=occupation)
    if agency:
        qs = qs.filter(agency__public_id=agency) if is_public_id(agency) else qs.none()
    return qs.select_related(*JOB_ORDER_RELATIONS).order_by(*order_by)


def job_order_list_for(actor, *, page: int = 1, page_size: int = 25, **filters) -> Page:
    return paginate(job_order_queryset_for(actor, **filters), page=page, page_size=page_size)


def job_order_get_for(actor, public_id) -> JobOrder:
    require_perm(actor, JOB_ORDER_VIEW, _("You are not allowed to view job orders."))
    if not is_public_id(public_id):
        raise NotFound(_("Job order not found."))
    job_order = (JobOrder.objects.visible_to(actor).filter(public_id=public_id)
                 .select_related(*JOB_ORDER_RELATIONS).first())
    if job_order is None:
        raise NotFound(_("Job order not found."))
    return job_order


def job_order_permits(job_order: JobOrder) -> list[Sip2mi]:
    return list(job_order.permits.order_by("-valid_from", "-id"))


def public_job_order_queryset(*, country: str = "", occupation: str = "", on: date | None = None) -> QuerySet:
    """Verified job orders still recruiting: an active SIP2MI in force on the day with quota left.
    Public information only (no personal data), so no actor and no scoping."""
    day = on or today()
    open_permits = Sip2mi.objects.filter(
        status=Sip2mi.Status.ACTIVE, valid_from__lte=day, valid_until__gte=day, used__lt=F("quota"),
    )
    qs = (JobOrder.objects.filter(status=JobOrder.Status.VERIFIED, pk__in=open_permits.values("job_order_id"))
          .select_related("agency", "employer", "country", "occupation").order_by("-verified_on", "-id"))
    if country:
        qs = qs.filter(country__iso2=country.upper())
    if occupation:
        qs = qs.filter(occupation__isco_code=occupation)
    return qs


def public_job_order_list(*, page: int = 1, page_size: int = 25, country: str = "", occupation: str = "",
                          on: date | None = None) -> Page:
    day = on or today()
    country, occupation = (country or "").strip(), (occupation or "").strip()
    errors: dict[str, list[str]] = {}
    if country and not re.fullmatch(r"[A-Za-z]{2}", country):
        errors["country"] = [_("Give a two-letter ISO country code, e.g. TW.")]
    if occupation and not re.fullmatch(r"\d{1,4}", occupation):
        errors["occupation"] = [_("Give an ISCO-08 code of up to 4 digits, e.g. 5322.")]
    if errors:
        raise ValidationFailed.from_fields(errors)
    result = paginate(public_job_order_queryset(country=country, occupation=occupation, on=day),
                      page=page, page_size=page_size)
    remaining = dict(
        Sip2mi.objects.filter(job_order__in=[j.pk for j in result.items], status=Sip2mi.Status.ACTIVE,
                              valid_from__lte=day, valid_until__gte=day)
        .values_list("job_order_id").annotate(left=_sum_remaining()).order_by()
    )
    for job_order in result.items:
        job_order.openings = remaining.get(job_order.pk, 0)
    return result


def _sum_remaining():
    from django.db.models import Sum

    return Sum(F("quota") - F("used"))


def scheme_list() -> list[Scheme]:
    return list(Scheme.objects.order_by("code"))


# ---------------------------------------------------------------------------------------------
# Reads for the web screens: a person's placements, dashboard figures, form choices
# ---------------------------------------------------------------------------------------------


def person_placements_for(actor, person, *, via: str = "web") -> list[Placement]:
    """Every placement of one person that the actor may see (newest first), for the person page.
    Logged: it shows where and for whom the person works."""
    _can_view_placements(actor)
    if actor.is_lookup_only:
        raise PermissionDenied(_("Your role may look placements up by NIK or passport number only."))
    placements = list(
        Placement.objects.visible_to(actor).filter(person=person)
        .select_related("scheme", "agency", "country", "occupation", "employer", "job_order", "sip2mi")
        .order_by("-created_at", "-id")
    )
    access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="person_placements", object_id=person.pk,
               persons=[person.pk], via=via, detail=f"{len(placements)} placement(s)")
    return placements


# Stages of the pipeline summary (dashboard): label key -> states counted in it.
PIPELINE_STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("registered", (states.PlacementState.REGISTERED,)),
    ("verified", (states.PlacementState.VERIFIED,)),
    ("selected", (states.PlacementState.SELECTED,)),
    ("agreement_signed", (states.PlacementState.AGREEMENT_SIGNED,)),
    ("documents_verified", (states.PlacementState.DOCUMENTS_VERIFIED,)),
    ("orientation_done", (states.PlacementState.ORIENTATION_DONE,)),
    ("ready_to_depart", (states.PlacementState.READY_TO_DEPART,)),
    ("abroad", tuple(sorted(states.ABROAD))),
    ("returned", tuple(sorted(states.RETURN_STATES))),
    ("returnee", (states.PlacementState.RETURNEE,)),
    ("blocked_sanction", (states.PlacementState.BLOCKED_SANCTION,)),
    ("ended", tuple(sorted(states.TERMINAL - {states.PlacementState.RETURNEE}))),
)


def placement_departed_count_for(actor, *, year: int | None = None) -> int:
    """Placements in the actor's scope that departed (passed the exit check) in ``year``
    (default: this year, in the installation's calendar)."""
    _can_view_placements(actor)
    year = year or today().year
    # Trigger-maintained counts per (year, regency, P3MI): a sum over a few rows in scope.
    return DepartureCount.objects.visible_to(actor).filter(year=year).aggregate(total=Sum("n"))["total"] or 0


def placement_pipeline_summary_for(actor) -> dict:
    """Dashboard figures in the actor's scope: count per state and per stage, open placements,
    and departures this year. Lookup-only roles get nothing (they may not browse)."""
    _can_view_placements(actor)
    if actor.is_lookup_only:
        raise PermissionDenied(_("Your role may look placements up by NIK or passport number only."))
    counts = placement_state_counts_for(actor)
    stages = [{"key": key, "states": list(members), "count": sum(counts[s] for s in members)}
              for key, members in PIPELINE_STAGES]
    return {
        "counts": counts,
        "stages": stages,
        "total": sum(counts.values()),
        "in_preparation": sum(counts[s] for s in states.PRE_DEPARTURE),
        "abroad": sum(counts[s] for s in states.ABROAD),
        "departed_this_year": placement_departed_count_for(actor),
        "year": today().year,
    }


def sip2mi_choices_for(actor, *, on: date | None = None) -> list[Sip2mi]:
    """Active SIP2MI in force on the day, of verified job orders the actor sees, for the
    placement form (each with its job order)."""
    require_perm(actor, JOB_ORDER_VIEW, _("You are not allowed to view job orders."))
    day = on or today()
    visible = JobOrder.objects.visible_to(actor).filter(status=JobOrder.Status.VERIFIED).values("id")
    return list(Sip2mi.objects.filter(job_order_id__in=visible, status=Sip2mi.Status.ACTIVE, valid_from__lte=day,
                                      valid_until__gte=day)
                .select_related("job_order", "job_order__employer", "job_order__country", "job_order__agency")
                .order_by("job_order__position_title", "job_order_id", "number"))


def job_order_quota_summary(job_order: JobOrder, *, on: date | None = None) -> dict:
    """How much of a job order the permits cover and how many workers may still be recruited:
    ``requested`` workers; ``covered`` by permits (quota of active ones, used units of revoked
    ones, as ``sip2mi_issue`` counts it); ``issuable`` = what a new SIP2MI may still grant;
    ``used``; ``openings`` = quota left on active permits in force on the day."""
    day = on or today()
    permits = list(job_order.permits.all())
    covered = sum(p.quota if p.status == Sip2mi.Status.ACTIVE else p.used for p in permits)
    in_force = [p for p in permits if p.status == Sip2mi.Status.ACTIVE and p.valid_from <= day <= p.valid_until]
    return {
        "requested": job_order.headcount_total,
        "covered": covered,
        "issuable": max(0, job_order.headcount_total - covered),
        "used": sum(p.used for p in permits),
        "openings": sum(p.remaining for p in in_force),
        "permits_in_force": len(in_force),
    }


def public_job_order_countries(*, on: date | None = None) -> list:
    """Countries that have at least one job order still recruiting (for the public filter)."""
    from lindungi.reference.models import Country

    ids = public_job_order_queryset(on=on).values("country_id")
    return list(Country.objects.filter(id__in=ids).order_by("name_id"))


def job_order_openings(job_orders, *, on: date | None = None) -> dict[int, int]:
    """Quota left on active SIP2MI in force on the day, per job order id, in one query."""
    from django.db.models import Sum

    day = on or today()
    ids = [j.pk for j in job_orders]
    rows = (Sip2mi.objects.filter(job_order_id__in=ids, status=Sip2mi.Status.ACTIVE, valid_from__lte=day,
                                  valid_until__gte=day)
            .values("job_order_id").annotate(left=Sum(F("quota") - F("used"))).order_by())
    return {row["job_order_id"]: row["left"] or 0 for row in rows}


def placement_open_for_person(actor, *, person_id: int) -> Placement | None:
    """The one placement of a person that is not closed (at most one exists), scoped, with the
    relations the guards read; for the departure check, which found the person by exact identifier."""
    _can_view_placements(actor)
    return (Placement.objects.visible_to(actor).filter(person_id=person_id, migrated=False)
            .exclude(state__in=sorted(states.CLOSED)).select_related(*CONTEXT_RELATIONS)
            .order_by("-created_at", "-id").first())


# ---------------------------------------------------------------------------------------------
# Aggregates for statistics. Unscoped counts (no personal data leaves them): the statistics app
# decides whose unit a figure is for and who may read it.
# ---------------------------------------------------------------------------------------------


def year_bounds(year: int, month: int = 0) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the year (or month) and of the next, in the installation's time zone."""
    zone = timezone.get_default_timezone()
    if month:
        start = dt.datetime(year, month, 1, tzinfo=zone)
        end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    else:
        start, end = dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)
    return start, end


def departed_count(*, year: int, regency_ids=None) -> int:
    """Departures (transitions to ``departed``) in a calendar year, from the maintained counts,
    optionally only of people from ``regency_ids`` (a queryset of ids)."""
    qs = DepartureCount.objects.filter(year=year)
    if regency_ids is not None:
        qs = qs.filter(regency__in=regency_ids)
    return qs.aggregate(total=Sum("n"))["total"] or 0


def reached_count(*, to_state: str, start: dt.datetime, end: dt.datetime, regency_ids=None) -> int:
    """Transitions to ``to_state`` with ``start <= at < end``, optionally only of people from
    ``regency_ids``. A placement that reached the state twice counts twice, like a departure."""
    qs = PlacementTransition.objects.filter(to_state=to_state, at__gte=start, at__lt=end)
    if regency_ids is not None:
        qs = qs.filter(placement__person__regency__in=regency_ids)
    return qs.count()


# name -> the columns a breakdown groups by (code, label), over a transition ``t``.
BREAKDOWNS = {
    "province": ("placement__person__regency__province__code", "placement__person__regency__province__name"),
    "regency": ("placement__person__regency__code", "placement__person__regency__name"),
    "country": ("placement__country__iso2", "placement__country__name_id"),
    "scheme": ("placement__scheme__code", "placement__scheme__name_id"),
    "sex": ("placement__person__sex", None),
    "sector": ("placement__sector", None),
    "occupation": ("placement__occupation__isco_code", "placement__occupation__title_id"),
    "education": ("placement__person__education", None),
    "month": ("period_month", None),  # the calendar month of the transition, in the installation's zone
}


def reached_breakdown(*, to_state: str, start: dt.datetime, end: dt.datetime, by: tuple[str, ...]) -> list[dict]:
    """Transitions to ``to_state`` in the period grouped by the named ``BREAKDOWNS``: one dict per
    group with ``<name>`` (code), ``<name>_label`` and ``n``, ordered by the codes."""
    columns = []
    for name in by:
        code, label = BREAKDOWNS[name]
        columns += [code] + ([label] if label else [])
    qs = PlacementTransition.objects.filter(to_state=to_state, at__gte=start, at__lt=end).order_by()
    if "month" in by:
        qs = qs.annotate(period_month=ExtractMonth("at"))
    rows = (qs.values(*columns).annotate(n=Count("id")).order_by(*[BREAKDOWNS[name][0] for name in by]))
    out = []
    for row in rows:
        item = {"n": row["n"]}
        for name in by:
            code, label = BREAKDOWNS[name]
            item[name] = str(row[code]) if row[code] is not None else ""
            item[f"{name}_label"] = str((row[label] if label else row[code]) or "")
        out.append(item)
    return out


# ---------------------------------------------------------------------------------------------
# Skilled placements
# ---------------------------------------------------------------------------------------------

SKILLED_CHUNK = 500


def skilled_placement_ids(placements: QuerySet | None = None, *, on: date | None = None) -> set[int]:
    """The ids of ``placements`` (default: every placement) that are *skilled*: the worker held a
    valid competency certificate for the placement's occupation, issued by an institution in good
    standing on its issue date (``institutions.selectors.competency_holders``).

    Held when? With ``on``: on that day, for every placement. Without it: at departure (the first
    transition to ``departed``) for placements that departed, today for the others. Statistics count
    the share of skilled placements with ``skilled_share``. Unscoped: callers pass a scoped queryset."""
    from lindungi.institutions.selectors import competency_holders

    rows = list((Placement.objects.all() if placements is None else placements)
                .order_by().values_list("pk", "person_id", "occupation_id"))
    skilled: set[int] = set()
    for start in range(0, len(rows), SKILLED_CHUNK):
        chunk = rows[start:start + SKILLED_CHUNK]
        departed: dict[int, date] = {}
        if on is None:
            for placement_id, at in (PlacementTransition.objects
                                     .filter(placement_id__in=[r[0] for r in chunk],
                                             to_state=states.PlacementState.DEPARTED)
                                     .order_by("at").values_list("placement_id", "at")):
                departed.setdefault(placement_id, timezone.localdate(at))
        default_day = on or today()
        skilled |= competency_holders((pk, person_id, occupation_id, departed.get(pk, default_day))
                                      for pk, person_id, occupation_id in chunk)
    return skilled


def skilled_share(placements: QuerySet, *, on: date | None = None) -> dict:
    """``{"skilled": n, "total": n, "share": 0..1 or None}`` of ``placements`` (see ``skilled_placement_ids``)."""
    total = placements.count()
    skilled = len(skilled_placement_ids(placements, on=on))
    return {"skilled": skilled, "total": total, "share": (skilled / total) if total else None}


def departures_by_agency(*, start: dt.datetime, end: dt.datetime, agency_ids) -> dict[int, int]:
    """Departures (transitions to ``departed`` with ``start <= at < end``) per P3MI, for the
    supervision scorecards: one grouped query."""
    rows = (PlacementTransition.objects.filter(to_state=states.PlacementState.DEPARTED, at__gte=start, at__lt=end,
                                               placement__agency_id__in=agency_ids)
            .values("placement__agency_id").annotate(n=Count("id")).order_by())
    return {row["placement__agency_id"]: row["n"] for row in rows}
