"""Placements: list, register, detail (checklist, timeline, next steps), state transitions and the
readiness checklist. Thin: every handler calls ``lindungi.placements`` services and selectors."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema, Status

from lindungi.api.schemas import ERRORS, ErrorOut, InputSchema, coded, refuse_identifiers_in_url, related
from lindungi.placements import selectors, services
from lindungi.placements.checklist import ChecklistKind, ItemState
from lindungi.placements.models import Placement, Sector
from lindungi.placements.states import PlacementState, Unmet
from lindungi.registry.models import Education

router = Router(tags=["placements"])

# The schemes seeded by migration (placements/0002); a test keeps this list equal to the Scheme table.
SCHEME_CODES = ("p_to_p", "g_to_g", "g_to_g_korea", "g_to_p", "ukps", "perseorangan", "ssw_japan", "special")
SchemeCode = coded(SCHEME_CODES)
State = coded(PlacementState)
Kind = coded(ChecklistKind)


def _lang() -> str:
    return (get_language() or "id")[:2]


class UnmetOut(Schema):
    code: str
    message: str
    message_id: str
    message_en: str


def _unmet_out(items: list[Unmet]) -> list[dict]:
    lang = _lang()
    return [{**u.as_dict(), "message": u.message(lang)} for u in items]


class TransitionRefusedOut(ErrorOut):
    # Absent from a plain validation_error (bad id or body), which shares the 422 status.
    unmet: list[UnmetOut] = []


class PlacementIn(InputSchema):
    person: UUID = Field(..., description="public id of the person")
    scheme: SchemeCode = Field(..., description="the placement scheme (see GET /placements/schemes)")
    agency: UUID | None = Field(None, description="public id of the P3MI (ignored for P3MI staff: their own)")
    job_order: UUID | None = Field(None, description="public id of the job order; fills P3MI, employer, country, "
                                                     "occupation")
    sip2mi: UUID | None = None
    employer: UUID | None = Field(None, description="public id of the foreign employer")
    country: str = Field("", description="ISO 3166 alpha-2, e.g. TW")
    occupation: str = Field("", description="ISCO-08 4-digit code, e.g. 5322")
    sector: coded(Sector, blank=True) = Field("", description="formal or informal; from the occupation when empty")
    contract_start: date | None = None
    contract_end: date | None = None
    unit: str = Field("", description="organisational unit code, e.g. BP3MI-JABAR")


class PlacementPatch(InputSchema):
    scheme: SchemeCode | None = None
    agency: UUID | None = None
    job_order: UUID | None = None
    sip2mi: UUID | None = None
    employer: UUID | None = None
    country: str | None = None
    occupation: str | None = None
    sector: coded(Sector) | None = None
    contract_start: date | None = None
    contract_end: date | None = None
    unit: str | None = None
    reason: str = ""
    expected_version: int | None = None


class PlacementOut(Schema):
    id: UUID = Field(..., alias="public_id")
    person: UUID
    person_name: str
    person_nik: str = Field(..., description="masked in lists (3201••••••••0001) for roles without "
                                             "person.view_full_nik")
    scheme: SchemeCode
    agency: UUID | None = None
    agency_name: str | None = None
    job_order: UUID | None = None
    sip2mi: str | None = Field(None, description="SIP2MI number")
    employer: UUID | None = None
    employer_name: str | None = None
    country: str
    occupation: str
    occupation_title: str
    sector: coded(Sector, blank=True)
    contract_start: date | None
    contract_end: date | None
    state: State
    state_label: str
    version: int
    state_changed_at: datetime
    quota_held: bool
    migrated: bool

    resolve_person = related("person.public_id")

    resolve_person_name = related("person.full_name")

    resolve_person_nik = related("person.nik_display")

    resolve_scheme = related("scheme.code")

    resolve_agency = related("agency.public_id")

    resolve_agency_name = related("agency.legal_name")

    resolve_job_order = related("job_order.public_id")

    resolve_sip2mi = related("sip2mi.number")

    resolve_employer = related("employer.public_id")

    resolve_employer_name = related("employer.name")

    resolve_country = related("country.iso2")

    resolve_occupation = related("occupation.isco_code")

    @staticmethod
    def resolve_occupation_title(obj):
        return obj.occupation.title_en if _lang() == "en" else obj.occupation.title_id

    @staticmethod
    def resolve_state_label(obj):
        return str(obj.get_state_display())


class PlacementPageOut(Schema):
    items: list[PlacementOut]
    total: int
    page: int
    page_size: int


class PlacementCreatedOut(Schema):
    placement: PlacementOut
    warnings: list[UnmetOut] = Field(..., description="what would stop the placement at selection, checked now")


class ChecklistStatusOut(Schema):
    kind: Kind
    required: bool
    status: coded(ItemState)
    issued_on: date | None
    valid_until: date | None
    days_left: int | None
    reference_number: str
    voided_on: date | None


class ChecklistItemIn(InputSchema):
    kind: Kind = Field(..., description="the readiness document")
    reference_number: str = ""
    issued_on: date | None = Field(None, description="required except for a passport taken from the registry")
    valid_until: date | None = Field(None, description="default: medical +3 months; passport: its expiry date")
    details: dict[str, Any] = Field(default_factory=dict, description=(
        "placement_agreement: {witnessed_by}; employment_contract: {verified_on}; bpjs_membership: "
        "{programmes: [jkk, jkm, …]}; medical_fitness: {result: fit, sarkes, …}"))


class ChecklistItemOut(Schema):
    id: int
    kind: Kind
    reference_number: str
    issued_on: date
    valid_until: date | None
    voided_on: date | None
    void_reason: str
    details: dict
    recorded_at: datetime


class VoidIn(InputSchema):
    reason: str
    voided_on: date | None = None


class TimelineOut(Schema):
    from_state: State
    to_state: State
    at: datetime
    actor: str | None
    reason: str
    via: str

    resolve_actor = related("actor.username")


class NextStepOut(Schema):
    to_state: State
    label: str
    name: str
    permitted: bool
    needs_reason: bool
    ready: bool
    unmet: list[UnmetOut]


class PlacementDetailOut(Schema):
    placement: PlacementOut
    on: date
    checklist: list[ChecklistStatusOut]
    items: list[ChecklistItemOut]
    timeline: list[TimelineOut]
    next_steps: list[NextStepOut]


class TransitionIn(InputSchema):
    to_state: State
    reason: str = ""
    expected_version: int | None = Field(None, description="the version you read; 409 if it changed since")
    nik: str = Field("", description="checkpoint officers: the worker's NIK (or give passport), as looked up")
    passport: str = Field("", description="checkpoint officers: the worker's passport number")


class PlacementFilter(InputSchema):
    state: coded(PlacementState, blank=True) = ""
    scheme: coded(SCHEME_CODES, blank=True) = ""
    country: str = Field("", description="ISO2")
    agency: str = Field("", description="public id of the P3MI")
    occupation: str = Field("", description="ISCO-08 code")
    nik: str = ""
    passport: str = ""
    q: str = Field("", description="name fragment or exact NIK")
    page: int = 1
    page_size: int = 25


class SchemeOut(Schema):
    code: SchemeCode
    name_id: str
    name_en: str
    min_age: int
    max_age: int | None
    min_education: coded(Education, blank=True)
    required_items: list[Kind]
    requires_p3mi: bool
    requires_job_order: bool
    requires_sip2mi: bool
    employer_legal_types: list[str]
    valid_from: date | None
    valid_to: date | None
    legal_basis: str


def _detail(request, placement: Placement, context=None) -> dict:
    overview = selectors.placement_overview(request.user, placement, context=context)
    return {
        "placement": placement,
        "on": overview["on"],
        "checklist": [
            {**{k: getattr(row["status"], k) for k in ("kind", "status", "issued_on", "valid_until", "days_left",
                                                        "reference_number", "voided_on")},
             "required": row["required"]}
            for row in overview["checklist"]
        ],
        "items": overview["items"],
        "timeline": overview["timeline"],
        "next_steps": [{**step, "label": str(step["label"]), "unmet": _unmet_out(step["unmet"])}
                       for step in overview["next_steps"]],
    }


def _ref(value) -> str | None:
    return str(value) if value is not None else None


def _placement_page(request, filters: "PlacementFilter") -> dict:
    page = selectors.placement_list_for(request.user, via="api", **filters.dict())
    return {"items": page.items, "total": page.total, "page": page.page, "page_size": page.page_size}


@router.get("", response={200: PlacementPageOut, **ERRORS}, operation_id="placements_list")
def placements_list(request, filters: Query[PlacementFilter]):
    """Placements in your scope. A NIK or passport number is refused here (422): it would be written
    to access logs with the URL; use POST /placements/search."""
    refuse_identifiers_in_url(request, post_route="/api/v1/placements/search")
    return _placement_page(request, filters)


@router.post("/search", response={200: PlacementPageOut, **ERRORS}, operation_id="placements_search")
def placements_search(request, payload: PlacementFilter):
    """The list of GET /placements with the filters in the body, for searches by NIK or passport.
    Checkpoint officers must give an exact NIK or passport number."""
    return _placement_page(request, payload)


@router.post("", response={201: PlacementCreatedOut, **ERRORS}, operation_id="placements_create")
def placements_create(request, payload: PlacementIn):
    """Register a placement (state ``registered``). Eligibility problems come back as warnings;
    they are enforced when the worker is selected."""
    data = payload.dict()
    for name in ("person", "agency", "job_order", "sip2mi", "employer"):
        data[name] = _ref(data[name])
    for name in ("agency", "job_order", "sip2mi", "employer", "unit", "contract_start", "contract_end"):
        if data[name] in (None, ""):
            data.pop(name)
    placement, warnings = services.placement_create(actor=request.user, data=data, via="api")
    return Status(201, {"placement": placement, "warnings": _unmet_out(warnings)})


@router.get("/schemes", response={200: list[SchemeOut], **ERRORS}, operation_id="placements_schemes", auth=None)
def placements_schemes(request):
    """The placement schemes and their eligibility rules (public)."""
    return selectors.scheme_list()


@router.get("/{public_id}", response={200: PlacementDetailOut, **ERRORS}, operation_id="placements_detail")
def placements_detail(request, public_id: UUID):
    """One placement with its checklist status today, its timeline, and every possible next step
    with the conditions still unmet. Checkpoint officers find placements with POST /placements/search
    by NIK or passport; an id alone answers 404 for them."""
    return _detail(request, selectors.placement_get_for(request.user, public_id, via="api"))


@router.patch("/{public_id}", response={200: PlacementOut, **ERRORS}, operation_id="placements_update")
def placements_update(request, public_id: UUID, payload: PlacementPatch):
    """Change details; which fields may change depends on the state (see the service)."""
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    expected = data.pop("expected_version", None)
    for name in ("agency", "job_order", "sip2mi", "employer"):
        if name in data:
            data[name] = _ref(data[name])
    return services.placement_update(actor=request.user, public_id=public_id, data=data, reason=reason,
                                     expected_version=expected, via="api")


@router.post("/{public_id}/transitions", response={200: PlacementDetailOut, 422: TransitionRefusedOut,
                                                    **{k: v for k, v in ERRORS.items() if k != 422}},
             operation_id="placements_transition")
def placements_transition(request, public_id: UUID, payload: TransitionIn):
    """Move the placement to another state. 409 when the step does not exist from the current state
    (``transition_not_allowed``) or someone else changed it first (``stale_version``); 422
    ``transition_refused`` with every unmet condition in ``unmet``."""
    try:
        moved = services.placement_transition(
            actor=request.user, public_id=public_id, to_state=payload.to_state, reason=payload.reason,
            expected_version=payload.expected_version, via="api", with_relations=True,
            identifier={"nik": payload.nik, "passport": payload.passport})
    except services.TransitionRefused as exc:
        return Status(422, {"code": exc.code, "message": exc.message, "fields": exc.fields,
                            "unmet": _unmet_out(exc.unmet)})
    return _detail(request, moved.placement, moved.context)


@router.post("/{public_id}/checklist", response={201: ChecklistItemOut, **ERRORS},
             operation_id="placements_checklist_add")
def placements_checklist_add(request, public_id: UUID, payload: ChecklistItemIn):
    """Record a readiness document (medical, passport, visa, …)."""
    data = payload.dict(exclude={"kind"})
    item = services.checklist_record(actor=request.user, public_id=public_id, kind=payload.kind, data=data,
                                     via="api")
    return Status(201, item)


@router.post("/{public_id}/checklist/{item_id}/void", response={200: ChecklistItemOut, **ERRORS},
             operation_id="placements_checklist_void")
def placements_checklist_void(request, public_id: UUID, item_id: int, payload: VoidIn):
    """Void an item, e.g. a medical certificate on pregnancy."""
    return services.checklist_void(actor=request.user, public_id=public_id, item_id=item_id,
                                   reason=payload.reason, voided_on=payload.voided_on, via="api")

