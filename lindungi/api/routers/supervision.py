"""P3MI supervision: placement-cost rules and exchange rates, each worker's cost ledger, and the
overcharging flags with their one-step escalation. Thin: calls ``lindungi.supervision`` services
and selectors."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from lindungi.api.schemas import ERRORS, InputSchema, coded, related
from lindungi.common.downloads import CONTENT_TYPES, attachment
from lindungi.supervision import scorecard_files, scorecards, selectors, services
from lindungi.supervision.models import (
    Confirmation,
    EntrySource,
    Financing,
    FlagStatus,
    OccupationGroup,
    PaidTo,
    Payer,
)

rules_router = Router(tags=["supervision"])
rates_router = Router(tags=["supervision"])
person_costs_router = Router(tags=["supervision"])
costs_router = Router(tags=["supervision"])
flags_router = Router(tags=["supervision"])


class CostRuleIn(InputSchema):
    component: str = Field(..., description="cost component code, e.g. passport, visa, placement_fee")
    country: str = Field("", description="ISO2 of the destination; empty: every destination")
    occupation: str = Field("", description="ISCO-08 code; empty: see occupation_group")
    occupation_group: coded(OccupationGroup, blank=True) = Field(
        "", description="zero_cost (the ten Perban 9/2020 jobs), other, or empty for any")
    scheme: str = Field("", description="scheme code; empty: every scheme")
    payer: coded(Payer)
    max_worker_amount: Decimal = Field(..., description="the most a worker may be charged; 0 when they pay nothing")
    currency: str = "IDR"
    valid_from: date
    valid_to: date | None = None
    legal_basis: str
    note: str = ""


class CostRuleOut(Schema):
    id: int
    component: str
    country: str | None = None
    occupation: str | None = None
    occupation_group: str
    scheme: str | None = None
    payer: str
    max_worker_amount: Decimal
    currency: str
    valid_from: date | None
    valid_to: date | None
    legal_basis: str
    note: str

    resolve_component = related("component.code")
    resolve_country = related("country.iso2")
    resolve_occupation = related("occupation.isco_code")
    resolve_scheme = related("scheme.code")


class CostRulePageOut(Schema):
    items: list[CostRuleOut]
    total: int
    page: int
    page_size: int


class CostRuleFilter(InputSchema):
    country: str = Field("", description="ISO2: the rules of that destination and those for every destination; "
                                         "* : only the rules for every destination")
    component: str = ""
    occupation_group: coded(OccupationGroup, blank=True) = ""
    legal_basis: str = ""
    on: date | None = Field(None, description="only the rules in force on this day")
    page: int = 1
    page_size: int = 50


@rules_router.get("", response={200: CostRulePageOut, **ERRORS}, operation_id="cost_rules_list")
def cost_rules_list(request, filters: Query[CostRuleFilter]):
    """The placement-cost rules: who pays each component, and the most a worker may be charged."""
    page = selectors.cost_rule_list_for(request.user, **filters.dict())
    return {"items": page.items, "total": page.total, "page": page.page, "page_size": page.page_size}


@rules_router.post("", response={201: CostRuleOut, **ERRORS}, operation_id="cost_rules_create")
def cost_rules_create(request, payload: CostRuleIn):
    """Add a rule (central administrators). A later regulation is a new rule with a later `valid_from`."""
    return Status(201, services.cost_rule_create(actor=request.user, data=payload.dict(), via="api"))


class RateIn(InputSchema):
    currency: str
    rate_to_idr: Decimal = Field(..., description="rupiah for one unit of the currency")
    on: date
    source: str = Field(..., description="e.g. Bank Indonesia, kurs transaksi")


class RateOut(Schema):
    currency: str
    rate_to_idr: Decimal
    on: date
    source: str


class RatePageOut(Schema):
    items: list[RateOut]
    total: int
    page: int
    page_size: int


class RateFilter(InputSchema):
    currency: str = ""
    page: int = 1
    page_size: int = 50


@rates_router.get("", response={200: RatePageOut, **ERRORS}, operation_id="exchange_rates_list")
def exchange_rates_list(request, filters: Query[RateFilter]):
    page = selectors.exchange_rate_list_for(request.user, **filters.dict())
    return {"items": page.items, "total": page.total, "page": page.page, "page_size": page.page_size}


@rates_router.post("", response={201: RateOut, **ERRORS}, operation_id="exchange_rates_create")
def exchange_rates_create(request, payload: RateIn):
    """Record a rate (central administrators); costs paid in that currency are converted with the
    latest rate on or before their paid date."""
    return Status(201, services.exchange_rate_record(actor=request.user, data=payload.dict(), via="api"))


class FlagBrief(Schema):
    id: UUID = Field(..., alias="public_id")
    amount_over: Decimal
    currency: str
    status: str
    case: UUID | None = None

    resolve_case = related("case.public_id")


class CostEntryIn(InputSchema):
    component: str
    amount: Decimal
    currency: str = "IDR"
    paid_to_kind: coded(PaidTo)
    paid_to_name: str = ""
    paid_on: date
    financing: coded(Financing)
    source: coded(EntrySource, blank=True) = Field(
        "", description="where an officer heard of it; P3MI staff always enter as p3mi")
    placement: UUID | None = Field(None, description="default: the worker's latest placement")
    note: str = ""


class CostEntryOut(Schema):
    id: UUID = Field(..., alias="public_id")
    person: UUID
    placement: UUID | None = None
    component: str
    amount: Decimal
    currency: str
    amount_idr: Decimal
    paid_to_kind: str
    paid_to_name: str
    paid_on: date
    financing: str
    source: str
    has_receipt: bool
    confirmation: str
    confirmation_note: str
    check_result: str = Field(..., description="within, over or no_rule")
    rule: int | None = None
    rule_legal_basis: str | None = None
    flag: FlagBrief | None = None
    created_at: datetime

    resolve_person = related("person.public_id")
    resolve_placement = related("placement.public_id")
    resolve_component = related("component.code")
    resolve_rule = related("rule.pk")
    resolve_rule_legal_basis = related("rule.legal_basis")

    @staticmethod
    def resolve_has_receipt(obj) -> bool:
        return bool(obj.receipt)

    @staticmethod
    def resolve_flag(obj):
        return getattr(obj, "flag", None) if hasattr(obj, "flag") else None


class LedgerOut(Schema):
    items: list[CostEntryOut]
    paid_idr: Decimal
    over_idr: Decimal
    flags: int


@person_costs_router.get("/{public_id}/costs", response={200: LedgerOut, **ERRORS}, operation_id="person_costs_list")
def person_costs_list(request, public_id: UUID):
    """A worker's cost ledger, newest payment first, with the total paid and the total over the rules."""
    person = selectors.person_for_costs(request.user, public_id, via="api")
    entries = selectors.cost_entries_for(request.user, person)
    return {"items": entries, **selectors.ledger_totals(entries)}


@person_costs_router.post("/{public_id}/costs", response={201: CostEntryOut, **ERRORS},
                          operation_id="person_costs_create")
def person_costs_create(request, public_id: UUID, payload: CostEntryIn):
    """Record a cost the worker paid; it is checked at once against the rule in force on its paid date
    and flagged when over. Attach a receipt with POST /costs/{id}/receipt."""
    data = {k: (str(v) if isinstance(v, UUID | Decimal | date) else v) for k, v in payload.dict().items()}
    return Status(201, services.cost_entry_record(actor=request.user, person_public_id=public_id, data=data,
                                                  via="api"))


class ConfirmationIn(InputSchema):
    state: coded([Confirmation.CONFIRMED, Confirmation.DISPUTED])
    note: str = Field("", description="required for a dispute: what the worker says instead")


@costs_router.post("/{public_id}/confirmation", response={200: CostEntryOut, **ERRORS},
                   operation_id="costs_confirm")
def costs_confirm(request, public_id: UUID, payload: ConfirmationIn):
    """Record that the worker confirms or disputes a cost (officers)."""
    return services.cost_entry_confirm(actor=request.user, public_id=public_id, state=payload.state,
                                       note=payload.note, via="api")


@costs_router.post("/{public_id}/receipt", response={200: CostEntryOut, **ERRORS}, operation_id="costs_receipt")
def costs_receipt(request, public_id: UUID, receipt: File[UploadedFile]):
    """Attach the receipt (PDF, JPEG or PNG, multipart field `receipt`) to a cost that has none."""
    return services.cost_entry_attach_receipt(actor=request.user, public_id=public_id, receipt=receipt, via="api")


class FlagOut(Schema):
    id: UUID = Field(..., alias="public_id")
    person: UUID
    person_name: str
    placement: UUID | None = None
    agency: UUID | None = None
    agency_name: str | None = None
    component: str
    entry: UUID
    paid_on: date
    amount: Decimal
    amount_currency: str
    charged_idr: Decimal
    allowed_idr: Decimal
    amount_over: Decimal
    currency: str
    rate: Decimal
    rate_on: date | None
    rate_source: str
    rule_rate: Decimal
    rule: int
    rule_legal_basis: str
    status: str
    case: UUID | None = None
    case_number: str | None = None
    sanction_state: str
    sanction_reference: str
    created_at: datetime

    resolve_person = related("entry.person.public_id")
    resolve_person_name = related("entry.person.full_name")
    resolve_placement = related("entry.placement.public_id")
    resolve_agency = related("agency.public_id")
    resolve_agency_name = related("agency.legal_name")
    resolve_component = related("component.code")
    resolve_entry = related("entry.public_id")
    resolve_paid_on = related("entry.paid_on")
    resolve_amount = related("entry.amount")
    resolve_amount_currency = related("entry.currency")
    resolve_rule = related("rule.pk")
    resolve_rule_legal_basis = related("rule.legal_basis")
    resolve_case = related("case.public_id")
    resolve_case_number = related("case.number")


class FlagPageOut(Schema):
    items: list[FlagOut]
    total: int
    page: int
    page_size: int


class FlagFilter(InputSchema):
    status: coded(FlagStatus, blank=True) = ""
    agency: str = Field("", description="public id of a P3MI")
    component: str = ""
    page: int = 1
    page_size: int = 25


@flags_router.get("", response={200: FlagPageOut, **ERRORS}, operation_id="overcharge_flags_list")
def overcharge_flags_list(request, filters: Query[FlagFilter]):
    """Overcharging flags in your scope, newest first."""
    page = selectors.flag_list_for(request.user, via="api", **filters.dict())
    return {"items": page.items, "total": page.total, "page": page.page, "page_size": page.page_size}


@flags_router.get("/{public_id}", response={200: FlagOut, **ERRORS}, operation_id="overcharge_flags_detail")
def overcharge_flags_detail(request, public_id: UUID):
    return selectors.flag_get_for(request.user, public_id, via="api")


class EscalateIn(InputSchema):
    summary: str = Field("", description="added to the complaint's summary")
    complainant_phone: str = Field("", description="needed only when the worker has no phone in the registry")


@flags_router.post("/{public_id}/escalate", response={200: FlagOut, **ERRORS},
                   operation_id="overcharge_flags_escalate")
def overcharge_flags_escalate(request, public_id: UUID, payload: EscalateIn):
    """One step: a complaint case (category overcharging) and a sanction finding against the P3MI
    (`sanction_state` "pending" when the sanction workflow is not available)."""
    flag = services.overcharge_escalate(actor=request.user, flag_public_id=public_id, summary=payload.summary,
                                        complainant_phone=payload.complainant_phone, via="api")
    return selectors.flag_get_for(request.user, flag.public_id, via="api", log=False)


# ---------------------------------------------------------------------------------------------
# Scorecards
# ---------------------------------------------------------------------------------------------

scorecards_router = Router(tags=["supervision"])

SCORECARD_FILES = {"pdf": scorecard_files.scorecards_pdf, "xlsx": scorecard_files.scorecards_xlsx}


class ScorecardOut(Schema):
    rank: int
    agency: UUID
    legal_name: str
    sip3mi_number: str
    departures: int
    complaints: int
    complaints_per_100: Decimal | None = Field(None, description="null without departures in the year")
    overcharge_flags: int
    overcharge_idr: Decimal = Field(..., description="amount charged over the rules, in rupiah")
    overdue_cases: int = Field(..., description="open cases past their running deadline today")
    sanctions: int = Field(..., description="sanctions opened in the year")
    suspensions: int = Field(..., description="of those, how many reached a suspension or revocation")
    drawdowns: int = Field(..., description="deposit drawdowns requested in the year")

    @staticmethod
    def resolve_agency(obj):
        return obj.agency.public_id

    @staticmethod
    def resolve_legal_name(obj):
        return obj.agency.legal_name

    @staticmethod
    def resolve_sip3mi_number(obj):
        return obj.agency.sip3mi_number


class ScorecardsOut(Schema):
    year: int
    province: str
    sort: str
    cards: list[ScorecardOut]


class ScorecardQuery(InputSchema):
    year: int | None = None
    province: str = Field("", description="two-digit province code of the companies' head offices")
    sort: coded(scorecards.SORTS, blank=True) = ""
    format: Literal["json", "pdf", "xlsx"] = "json"


@scorecards_router.get("", response={200: ScorecardsOut, **ERRORS}, operation_id="scorecards",
                       openapi_extra={"responses": {200: {"content": {
                           CONTENT_TYPES["pdf"]: {"schema": {"type": "string", "format": "binary"}},
                           CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}}}}}})
def scorecards_list(request, query: Query[ScorecardQuery]):
    """Scorecards of the placement companies you may read (P3MI staff: their own) for a year, ranked
    by `sort` (default: complaints per 100 departures), largest first. `format=xlsx` or `pdf` gives
    the evaluation-meeting pack."""
    board = scorecards.scorecards_for(request.user, year=query.year, province=query.province, sort=query.sort)
    if query.format in SCORECARD_FILES:
        return attachment(SCORECARD_FILES[query.format](board), kind=query.format,
                          filename=scorecard_files.pack_name(board, query.format))
    return board
