"""Scoped reads for supervision: the cost rules (public law, readable by every staff role), a
worker's cost ledger (scoped like the worker), and the overcharging flags (officers)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.accounts.roles import Role
from lindungi.audit.models import AccessLog
from lindungi.audit.services import access_log
from lindungi.common.errors import NotFound, ValidationFailed
from lindungi.common.inputs import is_public_id
from lindungi.common.pagination import Page, paginate
from lindungi.placements.models import Placement
from lindungi.registry.models import Person
from lindungi.registry.selectors import person_get_for
from lindungi.supervision import rules
from lindungi.supervision.models import (
    CostComponent,
    CostEntry,
    CostRule,
    ExchangeRate,
    FlagStatus,
    OverchargeFlag,
)
from lindungi.supervision.perms import COST_RULE_VIEW, COST_VIEW, OVERCHARGE_VIEW

RULE_RELATIONS = ("component", "country", "occupation", "scheme")
ENTRY_RELATIONS = ("component", "rule", "rule__component", "flag", "placement", "placement__agency", "entered_by")
FLAG_RELATIONS = ("entry", "entry__person", "entry__placement", "component", "rule", "agency", "case")


def today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Rules, components and rates
# ---------------------------------------------------------------------------------------------


def component_choices(*, on: dt.date | None = None) -> list[CostComponent]:
    day = on or today()
    return list(CostComponent.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                                             Q(valid_to__isnull=True) | Q(valid_to__gte=day)))


def facts_of(rule: CostRule) -> rules.RuleFacts:
    return rules.RuleFacts(
        id=rule.pk, component=rule.component.code, country=rule.country.iso2 if rule.country_id else None,
        occupation=rule.occupation.isco_code if rule.occupation_id else None,
        occupation_group=rule.occupation_group, scheme=rule.scheme.code if rule.scheme_id else None,
        payer=rule.payer, max_worker_amount=rule.max_worker_amount, currency=rule.currency,
        valid_from=rule.valid_from, valid_to=rule.valid_to)


def rule_facts_for(component_code: str) -> dict[int, tuple[CostRule, rules.RuleFacts]]:
    """Every rule of one component, whatever its dates (``rules.pick`` chooses)."""
    found = CostRule.objects.filter(component__code=component_code).select_related(*RULE_RELATIONS)
    return {rule.pk: (rule, facts_of(rule)) for rule in found}


def rule_in_force(cost: rules.CostFacts) -> CostRule | None:
    """The most specific rule in force for a cost on its paid date."""
    candidates = rule_facts_for(cost.component)
    chosen = rules.pick([facts for _rule, facts in candidates.values()], cost)
    return candidates[chosen.id][0] if chosen else None


def _require_rule_view(actor) -> None:
    require_perm(actor, COST_RULE_VIEW, _("You are not allowed to read the cost rules."))


def cost_rule_filtered_for(actor, *, country: str = "", component: str = "", occupation_group: str = "",
                           legal_basis: str = "", on: dt.date | None = None) -> QuerySet:
    _require_rule_view(actor)
    queryset = CostRule.objects.select_related(*RULE_RELATIONS)
    if country == "*":
        queryset = queryset.filter(country__isnull=True)
    elif country:
        queryset = queryset.filter(Q(country__iso2=country.upper()) | Q(country__isnull=True))
    if component:
        queryset = queryset.filter(component__code=component)
    if occupation_group:
        queryset = queryset.filter(occupation_group=occupation_group)
    if legal_basis:
        queryset = queryset.filter(legal_basis__icontains=legal_basis.strip())
    if on:
        queryset = queryset.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on),
                                   Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    return queryset.order_by("component__sort", "component__code", "country__iso2", "-valid_from", "id")


def cost_rule_list_for(actor, *, page: int = 1, page_size: int = 50, **filters) -> Page:
    return paginate(cost_rule_filtered_for(actor, **filters), page=page, page_size=page_size)


def exchange_rate_list_for(actor, *, currency: str = "", page: int = 1, page_size: int = 50) -> Page:
    _require_rule_view(actor)
    queryset = ExchangeRate.objects.all()
    if currency:
        queryset = queryset.filter(currency=currency.upper())
    return paginate(queryset.order_by("currency", "-on", "-id"), page=page, page_size=page_size)


def known_currencies() -> set[str]:
    return {"IDR", *ExchangeRate.objects.values_list("currency", flat=True).distinct()}


def rate_on(currency: str, day: dt.date) -> ExchangeRate | None:
    """The latest rate of a currency on or before ``day`` (None for rupiah or when there is none)."""
    if currency == "IDR":
        return None
    return ExchangeRate.objects.filter(currency=currency, on__lte=day).order_by("-on", "-id").first()


def already_paid_idr(*, person_id: int, component_id: int, rule_id: int) -> Decimal:
    """What a worker already paid for a component under one rule, in rupiah."""
    total = (CostEntry.objects.filter(person_id=person_id, component_id=component_id, rule_id=rule_id)
             .aggregate(total=Sum("amount_idr"))["total"])
    return total or Decimal(0)


def ledger_check(entries: QuerySet | None = None) -> dict[int, tuple[int, Decimal]]:
    """Every cost entry judged against the rules on record *now* (each entry by the rule in force on
    its paid date): ``{entry id: (rule id, amount over in rupiah)}`` for the entries over. What a
    change of rule would find across the ledgers; it writes nothing, and the flags raised when the
    costs were recorded stay as they were. Payments of one worker for one component under one rule
    add up in paid-date order. Unscoped: callers are commands and reports for national roles."""
    import bisect

    by_component: dict[int, list[rules.RuleFacts]] = {}
    for rule in CostRule.objects.select_related(*RULE_RELATIONS):
        by_component.setdefault(rule.component_id, []).append(facts_of(rule))
    rates: dict[str, tuple[list[dt.date], list[Decimal]]] = {}
    for currency, on, rate in ExchangeRate.objects.order_by("currency", "on", "id").values_list(
            "currency", "on", "rate_to_idr"):
        days, values = rates.setdefault(currency, ([], []))
        days.append(on)
        values.append(rate)

    def max_idr(rule: rules.RuleFacts, day: dt.date) -> Decimal | None:
        if rule.currency == "IDR":
            return rule.max_worker_amount
        days, values = rates.get(rule.currency, ([], []))
        at = bisect.bisect_right(days, day)
        return rules.to_idr(rule.max_worker_amount, values[at - 1]) if at else None

    queryset = CostEntry.objects.all() if entries is None else entries
    rows = queryset.order_by("person_id", "component_id", "paid_on", "id").values_list(
        "id", "person_id", "component_id", "component__code", "paid_on", "amount_idr", "placement__country__iso2",
        "placement__occupation__isco_code", "placement__occupation__zero_cost", "placement__scheme__code")
    found: dict[int, tuple[int, Decimal]] = {}
    paid: dict[tuple[int, int, int], Decimal] = {}
    for pk, person, component_id, component, day, amount, country, occupation, zero_cost, scheme in rows.iterator(
            chunk_size=5000):
        rule = rules.pick(by_component.get(component_id, []), rules.CostFacts(
            component=component, country=country, occupation=occupation, zero_cost=zero_cost, scheme=scheme,
            paid_on=day))
        if rule is None:
            continue
        cap = max_idr(rule, day)
        if cap is None:
            continue
        key = (person, component_id, rule.id)
        verdict = rules.judge(charged_idr=amount, max_idr=cap, already_paid_idr=paid.get(key, Decimal(0)))
        paid[key] = paid.get(key, Decimal(0)) + amount
        if verdict.over:
            found[pk] = (rule.id, verdict.amount_over)
    return found


# ---------------------------------------------------------------------------------------------
# The ledger
# ---------------------------------------------------------------------------------------------


def _require_cost_view(actor) -> None:
    require_perm(actor, COST_VIEW, _("You are not allowed to read cost ledgers."))


def person_for_costs(actor, public_id, *, via: str = "web", log: bool = True) -> Person:
    """The worker whose ledger the actor may read: in their person scope, and for P3MI staff only a
    worker one of their own placements belongs to. Anything else is 404."""
    _require_cost_view(actor)
    person = person_get_for(actor, public_id, via=via, log=log)
    if actor.role == Role.P3MI_STAFF and not Placement.objects.filter(person=person,
                                                                      agency_id=actor.agency_id).exists():
        raise NotFound(_("Person not found."))
    return person


def placements_for_costs(actor, person: Person) -> list[Placement]:
    """The placements a cost of this person may be linked to, newest first."""
    return list(Placement.objects.visible_to(actor).filter(person=person)
                .select_related("country", "occupation", "scheme", "agency").order_by("-created_at", "-id"))


def cost_entries_for(actor, person: Person) -> list[CostEntry]:
    """A worker's ledger, newest payment first (the person was read through ``person_for_costs``)."""
    _require_cost_view(actor)
    return list(CostEntry.objects.visible_to(actor).filter(person=person).select_related(*ENTRY_RELATIONS)
                .order_by("-paid_on", "-id"))


def ledger_totals(entries: list[CostEntry]) -> dict:
    flagged = [e.flag for e in entries if hasattr(e, "flag")]
    return {"paid_idr": sum((e.amount_idr for e in entries), Decimal(0)),
            "over_idr": sum((f.amount_over for f in flagged), Decimal(0)), "flags": len(flagged)}


def cost_entry_get_for(actor, public_id, *, via: str = "web", log: bool = True) -> CostEntry:
    _require_cost_view(actor)
    entry = (CostEntry.objects.visible_to(actor).filter(public_id=public_id)
             .select_related("person", *ENTRY_RELATIONS).first() if is_public_id(public_id) else None)
    if entry is None:
        raise NotFound(_("Cost entry not found."))
    if log:
        access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="costentry", object_id=entry.pk,
                   persons=[entry.person_id], via=via)
    return entry


# ---------------------------------------------------------------------------------------------
# Flags
# ---------------------------------------------------------------------------------------------


def _require_flag_view(actor) -> None:
    require_perm(actor, OVERCHARGE_VIEW, _("You are not allowed to read overcharging flags."))


def flag_filtered_for(actor, *, status: str = "", agency: str = "", component: str = "") -> QuerySet:
    _require_flag_view(actor)
    if status and status not in FlagStatus.values:
        raise ValidationFailed.from_fields({"status": _("Must be one of: %(c)s.") % {
            "c": ", ".join(FlagStatus.values)}})
    queryset = OverchargeFlag.objects.visible_to(actor)
    if status:
        queryset = queryset.filter(status=status)
    if agency:
        queryset = queryset.filter(agency__public_id=agency) if is_public_id(agency) else queryset.none()
    if component:
        queryset = queryset.filter(component__code=component)
    return queryset


def flag_list_for(actor, *, page: int = 1, page_size: int = 25, via: str = "web", **filters) -> Page:
    queryset = (flag_filtered_for(actor, **filters).select_related(*FLAG_RELATIONS)
                .order_by("-created_at", "-id"))
    found = paginate(queryset, page=page, page_size=page_size)
    access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="overchargeflag",
               persons=[flag.entry.person_id for flag in found.items], via=via)
    return found


def flag_get_for(actor, public_id, *, via: str = "web", log: bool = True) -> OverchargeFlag:
    _require_flag_view(actor)
    flag = (OverchargeFlag.objects.visible_to(actor).filter(public_id=public_id).select_related(*FLAG_RELATIONS)
            .first() if is_public_id(public_id) else None)
    if flag is None:
        raise NotFound(_("Overcharging flag not found."))
    if log:
        access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="overchargeflag", object_id=flag.pk,
                   persons=[flag.entry.person_id], via=via)
    return flag
