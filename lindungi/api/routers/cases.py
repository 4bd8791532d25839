"""Complaints and cases: the staff inbox, intake, a case's detail (timeline, clarification rounds,
deadlines, next steps), its steps, the P3MI's clarification answer and TRC dispatches; and the
public complaint desk (no sign-in). Thin: every handler calls ``lindungi.cases`` services and
selectors."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.utils.translation import get_language
from ninja import Field, Header, Query, Router, Schema, Status

from lindungi.api.schemas import ERRORS, ErrorOut, InputSchema, related
from lindungi.cases import selectors, services
from lindungi.cases.models import Case
from lindungi.common.inputs import client_address
from lindungi.placements.states import Unmet

router = Router(tags=["cases"])
public_router = Router(tags=["public"])
PUBLIC_ERRORS = {**ERRORS, 429: ErrorOut}


def _lang() -> str:
    return (get_language() or "id")[:2]


def _unmet_out(items: list[Unmet]) -> list[dict]:
    lang = _lang()
    return [{**u.as_dict(), "message": u.message(lang)} for u in items]


class CaseUnmetOut(Schema):
    code: str
    message: str
    message_id: str
    message_en: str


class CategoryOut(Schema):
    code: str
    version: int
    name_id: str
    name_en: str


class DeadlineOut(Schema):
    code: str
    due: date
    status: str = Field(..., description="on_time, due_soon or overdue")
    label_id: str
    label_en: str
    legal_basis: str


class CaseOut(Schema):
    id: UUID = Field(..., alias="public_id")
    number: str
    tracking_code: str
    channel: str
    procedural: str
    state: str
    state_label: str
    version: int
    registered_on: date
    categories: list[str]
    complainant_name: str
    complainant_relation: str
    complainant_phone: str
    worker_name: str
    worker_nik: str
    worker_passport: str
    summary: str
    demand: str
    amount_claimed: Decimal | None
    currency: str
    person: UUID | None = None
    placement: UUID | None = None
    agency: UUID | None = None
    agency_name: str | None = None
    country: str | None = None
    unit: str
    officer: str | None = None
    documents_complete: bool
    unreachable_since: date | None
    told_unresolvable_on: date | None
    deadline_on: date | None
    deadline_code: str
    mediation_outcome: str
    amount_settled: Decimal | None
    berita_acara_number: str
    referral_kind: str
    referral_unit: str | None = None
    referral_agency_name: str
    closure_code: str
    closure_legal_basis: str
    closed_on: date | None

    resolve_person = related("person.public_id")
    resolve_placement = related("placement.public_id")
    resolve_agency = related("agency.public_id")
    resolve_agency_name = related("agency.legal_name")
    resolve_country = related("country.iso2")
    resolve_unit = related("unit.code")
    resolve_officer = related("officer.username")
    resolve_referral_unit = related("referral_unit.code")

    @staticmethod
    def resolve_categories(obj):
        return [c.code for c in obj.categories.all()]

    @staticmethod
    def resolve_state_label(obj):
        return str(obj.get_state_display())


class CaseRowOut(Schema):
    id: UUID = Field(..., alias="public_id")
    number: str
    channel: str
    state: str
    registered_on: date
    worker_name: str
    categories: list[str]
    unit: str
    officer: str | None = None
    deadline_on: date | None
    deadline_code: str
    deadline_status: str

    resolve_unit = related("unit.code")
    resolve_officer = related("officer.username")

    @staticmethod
    def resolve_categories(obj):
        return [c.code for c in obj.categories.all()]


class CasePageOut(Schema):
    items: list[CaseRowOut]
    total: int
    page: int
    page_size: int


class CaseCreatedOut(Schema):
    case: CaseOut
    tracking_code: str
    secret: str = Field(..., description="shown once: give it to the complainant; only its hash is kept")


class RoundOut(Schema):
    number: int
    addressed_to: str
    agency_name: str | None = None
    question: str
    requested_on: date
    due_on: date | None = None
    answered_on: date | None
    answer: str
    commitment: str

    resolve_agency_name = related("agency.legal_name")


class EventOut(Schema):
    action: str
    from_state: str
    to_state: str
    at: datetime
    actor: str | None
    reason: str
    code: str
    via: str

    resolve_actor = related("actor.username")


class CaseNextStepOut(Schema):
    to_state: str
    name: str
    label: str
    permitted: bool
    needs_reason: bool
    ready: bool
    unmet: list[CaseUnmetOut]


class DispatchOut(Schema):
    id: UUID = Field(..., alias="public_id")
    team: str
    place: str
    dispatched_at: datetime
    partner_agencies: str
    outcome: str


class MatchReasonOut(Schema):
    code: str
    points: int
    text: str


class RegistryCandidateOut(Schema):
    person: UUID
    full_name: str
    nik: str
    score: int
    reasons: list[MatchReasonOut]


class CaseDetailOut(Schema):
    case: CaseOut
    registry_candidates: list[RegistryCandidateOut] = Field(
        default_factory=list, description="registry people who may be the worker (case not yet linked), scored")
    on: date
    rounds: list[RoundOut]
    deadlines: list[DeadlineOut]
    timeline: list[EventOut]
    next_steps: list[CaseNextStepOut]
    dispatches: list[DispatchOut]


class CaseTransitionRefusedOut(ErrorOut):
    unmet: list[CaseUnmetOut] = []


class ComplaintFields(InputSchema):
    complainant_name: str
    complainant_relation: str = Field("self", description="self, family or other")
    complainant_phone: str = ""
    complainant_email: str = ""
    worker_name: str = Field("", description="the worker, when the complainant is someone else")
    worker_nik: str = ""
    worker_passport: str = ""
    summary: str
    demand: str = ""
    amount_claimed: Decimal | None = None
    currency: str = "IDR"
    categories: list[str] = Field(..., description="category codes, see GET /public/complaint-categories")
    country: str = Field("", description="ISO2 of the destination country")
    regency: str = Field("", description="the worker's home regency (Kemendagri code, e.g. 3201)")


class CaseIn(ComplaintFields):
    channel: str = Field(..., description="walk_in, hotline, letter, email, e_pengaduan, social_media, sms, fax, "
                                          "other")
    procedural: str = Field("other", description="procedural, non_procedural or other")
    person: UUID | None = None
    placement: UUID | None = None
    agency: UUID | None = Field(None, description="public id of the P3MI complained about")
    employer: UUID | None = None
    unit: str = Field("", description="unit code; default the officer's unit")
    officer: str = Field("", description="username of the assigned officer")
    documents_complete: bool = False


class CasePatch(InputSchema):
    categories: list[str] | None = None
    channel: str | None = None
    procedural: str | None = None
    person: UUID | None = None
    placement: UUID | None = None
    agency: UUID | None = None
    employer: UUID | None = None
    unit: str | None = None
    officer: str | None = None
    documents_complete: bool | None = None
    unreachable_since: date | None = None
    told_unresolvable_on: date | None = None
    mediation_outcome: str | None = None
    amount_settled: Decimal | None = None
    berita_acara_number: str | None = None
    referral_kind: str | None = None
    referral_unit: str | None = None
    referral_agency_name: str | None = None
    reason: str = ""
    expected_version: int | None = None


class ActionIn(InputSchema):
    to_state: str = Field(..., description="verifying, clarification, mediation, resolved, closed_admin, referred, "
                                           "referral_accepted")
    reason: str = ""
    expected_version: int | None = Field(None, description="the version you read; 409 if it changed since")
    question: str = Field("", description="clarification: what is asked")
    addressed_to: str = Field("p3mi", description="clarification: p3mi or complainant")
    closure_code: str = Field("", description="closed_admin: documents_incomplete, no_clarification, unreachable, "
                                              "no_response, handed_over")
    referral_kind: str = Field("", description="referred: police, kemlu, ministry, unit")
    referral_unit: str = Field("", description="referred to a unit: its code")
    referral_agency_name: str = ""
    mediation_outcome: str = ""
    amount_settled: Decimal | None = None
    berita_acara_number: str = ""


class AnswerIn(InputSchema):
    answer: str
    commitment: str = ""
    answered_on: date | None = None


class DispatchIn(InputSchema):
    team: str
    place: str
    dispatched_at: datetime
    partner_agencies: str = ""
    outcome: str = ""


class CaseFilter(InputSchema):
    q: str = Field("", description="case number, tracking code, NIK or worker name")
    state: str = Field("", description="a state, or open / closed")
    channel: str = ""
    category: str = ""
    deadline: str = Field("", description="overdue, due_soon, on_time, none")
    unit: str = ""
    mine: bool = False
    page: int = 1
    page_size: int = 25


def _detail(request, case: Case) -> dict:
    overview = selectors.case_overview(request.user, case)
    return {
        "case": case, "on": overview["on"], "rounds": overview["rounds"], "deadlines": overview["deadlines"],
        "timeline": overview["timeline"], "dispatches": overview["dispatches"],
        "registry_candidates": [{"person": m["person"].public_id, "full_name": m["person"].full_name,
                                 "nik": m["person"].nik, "score": m["score"],
                                 "reasons": [{**r, "text": str(r["text"])} for r in m["reasons"]]}
                                for m in overview["registry_candidates"]],
        "next_steps": [{**s, "label": str(s["label"]), "unmet": _unmet_out(s["unmet"])}
                       for s in overview["next_steps"]],
    }


def _data(payload: InputSchema, *, exclude: set[str] = frozenset()) -> dict:
    data = payload.dict(exclude_unset=True, exclude=set(exclude))
    return {k: (str(v) if isinstance(v, UUID) else v) for k, v in data.items()}


@router.get("", response={200: CasePageOut, **ERRORS}, operation_id="cases_list")
def cases_list(request, filters: Query[CaseFilter]):
    """The inbox: cases in your scope, nearest deadline first, with its colour."""
    page = selectors.case_list_for(request.user, **filters.dict())
    return {"items": page.items, "total": page.total, "page": page.page, "page_size": page.page_size}


@router.post("", response={201: CaseCreatedOut, **ERRORS}, operation_id="cases_create")
def cases_create(request, payload: CaseIn):
    """Register a complaint received through any channel. The answer carries the tracking code and
    the secret to give the complainant."""
    registered = services.case_create(actor=request.user, data=_data(payload), via="api")
    return Status(201, {"case": registered.case, "tracking_code": registered.case.tracking_code,
                        "secret": registered.secret})


class InterceptionDispatchIn(DispatchIn):
    placement: UUID = Field(..., description="the intercepted placement (state intercepted_nonprocedural)")


@router.post("/dispatches", response={201: DispatchOut, **ERRORS}, operation_id="cases_dispatch_interception")
def cases_dispatch_interception(request, payload: InterceptionDispatchIn):
    """Record a TRC dispatch for an interception that has no case."""
    data = payload.dict(exclude={"placement"})
    return Status(201, services.trc_dispatch_record(actor=request.user, placement_public_id=payload.placement,
                                                    data=data, via="api"))


@router.get("/{public_id}", response={200: CaseDetailOut, **ERRORS}, operation_id="cases_detail")
def cases_detail(request, public_id: UUID):
    """One case with its clarification rounds, running deadlines, timeline, TRC dispatches and
    every next step with what blocks it."""
    return _detail(request, selectors.case_get_for(request.user, public_id, via="api"))


@router.patch("/{public_id}", response={200: CaseDetailOut, **ERRORS}, operation_id="cases_update")
def cases_update(request, public_id: UUID, payload: CasePatch):
    """Record details: registry links, assignment, documents complete, contact lost, mediation
    outcome, referral destination."""
    data = _data(payload, exclude={"reason", "expected_version"})
    case = services.case_update(actor=request.user, public_id=public_id, data=data, reason=payload.reason,
                                expected_version=payload.expected_version, via="api")
    return _detail(request, case)


@router.post("/{public_id}/actions", response={200: CaseDetailOut, 422: CaseTransitionRefusedOut,
                                               **{k: v for k, v in ERRORS.items() if k != 422}},
             operation_id="cases_action")
def cases_action(request, public_id: UUID, payload: ActionIn):
    """Take a step. 409 when the step does not exist from the current state
    (``transition_not_allowed``) or someone else changed the case first (``stale_version``); 422
    ``transition_refused`` with every unmet condition in ``unmet``."""
    data = _data(payload, exclude={"to_state", "reason", "expected_version"})
    try:
        moved = services.case_transition(actor=request.user, public_id=public_id, to_state=payload.to_state,
                                         reason=payload.reason, expected_version=payload.expected_version,
                                         data=data, via="api")
    except services.TransitionRefused as exc:
        return Status(422, {"code": exc.code, "message": exc.message, "fields": exc.fields,
                            "unmet": _unmet_out(exc.unmet)})
    return _detail(request, moved.case)


@router.post("/{public_id}/answer", response={200: RoundOut, **ERRORS}, operation_id="cases_answer")
def cases_answer(request, public_id: UUID, payload: AnswerIn):
    """The answer to the open clarification request (P3MI staff for their company's request)."""
    return services.clarification_answer(actor=request.user, public_id=public_id, answer=payload.answer,
                                         commitment=payload.commitment, answered_on=payload.answered_on, via="api")


@router.post("/{public_id}/dispatches", response={201: DispatchOut, **ERRORS}, operation_id="cases_dispatch")
def cases_dispatch(request, public_id: UUID, payload: DispatchIn):
    """Record a rapid reaction team (TRC) dispatch for the case."""
    return Status(201, services.trc_dispatch_record(actor=request.user, case_public_id=public_id,
                                                    data=payload.dict(), via="api"))


# ---------------------------------------------------------------------------------------------
# Public complaint desk
# ---------------------------------------------------------------------------------------------


class PublicComplaintIn(ComplaintFields):
    website: str = Field("", description="leave empty (a field people do not see)")


class PublicStepOut(Schema):
    at: datetime
    state: str
    state_label: str
    action: str


class PublicStatusOut(Schema):
    tracking_code: str
    state: str
    state_label: str
    registered_on: date
    categories: list[CategoryOut]
    steps: list[PublicStepOut]
    deadlines: list[DeadlineOut]
    closed: bool
    closure_code: str
    closure_legal_basis: str


class PublicCreatedOut(Schema):
    tracking_code: str
    secret: str = Field(..., description="keep it: with the tracking code it opens the status page")
    status: PublicStatusOut


class SecretIn(InputSchema):
    secret: str


@public_router.get("/complaint-categories", auth=None, response={200: list[CategoryOut], **ERRORS},
                   operation_id="public_complaint_categories")
def public_complaint_categories(request):
    """The complaint categories in force today."""
    return selectors.category_choices()


@public_router.post("/complaints", auth=None, response={201: PublicCreatedOut, **PUBLIC_ERRORS},
                    operation_id="public_complaint_submit")
def public_complaint_submit(request, payload: PublicComplaintIn):
    """File a complaint without an account (the worker or a family member). Limited per client;
    the answer's tracking code and secret open the status of this complaint only."""
    registered = services.case_public_submit(data=payload.dict(), client=client_address(request))
    return Status(201, {"tracking_code": registered.case.tracking_code, "secret": registered.secret,
                        "status": selectors.public_status(registered.case)})


def _public_status(request, tracking_code: str, secret: str) -> dict:
    case = services.case_public_open(tracking_code=tracking_code, secret=secret, client=client_address(request))
    return selectors.public_status(case)


@public_router.get("/complaints/{tracking_code}", auth=None, response={200: PublicStatusOut, **PUBLIC_ERRORS},
                   operation_id="public_complaint_status")
def public_complaint_status(request, tracking_code: str,
                            x_complaint_secret: str = Header("", alias="X-Complaint-Secret")):
    """The status, steps and deadlines of one complaint. Send the secret in the
    ``X-Complaint-Secret`` header. A wrong secret answers 404 like an unknown code; repeated failures
    answer 429."""
    return _public_status(request, tracking_code, x_complaint_secret)


@public_router.post("/complaints/{tracking_code}/status", auth=None,
                    response={200: PublicStatusOut, **PUBLIC_ERRORS}, operation_id="public_complaint_status_post")
def public_complaint_status_post(request, tracking_code: str, payload: SecretIn):
    """The same as the GET, with the secret in the body."""
    return _public_status(request, tracking_code, payload.secret)
