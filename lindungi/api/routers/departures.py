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


class ReasonOut(Schema):
    code: str
    message: str
    message_id: str
    message_en: str


def reasons_out(reasons: list[dict]) -> list[dict]:
    key = "message_en" if _lang() == "en" else "message_id"
    return [{**r, "message": r[key]} for r in reasons]


class DepartureCheckIn(InputSchema):
    identifier: str = Field(..., description="NIK (16 digits) or passport number, exactly")
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
    reasons: list[ReasonOut]
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
