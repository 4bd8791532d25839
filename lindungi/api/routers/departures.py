"""Departures: checks at a checkpoint post, the watch list and interceptions. Thin: every handler
calls ``lindungi.departures`` services and selectors."""

from datetime import date, datetime
from uuid import UUID

from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema, Status

from lindungi.api.schemas import ERRORS, InputSchema, related
from lindungi.departures import selectors, services

router = Router(tags=["departures"])


def _lang() -> str:
    return (get_language() or "id")[:2]


class CheckReasonOut(Schema):
    code: str
    message: str
    message_id: str
    message_en: str


def reasons_out(reasons: list[dict]) -> list[dict]:
    key = "message_en" if _lang() == "en" else "message_id"
    return [{**r, "message": r[key]} for r in reasons]


class DepartureCheckIn(InputSchema):
    identifier: str = Field(..., max_length=1024,
                            description="NIK (16 digits) or passport number, exactly; or a scanned departure "
                                        "credential (LDC1.…), which stands for its passport number")
    destination: str = Field(..., description="ISO 3166 alpha-2 of the destination, e.g. TW")
    flight: str = Field(..., description="flight or voyage number, e.g. CI 762")
    travel_date: date | None = Field(None, description="default today; from yesterday to 30 days ahead")
    post: str = Field("", description="checkpoint post code; only for users not assigned to a post")
    client_ref: UUID | None = Field(None, description="the desk's own id of this check: sent twice, recorded once")


class DepartureCheckOut(Schema):
    id: UUID = Field(..., alias="public_id")
    checked_at: datetime
    post: str
    post_name: str
    officer: str
    identifier_kind: str
    identifier: str
    person: UUID | None = None
    person_name: str | None = None
    person_nik: str | None = None
    placement: UUID | None = None
    placement_state: str | None = None
    agency_name: str | None = None
    destination: str
    flight: str
    travel_date: date
    verdict: str
    cleared: bool
    reasons: list[CheckReasonOut]
    departed_at: datetime | None = None

    resolve_post = related("post.code")
    resolve_post_name = related("post.name")
    resolve_officer = related("officer.username")
    resolve_person = related("person.public_id")
    resolve_person_name = related("person.full_name")
    resolve_person_nik = related("person.nik")
    resolve_placement = related("placement.public_id")
    resolve_placement_state = related("placement.state")
    resolve_agency_name = related("placement.agency.legal_name")
    resolve_destination = related("destination.iso2")

    @staticmethod
    def resolve_cleared(obj):
        return obj.verdict == "cleared"

    @staticmethod
    def resolve_reasons(obj):
        return reasons_out(obj.reasons)


class DepartureCheckPageOut(Schema):
    items: list[DepartureCheckOut]
    total: int
    page: int
    page_size: int


class DepartureCheckFilter(InputSchema):
    post: str = ""
    verdict: str = Field("", description="cleared or not_cleared")
    day: date | None = None
    page: int = 1
    page_size: int = 25


def _page(result) -> dict:
    return {"items": result.items, "total": result.total, "page": result.page, "page_size": result.page_size}


@router.post("/departure-checks", response={200: DepartureCheckOut, 201: DepartureCheckOut, **ERRORS},
             operation_id="departure_checks_create")
def departure_checks_create(request, payload: DepartureCheckIn):
    """Check a traveller at your post. The answer is the verdict (`cleared` / `not_cleared`) with
    **every** reason in Indonesian and English. 201 for a new check; 200 when `client_ref` was already
    recorded (an offline desk uploading again)."""
    data = payload.dict()
    data["client_ref"] = str(data["client_ref"]) if data["client_ref"] else None
    check, created = services.departure_check_record(actor=request.user, data=data, via="api")
    return Status(201 if created else 200, check)


@router.get("/departure-checks", response={200: DepartureCheckPageOut, **ERRORS}, operation_id="departure_checks_list")
def departure_checks_list(request, filters: Query[DepartureCheckFilter]):
    """Checks in your scope, newest first (a checkpoint officer: those of their own post)."""
    return _page(selectors.departure_check_list_for(request.user, via="api", **filters.dict()))


@router.get("/departure-checks/{public_id}", response={200: DepartureCheckOut, **ERRORS},
            operation_id="departure_checks_detail")
def departure_checks_detail(request, public_id: UUID):
    return selectors.departure_check_get_for(request.user, public_id, via="api")


@router.post("/departure-checks/{public_id}/depart", response={200: DepartureCheckOut, **ERRORS},
             operation_id="departure_checks_depart")
def departure_checks_depart(request, public_id: UUID):
    """Record the departure of a cleared traveller: the placement moves to `departed` (409 when the
    check was not cleared or the departure is already recorded; 422 with the unmet conditions when
    the placement no longer passes the exit check)."""
    return services.departure_check_depart(actor=request.user, public_id=public_id, via="api")


# ---------------------------------------------------------------------------------------------
# Watch list
# ---------------------------------------------------------------------------------------------


class WatchlistIn(InputSchema):
    kind: str = Field(..., description="traveller (repeat non-procedural traveller) or recruiter (suspected "
                                       "recruiter or sponsor)")
    full_name: str
    nik: str = ""
    passport_number: str = ""
    reason: str
    valid_from: date | None = Field(None, description="default today")
    valid_until: date = Field(..., description="the entry stops hitting after this day (at most five years)")
    review_due: date | None = Field(None, description="default in six months, or the end date if sooner")


class WatchlistReviewIn(InputSchema):
    note: str
    valid_until: date | None = None
    review_due: date | None = None


class WatchlistReasonIn(InputSchema):
    reason: str


class WatchlistOut(Schema):
    id: UUID = Field(..., alias="public_id")
    kind: str
    full_name: str
    nik: str
    passport_number: str
    reason: str
    added_by: str | None
    created_at: datetime
    valid_from: date
    valid_until: date
    review_due: date
    reviewed_at: datetime | None
    reviewed_by: str | None
    removed_at: datetime | None
    removal_reason: str

    resolve_added_by = related("added_by.username")
    resolve_reviewed_by = related("reviewed_by.username")


class WatchlistPageOut(Schema):
    items: list[WatchlistOut]
    total: int
    page: int
    page_size: int


class WatchlistFilter(InputSchema):
    status: str = Field("active", description="active, review (review date passed), expired, removed, all")
    q: str = Field("", description="exact NIK or passport number, or part of the name")
    page: int = 1
    page_size: int = 25


@router.get("/watchlist", response={200: WatchlistPageOut, **ERRORS}, operation_id="watchlist_list")
def watchlist_list(request, filters: Query[WatchlistFilter]):
    return _page(selectors.watchlist_list_for(request.user, via="api", **filters.dict()))


@router.post("/watchlist", response={201: WatchlistOut, **ERRORS}, operation_id="watchlist_add")
def watchlist_add(request, payload: WatchlistIn):
    """Add a subject of interest. A hit on its NIK or passport number is a reason of every departure
    verdict between `valid_from` and `valid_until`."""
    data = payload.dict()
    for name in ("valid_from", "valid_until", "review_due"):
        data[name] = data[name].isoformat() if data[name] else None
    return Status(201, services.watchlist_add(actor=request.user, data=data, via="api"))


@router.get("/watchlist/{public_id}", response={200: WatchlistOut, **ERRORS}, operation_id="watchlist_detail")
def watchlist_detail(request, public_id: UUID):
    return selectors.watchlist_get_for(request.user, public_id, via="api")


@router.post("/watchlist/{public_id}/review", response={200: WatchlistOut, **ERRORS}, operation_id="watchlist_review")
def watchlist_review(request, public_id: UUID, payload: WatchlistReviewIn):
    """Record a review; optionally a new end date, and the next review date."""
    return services.watchlist_review(actor=request.user, public_id=public_id, note=payload.note,
                                     valid_until=payload.valid_until, review_due=payload.review_due, via="api")


@router.post("/watchlist/{public_id}/remove", response={200: WatchlistOut, **ERRORS}, operation_id="watchlist_remove")
def watchlist_remove(request, public_id: UUID, payload: WatchlistReasonIn):
    return services.watchlist_remove(actor=request.user, public_id=public_id, reason=payload.reason, via="api")


# ---------------------------------------------------------------------------------------------
# Interceptions
# ---------------------------------------------------------------------------------------------


class TravellerIn(InputSchema):
    full_name: str
    nik: str = ""
    passport_number: str = ""


class InterceptionIn(InputSchema):
    travellers: list[TravellerIn] = Field(..., description="the traveller checked first, then the companions "
                                                           "stopped in the same group")
    destination: str = Field(..., description="ISO2")
    flight: str = ""
    declared_purpose: str = Field(..., description="tourism, internship, pilgrimage, family_visit, work, other")
    cover_story: str = ""
    route: str = Field("", description="e.g. CGK – KUL – PNH")
    transit_countries: list[str] = Field(default_factory=list, description="ISO2 codes")
    suspected_recruiter: str = ""
    outcome: str = Field(..., description="postponed, handed_to_bp2mi, referred_to_police")
    notes: str = ""
    post: str = Field("", description="checkpoint post code; only for users not assigned to a post")
    departure_check: UUID | None = Field(None, description="the check that led to the interception")


class InterceptionOut(Schema):
    id: UUID = Field(..., alias="public_id")
    intercepted_at: datetime
    post: str
    officer: str
    full_name: str
    nik: str
    passport_number: str
    person: UUID | None = None
    placement: UUID | None = None
    departure_check: UUID | None = None
    destination: str
    flight: str
    declared_purpose: str
    cover_story: str
    route: str
    transit_countries: list[str]
    suspected_recruiter: str
    group: UUID = Field(..., alias="group_ref")
    outcome: str
    notes: str
    case_ref: str

    resolve_post = related("post.code")
    resolve_officer = related("officer.username")
    resolve_person = related("person.public_id")
    resolve_placement = related("placement.public_id")
    resolve_departure_check = related("departure_check.public_id")
    resolve_destination = related("destination.iso2")


class InterceptionPageOut(Schema):
    items: list[InterceptionOut]
    total: int
    page: int
    page_size: int


class InterceptionDetailOut(Schema):
    interception: InterceptionOut
    companions: list[InterceptionOut]


class InterceptionFilter(InputSchema):
    post: str = ""
    outcome: str = ""
    group: str = ""
    page: int = 1
    page_size: int = 25


class CaseLinkIn(InputSchema):
    case_ref: UUID = Field(..., description="public id of the protection case opened for this interception")


@router.post("/interceptions", response={201: list[InterceptionOut], **ERRORS}, operation_id="interceptions_create")
def interceptions_create(request, payload: InterceptionIn):
    """Record travellers stopped together (one row each, sharing a `group`): declared purpose and cover
    story, route and transit, suspected recruiter or sponsor, outcome."""
    data = payload.dict()
    data["departure_check"] = str(data["departure_check"]) if data["departure_check"] else None
    return Status(201, services.interception_record(actor=request.user, data=data, via="api"))


@router.get("/interceptions", response={200: InterceptionPageOut, **ERRORS}, operation_id="interceptions_list")
def interceptions_list(request, filters: Query[InterceptionFilter]):
    return _page(selectors.interception_list_for(request.user, via="api", **filters.dict()))


@router.get("/interceptions/{public_id}", response={200: InterceptionDetailOut, **ERRORS},
            operation_id="interceptions_detail")
def interceptions_detail(request, public_id: UUID):
    return selectors.interception_get_for(request.user, public_id, via="api")


@router.post("/interceptions/{public_id}/case", response={200: InterceptionOut, **ERRORS},
             operation_id="interceptions_link_case")
def interceptions_link_case(request, public_id: UUID, payload: CaseLinkIn):
    """Record the protection case opened for this interception."""
    return services.interception_link_case(actor=request.user, public_id=public_id, case_ref=str(payload.case_ref),
                                           via="api")


# ---------------------------------------------------------------------------------------------
# Departure credentials
# ---------------------------------------------------------------------------------------------


class CredentialOut(Schema):
    id: UUID = Field(..., alias="public_id")
    placement: UUID
    token: str = Field(..., description="LDC1.<payload>.<Ed25519 signature>; see docs/departure.md")
    kid: str
    passport_number: str
    destination: str
    p3mi: str
    valid_until: date
    created_at: datetime
    revoked: bool
    revoked_reason: str

    resolve_placement = related("placement.public_id")
    resolve_kid = related("key.kid")

    @staticmethod
    def resolve_revoked(obj):
        return bool(obj.revoked_reason_now)

    @staticmethod
    def resolve_revoked_reason(obj):
        return obj.revoked_reason_now


class KeyOut(Schema):
    kid: str
    alg: str
    public_key: str = Field(..., description="raw Ed25519 public key, base64url")
    status: str = Field(..., description="active (signs now) or retired (still verifies until not_after)")
    not_after: str | None


class KeySetOut(Schema):
    keys: list[KeyOut]


class RevocationListOut(Schema):
    v: int
    kid: str
    issued_at: str
    next_update: str
    revoked: list[str]
    sig: str = Field(..., description="Ed25519 over the canonical JSON of the other fields, base64url")


class CredentialVerifyIn(InputSchema):
    token: str = Field(..., max_length=2048)
    nik: str = ""
    passport: str = ""


class VerifyOut(Schema):
    valid: bool
    credential_id: str | None
    passport_number: str | None
    destination: str | None
    p3mi: str | None
    valid_until: date | None
    problems: list[CheckReasonOut]


@router.get("/placements/{public_id}/credential", response={200: CredentialOut, **ERRORS},
            operation_id="placements_credential")
def placements_credential(request, public_id: UUID):
    """The departure credential issued when the placement reached `ready_to_depart`, with whether it
    is revoked now."""
    return selectors.credential_for_placement(request.user, public_id, via="api")


@router.get("/public/credential-keys", auth=None, response={200: KeySetOut, **ERRORS},
            operation_id="public_credential_keys")
def public_credential_keys(request):
    """The public keys that verify departure credentials: the active key and retired ones until every
    credential they signed has expired. Cache it; fetch again after a rotation."""
    return selectors.public_key_set()


@router.get("/credential-revocations", response={200: RevocationListOut, **ERRORS},
            operation_id="credential_revocations")
def credential_revocations(request):
    """The signed list of credential ids not to honour (revoked, placement no longer ready to depart,
    P3MI not in good standing). Checkpoint desks cache it and show its age."""
    return services.revocation_list_sign(revoked=selectors.revoked_credential_ids(request.user))


@router.post("/credentials/verify", response={200: VerifyOut, **ERRORS}, operation_id="credentials_verify")
def credentials_verify(request, payload: CredentialVerifyIn):
    """Verify a scanned or typed credential, exactly as a desk does offline. A malformed, tampered,
    expired or revoked credential is `valid: false` with every problem."""
    result = selectors.credential_verify_online(request.user, token=payload.token, nik=payload.nik,
                                                passport=payload.passport)
    claims = result.claims
    return {"valid": result.valid, "credential_id": claims and claims.cid,
            "passport_number": claims and claims.passport, "destination": claims and claims.destination,
            "p3mi": claims and claims.p3mi, "valid_until": claims and claims.valid_until,
            "problems": reasons_out([p.as_dict() for p in result.problems])}


@router.post("/credential-keys/rotate", response={201: KeyOut, **ERRORS}, operation_id="credential_keys_rotate")
def credential_keys_rotate(request):
    """Start signing with a new key (administrators)."""
    key = services.credential_key_rotate(actor=request.user, via="api")
    return Status(201, {"kid": key.kid, "alg": "Ed25519", "public_key": key.public_key, "status": "active",
                        "not_after": None})
