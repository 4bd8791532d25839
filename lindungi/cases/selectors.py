"""Scoped reads of cases: the inbox, a case's page (timeline, clarification rounds, deadlines and
the next steps with their blocking reasons), the public status of one complaint, and the facts the
lifecycle guards and the deadline rules read."""

from datetime import date, timedelta

from django.db.models import Count, DateField, ExpressionWrapper, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import has_perm, require_perm
from lindungi.accounts.roles import Role
from lindungi.audit.models import AccessLog
from lindungi.audit.services import access_log
from lindungi.cases import rules, states
from lindungi.cases.models import (
    Case,
    CaseCategory,
    ClarificationRound,
    DeadlineRule,
    Holiday,
    TrcDispatch,
)
from lindungi.cases.perms import CASE_VIEW
from lindungi.cases.states import CaseFacts, CaseState
from lindungi.common.errors import NotFound, PermissionDenied, ValidationFailed
from lindungi.common.inputs import is_public_id
from lindungi.common.pagination import Page, paginate

CASE_RELATIONS = ("unit", "officer", "agency", "country", "person", "placement", "employer", "referral_unit",
                  "regency")
DEADLINE_FILTERS = ("overdue", "due_soon", "on_time", "none")


def today() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Deadline data
# ---------------------------------------------------------------------------------------------


def holiday_days(*, start: date | None = None) -> frozenset[date]:
    """Holidays and collective leave days (from ``start``; a few hundred rows at most)."""
    queryset = Holiday.objects.all()
    if start is not None:
        queryset = queryset.filter(day__gte=start)
    return frozenset(queryset.values_list("day", flat=True))


def deadline_rules(*, on: date | None = None) -> dict[str, rules.DeadlineRuleFacts]:
    """The deadline rules in force on ``on`` (today), by code."""
    day = on or today()
    found = DeadlineRule.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                                        Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    return {r.code: r.facts() for r in found.order_by("valid_from")}


def open_round(case: Case) -> ClarificationRound | None:
    return case.rounds.filter(answered_on__isnull=True).order_by("-number").first()


def deadline_anchors(case: Case, round_: ClarificationRound | None) -> rules.DeadlineAnchors:
    working = case.state in states.WORKING
    return rules.DeadlineAnchors(
        documents_incomplete_since=case.registered_on if case.state in (CaseState.REGISTERED, CaseState.VERIFYING)
        and not case.documents_complete else None,
        clarification_requested_on=round_.requested_on if round_ is not None
        and case.state == CaseState.CLARIFICATION else None,
        unreachable_since=case.unreachable_since if working else None,
        told_unresolvable_on=case.told_unresolvable_on if working else None,
    )


def case_deadlines(case: Case, *, round_: ClarificationRound | None = None, on: date | None = None,
                   rule_facts=None, holidays=None) -> list[rules.Deadline]:
    day = on or today()
    rule_facts = rule_facts if rule_facts is not None else deadline_rules(on=day)
    holidays = holidays if holidays is not None else holiday_days(start=case.registered_on)
    return rules.deadlines(deadline_anchors(case, round_), rule_facts, today=day, holidays=holidays)


# ---------------------------------------------------------------------------------------------
# Facts for the guards
# ---------------------------------------------------------------------------------------------


def case_facts(case: Case, *, on: date | None = None) -> CaseFacts:
    day = on or today()
    last = case.rounds.order_by("-number").first()
    overdue = None
    if last is not None and last.answered_on is None:
        rule = deadline_rules(on=day).get(rules.NO_CLARIFICATION)
        due = rules.due_date(rule, last.requested_on, holiday_days(start=last.requested_on)) if rule else None
        overdue = bool(due and due < day)
    return CaseFacts(
        state=case.state, has_unit=case.unit_id is not None, has_agency=case.agency_id is not None,
        documents_complete=case.documents_complete, rounds=last.number if last else 0,
        open_round_overdue=overdue, last_round_answered=bool(last and last.answered_on),
        mediation_outcome=case.mediation_outcome, berita_acara_number=case.berita_acara_number,
        referral_kind=case.referral_kind,
        referral_has_target=bool(case.referral_unit_id or case.referral_agency_name),
    )


def case_next_steps(actor, case: Case, *, facts: CaseFacts | None = None) -> list[dict]:
    """Every step out of the current state with whether the actor may take it and what blocks it."""
    facts = facts or case_facts(case)
    steps = []
    for to_state in states.targets_from(case.state):
        rule = states.TRANSITIONS[(case.state, to_state)]
        steps.append({
            "to_state": to_state, "name": rule.name, "label": states.ACTION_LABELS.get(rule.name, rule.name),
            "state_label": str(CaseState(to_state).label), "permitted": has_perm(actor, rule.permission),
            "needs_reason": rule.needs_reason, "unmet": states.unmet_conditions(rule.guards, facts),
        })
    for step in steps:
        step["ready"] = step["permitted"] and not step["unmet"]
    return steps


# ---------------------------------------------------------------------------------------------
# Staff reads
# ---------------------------------------------------------------------------------------------


def _check_view(actor) -> None:
    require_perm(actor, CASE_VIEW, _("You are not allowed to view complaints."))


def case_filtered_for(actor, *, q: str = "", state: str = "", channel: str = "", category: str = "",
                      deadline: str = "", unit: str = "", mine: bool = False, on: date | None = None) -> QuerySet:
    _check_view(actor)
    errors = {}
    if state and state not in CaseState.values and state not in ("open", "closed"):
        errors["state"] = [_("Unknown state.")]
    if deadline and deadline not in DEADLINE_FILTERS:
        errors["deadline"] = [_("Must be one of: %(c)s.") % {"c": ", ".join(DEADLINE_FILTERS)}]
    if errors:
        raise ValidationFailed.from_fields(errors)
    queryset = Case.objects.visible_to(actor)
    if state == "open":
        queryset = queryset.filter(state__in=sorted(states.OPEN))
    elif state == "closed":
        queryset = queryset.filter(state__in=sorted(states.CLOSED))
    elif state:
        queryset = queryset.filter(state=state)
    if channel:
        queryset = queryset.filter(channel=channel)
    if category:
        queryset = queryset.filter(categories__code=category)
    if unit:
        queryset = queryset.filter(unit__code=unit)
    if mine:
        queryset = queryset.filter(officer=actor)
    if q:
        text = q.strip()
        queryset = queryset.filter(Q(number__iexact=text) | Q(worker_nik=text) | Q(worker_name__icontains=text)
                                   | Q(tracking_code__iexact=text))
    if deadline:
        day = on or today()
        if deadline == "none":
            queryset = queryset.filter(deadline_on__isnull=True)
        elif deadline == "overdue":
            queryset = queryset.filter(deadline_on__lt=day)
        else:
            soon = Q()
            for code, rule in deadline_rules(on=day).items():
                soon |= Q(deadline_code=code, deadline_on__lte=day + timedelta(days=rule.warn_days))
            due_soon = Q(deadline_on__gte=day) & soon
            queryset = queryset.filter(due_soon) if deadline == "due_soon" else queryset.filter(
                deadline_on__gte=day).exclude(soon)
    return queryset


def case_list_for(actor, *, page: int = 1, page_size: int = 25, on: date | None = None, **filters) -> Page:
    """The inbox: a fixed number of queries per page (count, rows with their unit, officer and
    P3MI, the categories of the page, the deadline rules)."""
    day = on or today()
    queryset = (case_filtered_for(actor, on=day, **filters)
                .select_related("unit", "officer", "agency", "country")
                .prefetch_related(Prefetch("categories", queryset=CaseCategory.objects.order_by("sort_order")))
                .order_by("deadline_on", "-registered_on", "-id"))
    # Cases without a running deadline go last.
    queryset = queryset.order_by(_nulls_last("deadline_on"), "-registered_on", "-id")
    result = paginate(queryset, page=page, page_size=page_size, count_limit=10_000)
    rule_facts = deadline_rules(on=day)
    for case in result.items:
        case.deadline_status = deadline_status(case, rule_facts, day)
    return result


def _nulls_last(field: str):
    from django.db.models import F

    return F(field).asc(nulls_last=True)


def deadline_status(case: Case, rule_facts, day: date) -> str:
    if case.deadline_on is None or case.state not in states.OPEN:
        return "none"
    rule = rule_facts.get(case.deadline_code)
    warn = rule.warn_days if rule else 5
    if case.deadline_on < day:
        return "overdue"
    if case.deadline_on <= day + timedelta(days=warn):
        return "due_soon"
    return "on_time"


def case_get_for(actor, public_id, *, via: str = "web", log: bool = True) -> Case:
    _check_view(actor)
    case = (Case.objects.visible_to(actor).filter(public_id=public_id).select_related(*CASE_RELATIONS)
            .first() if is_public_id(public_id) else None)
    if case is None:
        raise NotFound(_("Case not found."))
    if log:
        access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="case", object_id=case.pk,
                   persons=[case.person_id], via=via)
    return case


def case_overview(actor, case: Case, *, on: date | None = None) -> dict:
    """Everything the case page and the API detail show besides the case itself. A P3MI sees only
    the clarification rounds addressed to it and no timeline reasons."""
    day = on or today()
    rounds = list(case.rounds.select_related("agency").order_by("number"))
    if actor.role == Role.P3MI_STAFF:
        rounds = [r for r in rounds if r.agency_id == actor.agency_id]
    current = next((r for r in reversed(rounds) if r.answered_on is None), None)
    rule_facts = deadline_rules(on=day)
    holidays = holiday_days(start=case.registered_on)
    found = case_deadlines(case, round_=current, on=day, rule_facts=rule_facts, holidays=holidays)
    nsr = rule_facts.get(rules.NO_CLARIFICATION)
    for round_ in rounds:
        round_.due_on = rules.due_date(nsr, round_.requested_on, holidays) if nsr else None
    staff = actor.role != Role.P3MI_STAFF
    return {
        "on": day,
        "categories": list(case.categories.order_by("sort_order")),
        "rounds": rounds,
        "deadlines": [{"code": d.code, "due": d.due, "status": d.status(day), "label_id": d.rule.label_id,
                       "label_en": d.rule.label_en, "legal_basis": d.rule.legal_basis} for d in found],
        "timeline": list(case.events.select_related("actor").order_by("at", "id")) if staff else [],
        "next_steps": case_next_steps(actor, case) if staff else [],
        "dispatches": list(case.dispatches.order_by("-dispatched_at")) if staff else [],
        "registry_candidates": registry_candidates_for(actor, case) if staff else [],
    }


def category_choices(*, on: date | None = None) -> list[CaseCategory]:
    day = on or today()
    return list(CaseCategory.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                                            Q(valid_to__isnull=True) | Q(valid_to__gte=day)))


def case_state_counts_for(actor) -> dict[str, int]:
    from django.db.models import Count

    _check_view(actor)
    rows = Case.objects.visible_to(actor).order_by().values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


# ---------------------------------------------------------------------------------------------
# Public status (no sign-in)
# ---------------------------------------------------------------------------------------------


def public_status(case: Case, *, on: date | None = None) -> dict:
    """Only states, steps and deadlines: nothing typed by officers or the complainant."""
    day = on or today()
    current = open_round(case)
    found = case_deadlines(case, round_=current, on=day)
    events = case.events.filter(public=True).exclude(to_state="").order_by("at", "id")
    return {
        "tracking_code": case.tracking_code,
        "state": case.state,
        "state_label": str(CaseState(case.state).label),
        "registered_on": case.registered_on,
        "categories": list(case.categories.order_by("sort_order")),
        "steps": [{"at": e.at, "state": e.to_state, "state_label": str(CaseState(e.to_state).label),
                   "action": str(states.ACTION_LABELS.get(e.action, _("Complaint registered")))}
                  for e in events],
        "deadlines": [{"code": d.code, "due": d.due, "status": d.status(day), "label_id": d.rule.label_id,
                       "label_en": d.rule.label_en, "legal_basis": d.rule.legal_basis} for d in found],
        "closed": case.state in states.CLOSED,
        "closure_code": case.closure_code,
        "closure_legal_basis": case.closure_legal_basis,
    }


def case_by_tracking_code(tracking_code: str) -> Case | None:
    code = (tracking_code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    return Case.objects.filter(tracking_code=code).first()


def dispatch_list_for(actor, *, page: int = 1, page_size: int = 25) -> Page:
    _check_view(actor)
    if actor.role == Role.P3MI_STAFF:
        raise PermissionDenied(_("You are not allowed to view TRC dispatches."))
    cases = Case.objects.visible_to(actor)
    queryset = TrcDispatch.objects.filter(Q(case__in=cases.values("id")) | Q(case__isnull=True))
    if actor.role == Role.UNIT_OFFICER:
        queryset = queryset.filter(Q(case__in=cases.values("id")) | Q(unit_id=actor.unit_id))
    return paginate(queryset.select_related("case", "unit"), page=page, page_size=page_size)


# ---------------------------------------------------------------------------------------------
# Matching the worker to the registry
# ---------------------------------------------------------------------------------------------


def registry_candidates_for(actor, case: Case) -> list[dict]:
    """People in the registry who may be the worker of a case not yet linked, scored with the
    registry's explainable duplicate rules (``registry.duplicates``): from the NIK given (birth date,
    sex and regency read from it), the name and the passport number. Only people the actor may see."""
    from lindungi.reference.selectors import regency_codes_ever_valid
    from lindungi.registry import selectors as registry_selectors
    from lindungi.registry.duplicates import Profile
    from lindungi.registry.nik import parse_nik
    from lindungi.registry.perms import PERSON_VIEW

    if case.person_id or not case.worker_nik or not has_perm(actor, PERSON_VIEW) or actor.is_lookup_only:
        return []
    regencies = regency_codes_ever_valid()
    info, errors = parse_nik(case.worker_nik, known_regency_codes=set(regencies),
                             known_province_codes={code[:2] for code in regencies})
    if info is None or errors:
        return []
    year = 2000 + info.year2 if 2000 + info.year2 <= today().year - 15 else 1900 + info.year2
    try:
        birth = date(year, info.month, info.day)
    except ValueError:
        return []
    regency = regencies.get(info.regency_code)
    profile = Profile(id=None, nik=case.worker_nik, full_name=case.worker_name, sex=info.sex, birth_date=birth,
                      regency_id=regency.id if regency else None,
                      province_id=regency.province_id if regency else None,
                      passports=(case.worker_passport,) if case.worker_passport else ())
    return registry_selectors.duplicate_rows_for(actor, registry_selectors.duplicate_matches(profile))


def cases_resolved_count(*, start: date, end: date, unit_id: int | None = None,
                         within_days: int | None = None) -> int:
    """Cases resolved (not closed administratively, not referred) with ``start <= closed_on < end``,
    optionally only those handled by ``unit_id`` and resolved at most ``within_days`` after
    registration. An unscoped aggregate for statistics."""
    qs = Case.objects.filter(state=CaseState.RESOLVED, closed_on__gte=start, closed_on__lt=end)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if within_days is not None:
        qs = qs.filter(closed_on__lte=ExpressionWrapper(F("registered_on") + timedelta(days=within_days),
                                                         output_field=DateField()))
    return qs.count()


def case_counts_by_agency(*, start: date, end: date, agency_ids, today: date | None = None) -> dict[int, dict]:
    """Per P3MI, for the supervision scorecards: complaints registered with ``start <= day < end``
    and, among every open case, those past their running deadline today. Two grouped queries."""
    day = today or timezone.localdate()
    out: dict[int, dict] = {}
    registered = (Case.objects.filter(agency_id__in=agency_ids, registered_on__gte=start, registered_on__lt=end)
                  .values("agency_id").annotate(n=Count("id")).order_by())
    for row in registered:
        out.setdefault(row["agency_id"], {"complaints": 0, "overdue": 0})["complaints"] = row["n"]
    overdue = (Case.objects.filter(agency_id__in=agency_ids, state__in=states.OPEN, deadline_on__lt=day)
               .values("agency_id").annotate(n=Count("id")).order_by())
    for row in overdue:
        out.setdefault(row["agency_id"], {"complaints": 0, "overdue": 0})["overdue"] = row["n"]
    return out
