"""P3MI companies, their licence status and branches, and foreign employers/agencies.

Thin: parse the payload, call a selector or service with ``request.user`` as actor, shape the
response. Scoping and permissions live in the selectors and services.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from lindungi.agencies import selectors, services
from lindungi.agencies.models import Agency, AgencyStatus, AgencyStatusChange, Branch, DepositDrawdown, ForeignParty
from lindungi.agencies.rules import standing_on
from lindungi.api.schemas import ERRORS, InputSchema, coded

router = Router(tags=["agencies"])

VIA = "api"


# ---------------------------------------------------------------------------------------------
# schemas
# ---------------------------------------------------------------------------------------------

class AgencyRegencyOut(Schema):
    code: str
    name: str
    province_code: str
    province_name: str


class AgencyListItemOut(Schema):
    public_id: str
    legal_name: str
    sip3mi_number: str
    status: coded(AgencyStatus)
    in_good_standing: bool
    standing_code: str
    licence_issued_on: dt.date
    licence_expires_on: dt.date | None
    suspended_from: dt.date | None
    suspended_until: dt.date | None
    suspension_countries: list[str]
    suspension_schemes: list[str]
    head_office_regency: AgencyRegencyOut


class AgencyOut(AgencyListItemOut):
    head_office_address: str
    financials_visible: bool
    paid_up_capital: Decimal | None
    deposit_bank: str | None
    deposit_amount: Decimal | None
    deposit_holder: str | None
    deposit_reference: str | None
    responsible_officer: str | None
    phone: str | None
    email: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class StatusChangeOut(Schema):
    status: coded(AgencyStatus)
    effective_from: dt.date
    effective_until: dt.date | None
    decree_number: str
    reason: str
    at: dt.datetime


class AgencyDetailOut(AgencyOut):
    status_history: list[StatusChangeOut]
    branches_open: int


class AgencyPageOut(Schema):
    items: list[AgencyListItemOut]
    total: int
    page: int
    page_size: int


class AgencyIn(InputSchema):
    legal_name: str
    sip3mi_number: str
    licence_issued_on: dt.date
    licence_expires_on: dt.date | None = None
    head_office_regency_code: str
    head_office_address: str = ""
    paid_up_capital: Decimal
    deposit_bank: str
    deposit_amount: Decimal
    deposit_holder: str = ""
    deposit_reference: str = ""
    responsible_officer: str = ""
    phone: str = ""
    email: str = ""
    reason: str = ""


class AgencyPatch(InputSchema):
    legal_name: str | None = None
    sip3mi_number: str | None = None
    licence_issued_on: dt.date | None = None
    licence_expires_on: dt.date | None = None
    head_office_regency_code: str | None = None
    head_office_address: str | None = None
    paid_up_capital: Decimal | None = None
    deposit_bank: str | None = None
    deposit_amount: Decimal | None = None
    deposit_holder: str | None = None
    deposit_reference: str | None = None
    responsible_officer: str | None = None
    phone: str | None = None
    email: str | None = None
    reason: str = ""


class SuspendIn(InputSchema):
    suspended_from: dt.date
    suspended_until: dt.date | None = None
    decree_number: str
    reason: str
    countries: list[str] = Field(default_factory=list, description="ISO2 codes of a partial suspension")
    schemes: list[str] = Field(default_factory=list, description="scheme codes of a partial suspension")


class LiftIn(InputSchema):
    reason: str
    decree_number: str = ""
    lifted_on: dt.date | None = None


class LicenceRevokeIn(InputSchema):
    decree_number: str
    reason: str
    revoked_on: dt.date | None = None


class BranchOut(Schema):
    id: int
    regency: AgencyRegencyOut
    address: str
    registered_on: dt.date | None
    closed_on: dt.date | None
    is_open: bool


class BranchIn(InputSchema):
    regency_code: str
    address: str = ""
    registered_on: dt.date | None = None
    reason: str = ""


class BranchCloseIn(InputSchema):
    reason: str
    closed_on: dt.date | None = None


class ForeignPartyOut(Schema):
    public_id: str
    role: coded(ForeignParty.Role)
    legal_type: coded(ForeignParty.LegalType)
    name: str
    name_local: str
    country_iso2: str
    country_name: str
    address: str
    registration_number: str
    blacklisted_from: dt.date | None
    blacklisted_until: dt.date | None


class ForeignPartyPageOut(Schema):
    items: list[ForeignPartyOut]
    total: int
    page: int
    page_size: int


class ForeignPartyIn(InputSchema):
    role: Literal["employer", "agency"]
    legal_type: Literal["individual", "legal_entity", "government"]
    name: str
    country_iso2: str
    name_local: str = ""
    address: str = ""
    registration_number: str = ""
    reason: str = ""


class ForeignPartyPatch(InputSchema):
    role: Literal["employer", "agency"] | None = None
    legal_type: Literal["individual", "legal_entity", "government"] | None = None
    name: str | None = None
    country_iso2: str | None = None
    name_local: str | None = None
    address: str | None = None
    registration_number: str | None = None
    blacklisted_from: dt.date | None = None
    blacklisted_until: dt.date | None = None
    reason: str = ""


class AgencyFilters(InputSchema):
    q: str = ""
    status: coded(AgencyStatus, blank=True) = ""
    province: str = ""
    page: int = 1
    page_size: int = 25


class ForeignPartyFilters(InputSchema):
    q: str = ""
    role: coded(ForeignParty.Role, blank=True) = ""
    country: str = ""
    page: int = 1
    page_size: int = 25


# ---------------------------------------------------------------------------------------------
# shaping
# ---------------------------------------------------------------------------------------------

def _regency_out(regency) -> dict:
    return {"code": regency.code, "name": regency.name, "province_code": regency.province.code,
            "province_name": regency.province.name}


def _agency_item(agency: Agency, day: dt.date) -> dict:
    good, code = standing_on(agency, day)
    return {
        "public_id": str(agency.public_id),
        "legal_name": agency.legal_name,
        "sip3mi_number": agency.sip3mi_number,
        "status": agency.status,
        "in_good_standing": good,
        "standing_code": code,
        "licence_issued_on": agency.licence_issued_on,
        "licence_expires_on": agency.licence_expires_on,
        "suspended_from": agency.suspended_from,
        "suspended_until": agency.suspended_until,
        "suspension_countries": list(agency.suspension_countries or []),
        "suspension_schemes": list(agency.suspension_schemes or []),
        "head_office_regency": _regency_out(agency.head_office_regency),
    }


_PRIVATE = ("paid_up_capital", "deposit_bank", "deposit_amount", "deposit_holder", "deposit_reference",
            "responsible_officer", "phone", "email")


def _agency_out(actor, agency: Agency) -> dict:
    out = _agency_item(agency, timezone.localdate())
    visible = selectors.agency_financials_visible(actor, agency)
    out |= {
        "head_office_address": agency.head_office_address,
        "financials_visible": visible,
        "created_at": agency.created_at,
        "updated_at": agency.updated_at,
    }
    out |= {name: (getattr(agency, name) if visible else None) for name in _PRIVATE}
    return out


def _agency_detail(actor, public_id) -> dict:
    agency = selectors.agency_get_for(actor, public_id)
    out = _agency_out(actor, agency)
    out["status_history"] = [_history_out(h) for h in agency.status_history.all()]
    out["branches_open"] = sum(1 for b in agency.branches.all() if b.closed_on is None)
    return out


def _history_out(change: AgencyStatusChange) -> dict:
    return {"status": change.status, "effective_from": change.effective_from,
            "effective_until": change.effective_until, "decree_number": change.decree_number,
            "reason": change.reason, "at": change.at}


def _branch_out(branch: Branch) -> dict:
    return {"id": branch.pk, "regency": _regency_out(branch.regency), "address": branch.address,
            "registered_on": branch.registered_on, "closed_on": branch.closed_on,
            "is_open": branch.closed_on is None}


def _party_out(party: ForeignParty) -> dict:
    return {
        "public_id": str(party.public_id), "role": party.role, "legal_type": party.legal_type,
        "name": party.name, "name_local": party.name_local, "country_iso2": party.country.iso2,
        "country_name": party.country.name_en, "address": party.address,
        "registration_number": party.registration_number, "blacklisted_from": party.blacklisted_from,
        "blacklisted_until": party.blacklisted_until,
    }


def _set_fields(payload: Schema) -> tuple[dict, str]:
    """The fields the client actually sent (so omitted fields stay as they are) and the reason."""
    sent = payload.model_dump(exclude_unset=True)
    reason = sent.pop("reason", "") or ""
    return sent, reason


# ---------------------------------------------------------------------------------------------
# foreign employers and agencies (declared first: "/foreign-parties" must not be read as an id)
# ---------------------------------------------------------------------------------------------

@router.get("/foreign-parties", response={200: ForeignPartyPageOut, **ERRORS}, operation_id="foreign_party_list")
def foreign_party_list(request, filters: Query[ForeignPartyFilters]):
    """Foreign employers and agencies, filtered by name (q), role and country (ISO alpha-2)."""
    page = selectors.foreign_party_list_for(
        request.user, q=filters.q, role=filters.role, country_iso2=filters.country,
        page=filters.page, page_size=filters.page_size,
    )
    return {"items": [_party_out(p) for p in page.items], "total": page.total, "page": page.page,
            "page_size": page.page_size}


@router.post("/foreign-parties", response={201: ForeignPartyOut, **ERRORS}, operation_id="foreign_party_create")
def foreign_party_create(request, payload: ForeignPartyIn):
    data = payload.model_dump()
    party = services.foreign_party_create(actor=request.user, via=VIA, **data)
    return Status(201, _party_out(selectors.foreign_party_get_for(request.user, party.public_id)))


@router.get("/foreign-parties/{public_id}", response={200: ForeignPartyOut, **ERRORS},
            operation_id="foreign_party_get")
def foreign_party_get(request, public_id: str):
    return _party_out(selectors.foreign_party_get_for(request.user, public_id))


@router.patch("/foreign-parties/{public_id}", response={200: ForeignPartyOut, **ERRORS},
              operation_id="foreign_party_update")
def foreign_party_update(request, public_id: str, payload: ForeignPartyPatch):
    """Change the fields sent. Setting a blacklisting needs the sanction permission and a reason."""
    sent, reason = _set_fields(payload)
    services.foreign_party_update(actor=request.user, public_id=public_id, reason=reason, via=VIA, **sent)
    return _party_out(selectors.foreign_party_get_for(request.user, public_id))


# ---------------------------------------------------------------------------------------------
# companies
# ---------------------------------------------------------------------------------------------

@router.get("", response={200: AgencyPageOut, **ERRORS}, operation_id="agency_list")
def agency_list(request, filters: Query[AgencyFilters]):
    """P3MI companies in your scope, filtered by name or SIP3MI number (q), status and province
    (two-digit Kemendagri code)."""
    page = selectors.agency_list_for(
        request.user, q=filters.q, status=filters.status, province_code=filters.province,
        page=filters.page, page_size=filters.page_size,
    )
    day = timezone.localdate()
    return {"items": [_agency_item(a, day) for a in page.items], "total": page.total, "page": page.page,
            "page_size": page.page_size}


@router.post("", response={201: AgencyDetailOut, **ERRORS}, operation_id="agency_create")
def agency_create(request, payload: AgencyIn):
    """Register a P3MI. Capital and deposit must meet the legal minimums; the SIP3MI number is unique
    (409 if taken)."""
    agency = services.agency_create(actor=request.user, via=VIA, **payload.model_dump())
    return Status(201, _agency_detail(request.user, agency.public_id))


@router.get("/{public_id}", response={200: AgencyDetailOut, **ERRORS}, operation_id="agency_get")
def agency_get(request, public_id: str):
    return _agency_detail(request.user, public_id)


@router.patch("/{public_id}", response={200: AgencyDetailOut, **ERRORS}, operation_id="agency_update")
def agency_update(request, public_id: str, payload: AgencyPatch):
    """Change the fields sent; status changes use the suspend, lift-suspension and revoke actions."""
    sent, reason = _set_fields(payload)
    services.agency_update(actor=request.user, public_id=public_id, reason=reason, via=VIA, **sent)
    return _agency_detail(request.user, public_id)


@router.post("/{public_id}/suspend", response={200: AgencyDetailOut, **ERRORS}, operation_id="agency_suspend")
def agency_suspend(request, public_id: str, payload: SuspendIn):
    """Suspend the licence from `suspended_from` to `suspended_until` inclusive (no end: until lifted),
    for all activity or only the `countries` and/or `schemes` given. A step of the sanction workflow:
    the company's suspended sanction is suspended anew, or a sanction is opened on the decree
    (see `/sanctions`)."""
    services.agency_suspend(actor=request.user, public_id=public_id, via=VIA, **payload.model_dump())
    return _agency_detail(request.user, public_id)


@router.post("/{public_id}/lift-suspension", response={200: AgencyDetailOut, **ERRORS},
             operation_id="agency_lift_suspension")
def agency_lift_suspension(request, public_id: str, payload: LiftIn):
    services.agency_lift_suspension(actor=request.user, public_id=public_id, via=VIA, **payload.model_dump())
    return _agency_detail(request.user, public_id)


@router.post("/{public_id}/revoke", response={200: AgencyDetailOut, **ERRORS}, operation_id="agency_revoke")
def agency_revoke(request, public_id: str, payload: LicenceRevokeIn):
    """Revoke the licence. Revocation is final: it cannot be lifted or reinstated."""
    services.agency_revoke(actor=request.user, public_id=public_id, via=VIA, **payload.model_dump())
    return _agency_detail(request.user, public_id)


@router.get("/{public_id}/branches", response={200: list[BranchOut], **ERRORS}, operation_id="agency_branch_list")
def branch_list(request, public_id: str):
    return [_branch_out(b) for b in selectors.agency_branches_for(request.user, public_id)]


@router.post("/{public_id}/branches", response={201: BranchOut, **ERRORS}, operation_id="agency_branch_add")
def branch_add(request, public_id: str, payload: BranchIn):
    """Register a branch office in a regency/city (Kemendagri code); one per regency."""
    branch = services.branch_add(actor=request.user, agency_public_id=public_id, via=VIA, **payload.model_dump())
    return Status(201, _branch_out(branch))


@router.post("/{public_id}/branches/{branch_id}/close", response={200: BranchOut, **ERRORS},
             operation_id="agency_branch_close")
def branch_close(request, public_id: str, branch_id: int, payload: BranchCloseIn):
    branch = services.branch_close(actor=request.user, agency_public_id=public_id, branch_id=branch_id, via=VIA,
                                   **payload.model_dump())
    return _branch_out(branch)


# ---------------------------------------------------------------------------------------------
# deposit drawdowns (Permen P2MI 31/2025 Pasal 23)
# ---------------------------------------------------------------------------------------------

class PayoutOut(Schema):
    person_reference: str
    amount: Decimal


class DrawdownOut(Schema):
    public_id: str
    state: coded(DepositDrawdown.State)
    proposed_by: coded(DepositDrawdown.Proposer)
    case_references: list[str]
    amount_requested: Decimal
    reason: str
    requested_on: dt.date
    decided_on: dt.date | None
    letter_number: str
    decision_reason: str
    paid_on: dt.date | None
    payouts: list[PayoutOut]
    balance_after: Decimal | None
    top_up_amount: Decimal | None
    top_up_due: dt.date | None
    top_up_legal_basis: str


class DrawdownIn(InputSchema):
    proposed_by: coded(DepositDrawdown.Proposer)
    case_references: list[str] = Field(..., description="the unresolved cases, as references (case numbers)")
    amount_requested: Decimal
    reason: str
    requested_on: dt.date | None = None


class DrawdownDecisionIn(InputSchema):
    approve: bool
    letter_number: str
    reason: str
    decided_on: dt.date | None = None


class PayoutIn(InputSchema):
    person_reference: str
    amount: Decimal


class DrawdownPayIn(InputSchema):
    payouts: list[PayoutIn]
    paid_on: dt.date | None = None


def _drawdown_out(drawdown: DepositDrawdown) -> dict:
    return {
        "public_id": str(drawdown.public_id),
        "payouts": [{"person_reference": p.person_reference, "amount": p.amount} for p in drawdown.payouts.all()],
        **{name: getattr(drawdown, name) for name in (
            "state", "proposed_by", "case_references", "amount_requested", "reason", "requested_on", "decided_on",
            "letter_number", "decision_reason", "paid_on", "balance_after", "top_up_amount", "top_up_due",
            "top_up_legal_basis")},
    }


@router.get("/{public_id}/drawdowns", response={200: list[DrawdownOut], **ERRORS}, operation_id="drawdown_list")
def drawdown_list(request, public_id: str):
    """The company's deposit drawdowns, newest first."""
    return [_drawdown_out(d) for d in selectors.drawdown_list_for(request.user, public_id)]


@router.post("/{public_id}/drawdowns", response={201: DrawdownOut, **ERRORS}, operation_id="drawdown_request")
def drawdown_request(request, public_id: str, payload: DrawdownIn):
    """Request a drawdown of the deposit for unresolved cases."""
    drawdown = services.drawdown_request(actor=request.user, agency_public_id=public_id, via=VIA,
                                         **payload.model_dump())
    return Status(201, _drawdown_out(selectors.drawdown_get_for(request.user, public_id, drawdown.public_id)))


@router.post("/{public_id}/drawdowns/{drawdown_id}/decision", response={200: DrawdownOut, **ERRORS},
             operation_id="drawdown_decide")
def drawdown_decide(request, public_id: str, drawdown_id: str, payload: DrawdownDecisionIn):
    """Approve or reject a requested drawdown (409 ``drawdown_decided`` when already decided)."""
    services.drawdown_decide(actor=request.user, agency_public_id=public_id, public_id=drawdown_id, via=VIA,
                             **payload.model_dump())
    return _drawdown_out(selectors.drawdown_get_for(request.user, public_id, drawdown_id))


@router.post("/{public_id}/drawdowns/{drawdown_id}/payout", response={200: DrawdownOut, **ERRORS},
             operation_id="drawdown_pay")
def drawdown_pay(request, public_id: str, drawdown_id: str, payload: DrawdownPayIn):
    """Record the payouts per worker of an approved drawdown; the deposit is reduced and the top-up
    obligation (amount and deadline) computed (409 ``drawdown_not_approved``)."""
    services.drawdown_pay(actor=request.user, agency_public_id=public_id, public_id=drawdown_id, via=VIA,
                          payouts=[p.model_dump() for p in payload.payouts], paid_on=payload.paid_on)
    return _drawdown_out(selectors.drawdown_get_for(request.user, public_id, drawdown_id))
