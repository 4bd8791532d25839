from datetime import date
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from lindungi.api.errors import value_check
from lindungi.api.schemas import ERRORS, InputSchema, coded, refuse_identifiers_in_url, related
from lindungi.audit.models import AccessLog
from lindungi.registry import selectors, services
from lindungi.registry.models import (
    UNKNOWN,
    DuplicateCandidate,
    Education,
    FamilyContact,
    MaritalStatus,
    Religion,
    Sex,
)
from lindungi.registry.nik import warning_texts

router = Router(tags=["persons"])

SexCode = coded(Sex)
SexIn = coded(Sex, also=("L", "P"))
EducationCode = coded(Education)
MaritalCode = coded(MaritalStatus)
# Read: a person migrated from the old system may have "unknown" (never accepted as input).
EducationRead = coded([*Education.values, UNKNOWN])
MaritalRead = coded([*MaritalStatus.values, UNKNOWN])
ReligionOptional = coded(Religion, blank=True)
Relationship = coded(FamilyContact.Relationship)
DuplicateStatus = coded(DuplicateCandidate.Status)


class PassportIn(InputSchema):
    number: str = Field(..., description="7–9 letters and digits, starting with a letter")
    issuing_office: str
    issue_date: str = Field(..., description="YYYY-MM-DD")
    expiry_date: str = Field(..., description="YYYY-MM-DD")


class ContactIn(InputSchema):
    name: str
    relationship: Relationship = Field(..., description="spouse, parent, child, sibling, guardian or other")
    phone: str = ""
    address: str = ""
    is_heir: bool = False


class PersonIn(InputSchema):
    nik: str = Field(..., description="16 digits")
    full_name: str
    sex: SexIn = Field(..., description="M or F (L/P accepted)")
    birth_date: str = Field(..., description="YYYY-MM-DD")
    birth_place: str
    address: str
    regency_code: str = Field(..., description="Kemendagri code, e.g. 3201 or 32.01")
    village_code: str = ""
    village_name: str = ""
    education: EducationCode = Field(..., description="none, sd, smp, sma, diploma, s1, s2, s3")
    marital_status: MaritalCode = Field(..., description="single, married, divorced, widowed")
    religion: ReligionOptional = ""
    phone: str = ""
    agency: str | None = Field(None, description="public id of the P3MI (ignored for P3MI staff)")
    passport: PassportIn | None = None
    contacts: list[ContactIn] = []


class PersonPatch(InputSchema):
    nik: str | None = None
    full_name: str | None = None
    sex: SexIn | None = None
    birth_date: str | None = None
    birth_place: str | None = None
    address: str | None = None
    regency_code: str | None = None
    village_code: str | None = None
    village_name: str | None = None
    education: EducationCode | None = None
    marital_status: MaritalCode | None = None
    religion: ReligionOptional | None = None
    phone: str | None = None
    reason: str = ""


class PassportOut(Schema):
    number: str
    issuing_office: str
    issue_date: date
    expiry_date: date
    is_current: bool


class ContactOut(Schema):
    id: int
    name: str
    relationship: Relationship
    phone: str
    address: str
    is_heir: bool


class PersonSummaryOut(Schema):
    id: UUID = Field(..., alias="public_id")
    nik: str = Field(..., description="masked in lists (3201••••••••0001) for roles without person.view_full_nik")
    full_name: str
    sex: SexCode
    birth_date: date
    regency_code: str = Field(..., alias="regency.code")
    regency_name: str = Field(..., alias="regency.name")
    merged_into: UUID | None = None

    resolve_merged_into = related("merged_into.public_id")

    resolve_nik = related("nik_display")


class PersonOut(PersonSummaryOut):
    birth_place: str = Field(..., description="empty: unknown (people migrated without it)")
    address: str = Field(..., description="empty: unknown (people migrated without it)")
    village_name: str
    education: EducationRead = Field(..., description="unknown only for people migrated without it")
    marital_status: MaritalRead = Field(..., description="unknown only for people migrated without it")
    religion: ReligionOptional
    phone: str
    agency: UUID | None = None
    agency_name: str | None = None
    nik_warnings: list[str]
    passports: list[PassportOut]

    @staticmethod
    def resolve_nik_warnings(obj):
        return obj.nik_warning_texts
    contacts: list[ContactOut]
    created_at: str
    updated_at: str

    resolve_agency = related("agency.public_id")

    resolve_agency_name = related("agency.legal_name")

    @staticmethod
    def resolve_passports(obj):
        return list(obj.passports.all())

    @staticmethod
    def resolve_contacts(obj):
        return list(obj.contacts.all())

    @staticmethod
    def resolve_created_at(obj):
        return timezone.localtime(obj.created_at).isoformat()

    @staticmethod
    def resolve_updated_at(obj):
        return timezone.localtime(obj.updated_at).isoformat()


class PersonLookupOut(Schema):
    id: UUID
    nik: str
    full_name: str
    sex: SexCode
    birth_date: date
    birth_place: str
    regency_code: str
    regency_name: str
    agency: UUID | None = None
    agency_name: str | None = None
    merged_into: UUID | None = None
    nik_warnings: list[str]
    passport_number: str | None = None
    passport_expiry: date | None = None

    @staticmethod
    def resolve_nik_warnings(obj):
        return warning_texts(obj["nik_warnings"])


class PersonPageOut(Schema):
    items: list[PersonSummaryOut]
    total: int = Field(..., description="number of matches; at most 10,000 (see total_capped)")
    total_capped: bool = Field(False, description="true when there are more matches than total")
    page: int
    page_size: int


class ReasonOut(Schema):
    code: str
    points: int
    text: str


class MatchOut(Schema):
    person: PersonSummaryOut
    score: int
    reasons: list[ReasonOut]


class PersonCreatedOut(Schema):
    person: PersonOut
    possible_duplicates: list[MatchOut]


@value_check("persons_create", "persons_duplicate_check")
def _person_value_errors(raw: dict) -> dict[str, list[str]]:
    return selectors.person_data_errors(raw)


@value_check("persons_update")
def _person_patch_value_errors(raw: dict) -> dict[str, list[str]]:
    raw.pop("reason", None)
    return selectors.person_data_errors(raw, partial=True)


class PersonFilter(InputSchema):
    q: str = Field("", description="name fragment, NIK (or its beginning) or passport number")
    nik: str = ""
    passport: str = ""
    regency: str = ""
    province: str = ""
    sex: coded(Sex, blank=True) = ""
    agency: str = ""
    page: int = 1
    page_size: int = 25


class LookupQuery(InputSchema):
    nik: str = ""
    passport: str = ""


class DuplicateQueueFilter(InputSchema):
    status: DuplicateStatus = "pending"
    page: int = 1
    page_size: int = 25


class DecisionIn(InputSchema):
    same_person: bool
    survivor: UUID | None = Field(None, description="which record survives a merge (default: the older)")
    note: str = ""


class CandidateOut(Schema):
    id: int
    person_a: PersonSummaryOut
    person_b: PersonSummaryOut
    score: int
    reasons: list[ReasonOut]
    status: DuplicateStatus


class CandidatePageOut(Schema):
    items: list[CandidateOut]
    total: int
    page: int
    page_size: int


class AuditOut(Schema):
    at: str
    actor: str | None
    action: str
    changes: dict
    reason: str
    via: str

    @staticmethod
    def resolve_at(obj):
        return timezone.localtime(obj.at).isoformat()

    resolve_actor = related("actor.username")


class AccessOut(Schema):
    at: str
    actor: str | None
    kind: coded(AccessLog.Kind)
    via: str

    @staticmethod
    def resolve_at(obj):
        return timezone.localtime(obj.at).isoformat()

    resolve_actor = related("actor.username")


class HistoryOut(Schema):
    changes: list[AuditOut]
    accesses: list[AccessOut]


class UnmergeIn(InputSchema):
    reason: str


def _person_page(request, filters: "PersonFilter") -> dict:
    page = selectors.person_list_for(request.user, via="api", **filters.dict())
    return {"items": page.items, "total": page.total, "total_capped": page.total_capped, "page": page.page,
            "page_size": page.page_size}


@router.get("", response={200: PersonPageOut, **ERRORS}, operation_id="persons_list")
def persons_list(request, filters: Query[PersonFilter]):
    """List and search people by name, region, sex or company. A NIK or passport number is refused
    here (422): it would be written to access logs with the URL; use POST /persons/search."""
    refuse_identifiers_in_url(request, post_route="/api/v1/persons/search")
    return _person_page(request, filters)


@router.post("/search", response={200: PersonPageOut, **ERRORS}, operation_id="persons_search")
def persons_search(request, payload: PersonFilter):
    """The list and search of GET /persons with the filters in the body, for searches by NIK (or its
    beginning) or passport number. Lookup-only roles must give an exact NIK or passport."""
    return _person_page(request, payload)


@router.post("", response={201: PersonCreatedOut, **ERRORS}, operation_id="persons_create")
def persons_create(request, payload: PersonIn):
    """Register a person. Possible duplicates are returned (and queued for review), not refused."""
    data = payload.dict(exclude={"passport", "contacts", "agency"})
    person, matches = services.person_create(
        actor=request.user, data=data, passport=payload.passport.dict() if payload.passport else None,
        contacts=[c.dict() for c in payload.contacts], agency_public_id=payload.agency, via="api",
    )
    return Status(201, {"person": person, "possible_duplicates": matches})


@router.post("/lookup", response={200: PersonLookupOut, **ERRORS}, operation_id="persons_lookup")
def persons_lookup(request, payload: LookupQuery):
    """Exact lookup by NIK or passport number (checkpoints and partners use this): identity, P3MI and
    current passport. Every lookup is written to the access log. Full record: GET /persons/{id}."""
    return selectors.person_lookup(request.user, nik=payload.nik, passport=payload.passport, via="api")


@router.get("/lookup", response={200: PersonLookupOut, **ERRORS}, operation_id="persons_lookup_get",
            deprecated=True)
def persons_lookup_get(request, query: Query[LookupQuery]):
    """Deprecated and refused: a NIK or passport number in the URL is written to access logs. Answers 422
    pointing to POST /persons/lookup, which takes the same fields in its body."""
    refuse_identifiers_in_url(request, post_route="/api/v1/persons/lookup")
    return selectors.person_lookup(request.user, nik=query.nik, passport=query.passport, via="api")


@router.post("/duplicate-check", response={200: list[MatchOut], **ERRORS}, operation_id="persons_duplicate_check")
def persons_duplicate_check(request, payload: PersonIn):
    """Score proposed person data against the registry without saving anything."""
    data = payload.dict(exclude={"passport", "contacts", "agency"})
    number = payload.passport.number if payload.passport else ""
    return selectors.duplicate_check_for(request.user, data=data, passport_number=number, via="api")


@router.get("/duplicates", response={200: CandidatePageOut, **ERRORS}, operation_id="persons_duplicates")
def duplicates_list(request, filters: Query[DuplicateQueueFilter]):
    """The duplicate review queue (pairs in your scope)."""
    result = selectors.duplicate_queue_for(request.user, status=filters.status, page=filters.page,
                                           page_size=filters.page_size, via="api")
    return {"items": result.items, "total": result.total, "page": result.page, "page_size": result.page_size}


@router.post("/duplicates/{candidate_id}/decision", response={200: CandidateOut, **ERRORS},
             operation_id="persons_duplicate_decide")
def duplicates_decide(request, candidate_id: int, payload: DecisionIn):
    """Decide a pair: same person (merge, reversible) or different people (remembered)."""
    return services.duplicate_decide(actor=request.user, candidate_id=candidate_id, same_person=payload.same_person,
                                     survivor=payload.survivor, note=payload.note, via="api")


@router.get("/{public_id}", response={200: PersonOut, **ERRORS}, operation_id="persons_detail")
def persons_detail(request, public_id: UUID):
    return selectors.person_get_for(request.user, public_id, via="api")


@router.patch("/{public_id}", response={200: PersonOut, **ERRORS}, operation_id="persons_update")
def persons_update(request, public_id: UUID, payload: PersonPatch):
    """Change some fields. Correcting a NIK needs a reason."""
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    return services.person_update(actor=request.user, public_id=public_id, data=data, reason=reason, via="api")


@router.post("/{public_id}/passports", response={201: PassportOut, **ERRORS}, operation_id="persons_add_passport")
def persons_add_passport(request, public_id: UUID, payload: PassportIn):
    return Status(201, services.passport_add(actor=request.user, public_id=public_id, data=payload.dict(), via="api"))


@router.post("/{public_id}/contacts", response={201: ContactOut, **ERRORS}, operation_id="persons_add_contact")
def persons_add_contact(request, public_id: UUID, payload: ContactIn):
    return Status(201, services.contact_add(actor=request.user, public_id=public_id, data=payload.dict(), via="api"))


@router.get("/{public_id}/history", response={200: HistoryOut, **ERRORS}, operation_id="persons_history")
def persons_history(request, public_id: UUID):
    """Change history and access log of one person."""
    return selectors.person_history_for(request.user, public_id, via="api")


@router.post("/{public_id}/unmerge", response={200: PersonOut, **ERRORS}, operation_id="persons_unmerge")
def persons_unmerge(request, public_id: UUID, payload: UnmergeIn):
    return services.person_unmerge(actor=request.user, public_id=public_id, reason=payload.reason, via="api")
