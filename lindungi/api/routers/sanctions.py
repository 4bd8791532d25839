"""Administrative sanctions against P3MI (Permen P2MI 4/2025): the finding, its steps and letters.

Thin: parse, call one selector or service with ``request.user`` as actor, shape the response.
Scoping (P3MI staff see only their own company's sanctions; out of scope is 404) and permissions
live in ``lindungi.agencies``.
"""

import datetime as dt
from uuid import UUID

from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from lindungi.agencies import selectors, services
from lindungi.agencies.models import Sanction
from lindungi.agencies.sanction_states import STEPS, SanctionOutcome, SanctionState
from lindungi.api.schemas import ERRORS, ErrorOut, InputSchema, coded

router = Router(tags=["sanctions"])

VIA = "api"


class SanctionGroundOut(Schema):
    code: str
    title_id: str
    title_en: str
    legal_basis: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    allowed_steps: list[str]


class SanctionAgencyOut(Schema):
    public_id: str
    legal_name: str
    sip3mi_number: str


class SanctionItemOut(Schema):
    public_id: str
    agency: SanctionAgencyOut
    ground: SanctionGroundOut
    state: coded(SanctionState)
    version: int
    source_kind: coded(Sanction.SourceKind)
    source_reference: str
    opened_on: dt.date
    clarification_rounds: int
    clarification_due: dt.date | None
    suspended_from: dt.date | None
    suspended_until: dt.date | None
    suspension_countries: list[str]
    suspension_schemes: list[str]
    outcome: str
    closed_on: dt.date | None


class SanctionStepOut(Schema):
    step: str
    from_state: str
    to_state: str
    letter_number: str
    letter_date: dt.date | None
    reason: str
    details: dict
    decided_by: str | None
    at: dt.datetime


class SanctionOut(SanctionItemOut):
    summary: str
    steps: list[SanctionStepOut]
    next_steps: list[str]


class SanctionPageOut(Schema):
    items: list[SanctionItemOut]
    total: int
    page: int
    page_size: int


class SanctionUnmetOut(Schema):
    code: str
    message: str
    message_id: str
    message_en: str


class SanctionStepRefusedOut(ErrorOut):
    unmet: list[SanctionUnmetOut] = []


class SanctionFilters(InputSchema):
    agency: str = Field("", description="the company's public id")
    state: coded(SanctionState, blank=True) = ""
    ground: str = Field("", description="a ground code, see GET /sanctions/grounds")
    page: int = 1
    page_size: int = 25


class SanctionIn(InputSchema):
    agency: str = Field(..., description="the company's public id")
    ground_code: str
    source_kind: coded(Sanction.SourceKind)
    source_reference: str = Field("", description="the case number, inspection report or cost-ledger flag")
    summary: str
    opened_on: dt.date | None = None


class SanctionStepIn(InputSchema):
    step: coded(tuple(STEPS))
    expected_version: int
    letter_number: str
    letter_date: dt.date
    reason: str
    clarification_due: dt.date | None = Field(None, description="request_clarification: the answer's deadline")
    suspended_from: dt.date | None = Field(None, description="suspend: the first day")
    suspended_until: dt.date | None = Field(None, description="suspend: the last day (inclusive; none: until lifted)")
    countries: list[str] = Field(default_factory=list, description="suspend: ISO2 codes (empty: every country)")
    schemes: list[str] = Field(default_factory=list, description="suspend: scheme codes (empty: every scheme)")
    outcome: coded(SanctionOutcome, blank=True) = Field("", description="close: no_violation or resolved")
    effective_on: dt.date | None = Field(None, description="lift_suspension, revoke: the day it takes effect")


def _ground_out(ground) -> dict:
    return {"code": ground.code, "title_id": ground.title_id, "title_en": ground.title_en,
            "legal_basis": ground.legal_basis, "valid_from": ground.valid_from, "valid_to": ground.valid_to,
            "allowed_steps": list(ground.allowed_steps or [])}


def _item(sanction: Sanction) -> dict:
    agency = sanction.agency
    return {
        "public_id": str(sanction.public_id),
        "agency": {"public_id": str(agency.public_id), "legal_name": agency.legal_name,
                   "sip3mi_number": agency.sip3mi_number},
        "ground": _ground_out(sanction.ground),
        **{name: getattr(sanction, name) for name in (
            "state", "version", "source_kind", "source_reference", "opened_on", "clarification_rounds",
            "clarification_due", "suspended_from", "suspended_until", "suspension_countries", "suspension_schemes",
            "outcome", "closed_on")},
    }


def _detail(request, public_id) -> dict:
    sanction = selectors.sanction_get_for(request.user, public_id)
    return _item(sanction) | {
        "summary": sanction.summary,
        "steps": [{"step": s.step, "from_state": s.from_state, "to_state": s.to_state,
                   "letter_number": s.letter_number, "letter_date": s.letter_date, "reason": s.reason,
                   "details": s.details, "decided_by": s.decided_by.username if s.decided_by_id else None,
                   "at": s.at} for s in sanction.steps.all()],
        "next_steps": selectors.sanction_next_steps(sanction),
    }


@router.get("/grounds", response={200: list[SanctionGroundOut], **ERRORS}, operation_id="sanction_grounds")
def sanction_grounds(request):
    """The grounds in force today (Permen P2MI 4/2025 Pasal 9), with the steps each allows."""
    return [_ground_out(g) for g in selectors.sanction_grounds_on()]


@router.get("", response={200: SanctionPageOut, **ERRORS}, operation_id="sanction_list")
def sanction_list(request, filters: Query[SanctionFilters]):
    """Sanctions in your scope (P3MI staff: your own company's), newest first, filtered by company,
    state and ground."""
    page = selectors.sanction_list_for(request.user, agency=filters.agency, state=filters.state,
                                       ground=filters.ground, page=filters.page, page_size=filters.page_size)
    return {"items": [_item(s) for s in page.items], "total": page.total, "page": page.page,
            "page_size": page.page_size}


@router.post("", response={201: SanctionOut, **ERRORS}, operation_id="sanction_open")
def sanction_open(request, payload: SanctionIn):
    """Open a sanction as a finding against a P3MI, with its ground and source."""
    sanction = services.sanction_open(
        actor=request.user, agency_public_id=payload.agency, ground_code=payload.ground_code,
        source_kind=payload.source_kind, source_reference=payload.source_reference, summary=payload.summary,
        opened_on=payload.opened_on, via=VIA)
    return Status(201, _detail(request, sanction.public_id))


@router.get("/{public_id}", response={200: SanctionOut, **ERRORS}, operation_id="sanction_get")
def sanction_get(request, public_id: UUID):
    return _detail(request, public_id)


@router.post("/{public_id}/steps", response={200: SanctionOut, 422: SanctionStepRefusedOut,
                                             **{k: v for k, v in ERRORS.items() if k != 422}},
             operation_id="sanction_step")
def sanction_step(request, public_id: UUID, payload: SanctionStepIn):
    """Take a step with its decision letter. 409 ``transition_not_allowed`` when the step does not
    leave from the current state, 409 ``stale_version`` when someone else moved the sanction first,
    422 ``sanction_step_refused`` with every unmet condition in ``unmet``."""
    try:
        services.sanction_step(actor=request.user, public_id=public_id, via=VIA, **payload.model_dump())
    except services.SanctionStepRefused as exc:
        lang = (get_language() or "id")[:2]
        return Status(422, {"code": exc.code, "message": exc.message, "fields": exc.fields,
                            "unmet": [{**u.as_dict(), "message": u.message(lang)} for u in exc.unmet]})
    return _detail(request, public_id)
