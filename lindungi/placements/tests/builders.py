"""Plain-data builders for the pure state machine tests (no database)."""

import dataclasses
import datetime as dt

from lindungi.placements.checklist import ALL_KINDS, ItemFacts, checklist_status
from lindungi.placements.states import (
    AgencyFacts,
    PersonFacts,
    PlacementFacts,
    SchemeFacts,
    Sip2miFacts,
    TransitionContext,
)

DAY = dt.date(2025, 6, 2)
CONTRACT_START = dt.date(2025, 7, 1)
CONTRACT_END = dt.date(2027, 6, 30)

P_TO_P = SchemeFacts(code="p_to_p", name="P to P", min_age=18, required_items=frozenset(ALL_KINDS))
KOREA = SchemeFacts(code="g_to_g_korea", name="G to G Korea", min_age=18, max_age=39, min_education="smp",
                    required_items=frozenset(ALL_KINDS), requires_p3mi=False, requires_job_order=False,
                    requires_sip2mi=False)
PERSEORANGAN = SchemeFacts(code="perseorangan", name="Perseorangan", required_items=frozenset(ALL_KINDS) - {
    "placement_agreement"}, requires_p3mi=False, requires_job_order=False, requires_sip2mi=False,
    employer_legal_types=frozenset({"legal_entity"}))


def good_items(day: dt.date = DAY) -> list[ItemFacts]:
    """Every document, issued a week before ``day``, valid well beyond the contract."""
    issued = day - dt.timedelta(days=7)
    out = []
    for kind in ALL_KINDS:
        valid = None
        if kind == "medical_fitness":
            valid = issued + dt.timedelta(days=85)
        elif kind in ("passport", "work_visa", "epmi_card", "employment_contract"):
            valid = CONTRACT_END + dt.timedelta(days=400)
        out.append(ItemFacts(kind=kind, issued_on=issued, valid_until=valid))
    return out


def context(*, state: str = "verified", day: dt.date = DAY, items: list[ItemFacts] | None = None,
            scheme: SchemeFacts = P_TO_P, birth_date: dt.date = dt.date(1998, 3, 4), education: str = "sma",
            agency: AgencyFacts | None | bool = True, sip2mi: Sip2miFacts | None | bool = True,
            blocks=(), employer_legal_type: str | None = "legal_entity", job_order_status: str | None = "verified",
            contract_start=CONTRACT_START, contract_end=CONTRACT_END, **placement_overrides) -> TransitionContext:
    if agency is True:
        agency = AgencyFacts(name="PT Contoh", good_standing=True)
    if sip2mi is True:
        sip2mi = Sip2miFacts(number="SIP2MI/1", status="active", quota=5, used=1,
                             valid_from=day - dt.timedelta(days=30), valid_until=day + dt.timedelta(days=120))
    items = good_items(day) if items is None else items
    placement = PlacementFacts(
        state=state, contract_start=contract_start, contract_end=contract_end, has_agency=agency is not None,
        has_employer=employer_legal_type is not None, employer_legal_type=employer_legal_type,
        job_order_status=job_order_status, country="Taiwan",
    )
    placement = dataclasses.replace(placement, **placement_overrides)
    return TransitionContext(
        today=day, placement=placement, person=PersonFacts(birth_date=birth_date, education=education),
        scheme=scheme, checklist=checklist_status(items, on=day, contract_end=contract_end), agency=agency,
        sip2mi=sip2mi, destination_blocks=tuple(blocks),
    )


def without(kind: str, day: dt.date = DAY) -> list[ItemFacts]:
    return [i for i in good_items(day) if i.kind != kind]


def replace_item(kind: str, day: dt.date = DAY, **changes) -> list[ItemFacts]:
    return [dataclasses.replace(i, **changes) if i.kind == kind else i for i in good_items(day)]
