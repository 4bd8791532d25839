"""Job orders and SIP2MI recruitment permits (``router``, mounted at /api/v1/job-orders), and the
public list of job orders still recruiting (``public_router``, meant for /api/v1/public/job-orders)."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema, Status

from lindungi.agencies.models import ForeignParty
from lindungi.api.schemas import ERRORS, InputSchema, coded, related
from lindungi.placements import selectors, services
from lindungi.placements.models import JobOrder, Sip2mi

router = Router(tags=["job orders"])
public_router = Router(tags=["public"])


def _lang() -> str:
    return (get_language() or "id")[:2]


class JobOrderIn(InputSchema):
    agency: UUID | None = Field(None, description="public id of the P3MI (ignored for P3MI staff: their own)")
    employer: UUID = Field(..., description="public id of the foreign employer")
    foreign_agency: UUID | None = None
    country: str = Field(..., description="ISO2, e.g. TW")
    position_title: str
    occupation: str = Field(..., description="ISCO-08 4-digit code")
    headcount_male: int = 0
    headcount_female: int = 0
    headcount_any: int = 0
    salary_amount: Decimal
    salary_currency: str = Field(..., description="ISO 4217, e.g. TWD")
    contract_months: int
    accommodation: str = ""
    destination_permit_number: str = ""


class JobOrderVerifyIn(InputSchema):
    verified_on: date
    verification_reference: str = Field(..., description="the Perwakilan's endorsement letter number")


class RejectIn(InputSchema):
    reason: str


class Sip2miIn(InputSchema):
    number: str
    quota: int
    valid_from: date
    valid_until: date


class PermitRevokeIn(InputSchema):
    reason: str
    revoked_on: date | None = None


class Sip2miOut(Schema):
    id: UUID = Field(..., alias="public_id")
    number: str
    quota: int
    used: int
    remaining: int
    valid_from: date
    valid_until: date
    status: coded(Sip2mi.Status)
    revoked_on: date | None
    revoke_reason: str


class JobOrderOut(Schema):
    id: UUID = Field(..., alias="public_id")
    agency: UUID
    agency_name: str
    employer: UUID
    employer_name: str
    employer_legal_type: coded(ForeignParty.LegalType)
    foreign_agency: UUID | None = None
    country: str
    position_title: str
    occupation: str
    occupation_title: str
    headcount_male: int
    headcount_female: int
    headcount_any: int
    headcount_total: int
    salary_amount: Decimal
    salary_currency: str
    contract_months: int
    accommodation: str
    destination_permit_number: str
    status: coded(JobOrder.Status)
    verified_on: date | None
    verification_reference: str
    rejection_reason: str

    resolve_agency = related("agency.public_id")

    resolve_agency_name = related("agency.legal_name")

    resolve_employer = related("employer.public_id")

    resolve_employer_name = related("employer.name")

    resolve_employer_legal_type = related("employer.legal_type")

    resolve_foreign_agency = related("foreign_agency.public_id")

    resolve_country = related("country.iso2")

    resolve_occupation = related("occupation.isco_code")

    @staticmethod
    def resolve_occupation_title(obj):
        return obj.occupation.title_en if _lang() == "en" else obj.occupation.title_id


class JobOrderDetailOut(JobOrderOut):
    permits: list[Sip2miOut]

    @staticmethod
    def resolve_permits(obj):
        return selectors.job_order_permits(obj)


class JobOrderPageOut(Schema):
    items: list[JobOrderOut]
    total: int
    page: int
    page_size: int


class JobOrderFilter(InputSchema):
    status: coded(JobOrder.Status, blank=True) = ""
    country: str = ""
    occupation: str = ""
    agency: str = ""
    page: int = 1
    page_size: int = 25


class PublicJobOrderOut(Schema):
    id: UUID = Field(..., alias="public_id")
    position_title: str
    country: str
    country_name: str
    occupation: str
    occupation_title: str
    employer_name: str
    agency_name: str
    salary_amount: Decimal
    salary_currency: str
    contract_months: int
    accommodation: str
    openings: int
    verified_on: date | None

    resolve_country = related("country.iso2")

    @staticmethod
    def resolve_country_name(obj):
        return obj.country.name_en if _lang() == "en" else obj.country.name_id

    resolve_occupation = related("occupation.isco_code")

    @staticmethod
    def resolve_occupation_title(obj):
        return obj.occupation.title_en if _lang() == "en" else obj.occupation.title_id

    resolve_employer_name = related("employer.name")

    resolve_agency_name = related("agency.legal_name")


class PublicJobOrderFilter(InputSchema):
    country: str = ""
    occupation: str = ""
    page: int = 1
    page_size: int = 25


class PublicJobOrderPageOut(Schema):
    items: list[PublicJobOrderOut]
    total: int
    page: int
    page_size: int


def _ref(value) -> str | None:
    return str(value) if value is not None else None


@router.get("", response={200: JobOrderPageOut, **ERRORS}, operation_id="job_orders_list")
def job_orders_list(request, filters: Query[JobOrderFilter]):
    page = selectors.job_order_list_for(request.user, **filters.dict())
    return {"items": page.items, "total": page.total, "page": page.page, "page_size": page.page_size}


@router.post("", response={201: JobOrderDetailOut, **ERRORS}, operation_id="job_orders_create")
def job_orders_create(request, payload: JobOrderIn):
    """Enter a job order (awaiting the Perwakilan's verification). Refused when the destination is
    closed for this job and employer type."""
    data = payload.dict()
    for name in ("agency", "employer", "foreign_agency"):
        data[name] = _ref(data[name])
    return Status(201, services.job_order_create(actor=request.user, data=data, via="api"))


@public_router.get("", response={200: PublicJobOrderPageOut, **ERRORS}, operation_id="public_job_orders", auth=None)
def public_job_orders(request, filters: Query[PublicJobOrderFilter]):
    """Verified job orders still recruiting: an SIP2MI in force with openings left. No login needed."""
    result = selectors.public_job_order_list(**filters.dict())
    return {"items": result.items, "total": result.total, "page": result.page, "page_size": result.page_size}


@router.get("/{public_id}", response={200: JobOrderDetailOut, **ERRORS}, operation_id="job_orders_detail")
def job_orders_detail(request, public_id: UUID):
    return selectors.job_order_get_for(request.user, public_id)


@router.post("/{public_id}/verify", response={200: JobOrderDetailOut, **ERRORS}, operation_id="job_orders_verify")
def job_orders_verify(request, public_id: UUID, payload: JobOrderVerifyIn):
    """Record the verification by the Perwakilan RI (UU 18/2017 Pasal 9)."""
    return services.job_order_verify(actor=request.user, public_id=public_id, verified_on=payload.verified_on,
                                             verification_reference=payload.verification_reference, via="api")


@router.post("/{public_id}/reject", response={200: JobOrderDetailOut, **ERRORS}, operation_id="job_orders_reject")
def job_orders_reject(request, public_id: UUID, payload: RejectIn):
    return services.job_order_reject(actor=request.user, public_id=public_id, reason=payload.reason, via="api")


@router.post("/{public_id}/permits", response={201: Sip2miOut, **ERRORS}, operation_id="job_orders_sip2mi_issue")
def job_orders_sip2mi_issue(request, public_id: UUID, payload: Sip2miIn):
    """Issue an SIP2MI against a verified job order (quota at most the workers still uncovered)."""
    permit = services.sip2mi_issue(actor=request.user, job_order_public_id=public_id, number=payload.number,
                                   quota=payload.quota, valid_from=payload.valid_from,
                                   valid_until=payload.valid_until, via="api")
    return Status(201, permit)


@router.post("/permits/{public_id}/revoke", response={200: Sip2miOut, **ERRORS},
             operation_id="job_orders_sip2mi_revoke")
def job_orders_sip2mi_revoke(request, public_id: UUID, payload: PermitRevokeIn):
    return services.sip2mi_revoke(actor=request.user, public_id=public_id, reason=payload.reason,
                                  revoked_on=payload.revoked_on, via="api")
