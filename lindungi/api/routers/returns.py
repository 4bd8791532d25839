"""Returns and repatriation: arrivals at airports, seaports and land border posts. Thin: calls
``lindungi.returns`` services and selectors."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Query, Router, Schema, Status

from lindungi.api.schemas import ERRORS, InputSchema, related
from lindungi.returns import selectors, services

router = Router(tags=["returns"])


class ArrivalIn(InputSchema):
    kind: str = Field(..., description="contract_completed, in_difficulty, deported, sick, remains, "
                                       "failed_candidate, family")
    arrived_at: datetime
    entry_point_kind: str = Field(..., description="airport, seaport, land_border")
    entry_point: str = Field(..., description="e.g. Soekarno-Hatta T3")
    unit: str = Field("", description="receiving unit code; default your unit")
    full_name: str = ""
    nik: str = ""
    passport_number: str = ""
    person: UUID | None = None
    placement: UUID | None = Field(None, description="a placement still abroad moves to returned, repatriated, "
                                                     "deported or deceased")
    case: UUID | None = None
    country: str = Field("", description="ISO2 of the country returned from")
    splp_number: str = ""
    detention_depot: str = ""
    reasons: list[str] = Field(default_factory=list, description="no_documents, overstay, drugs, other_crime, "
                                                                 "contract_end, illness, death, abuse, "
                                                                 "unpaid_wages, other")
    shelter: str = ""
    shelter_from: date | None = None
    shelter_to: date | None = None
    onward_transport: str = ""
    handover_to: str = Field("", description="family, local_government, hospital, other_unit, self")
    handover_name: str = ""
    handed_over_on: date | None = None
    hospital: str = Field("", description="required for a sick worker")
    hospital_referral_number: str = ""
    follow_up: str = ""
    cargo_airway_bill: str = Field("", description="required for remains")
    cause_of_death: str = ""
    date_of_death: date | None = None


class ArrivalOut(Schema):
    id: UUID = Field(..., alias="public_id")
    kind: str
    arrived_at: datetime
    entry_point_kind: str
    entry_point: str
    unit: str
    full_name: str
    nik: str
    passport_number: str
    person: UUID | None = None
    placement: UUID | None = None
    case: UUID | None = None
    country: str | None = None
    splp_number: str
    reasons: list[str]
    shelter: str
    shelter_from: date | None
    shelter_to: date | None
    onward_transport: str
    handover_to: str
    handover_name: str
    handed_over_on: date | None
    hospital: str
    hospital_referral_number: str
    follow_up: str
    cargo_airway_bill: str
    cause_of_death: str
    placement_moved_to: str

    resolve_unit = related("unit.code")
    resolve_person = related("person.public_id")
    resolve_placement = related("placement.public_id")
    resolve_case = related("case.public_id")
    resolve_country = related("country.iso2")


class ArrivalPageOut(Schema):
    items: list[ArrivalOut]
    total: int
    page: int
    page_size: int


class ArrivalFilter(InputSchema):
    entry_point: str = ""
    kind: str = ""
    on: date | None = None
    q: str = ""
    page: int = 1
    page_size: int = 25


@router.get("", response={200: ArrivalPageOut, **ERRORS}, operation_id="returns_list")
def returns_list(request, filters: Query[ArrivalFilter]):
    """Arrivals in your scope (the unit that received them), newest first; filter by entry point."""
    page = selectors.arrival_list_for(request.user, **filters.dict())
    return {"items": page.items, "total": page.total, "page": page.page, "page_size": page.page_size}


@router.post("", response={201: ArrivalOut, **ERRORS}, operation_id="returns_create")
def returns_create(request, payload: ArrivalIn):
    """Record an arrival. A linked placement still abroad follows through the placement lifecycle;
    a linked case gets a timeline entry."""
    data = {k: (str(v) if isinstance(v, UUID) else v) for k, v in payload.dict().items()}
    return Status(201, services.arrival_record(actor=request.user, data=data, via="api"))


@router.get("/{public_id}", response={200: ArrivalOut, **ERRORS}, operation_id="returns_detail")
def returns_detail(request, public_id: UUID):
    return selectors.arrival_get_for(request.user, public_id, via="api")
