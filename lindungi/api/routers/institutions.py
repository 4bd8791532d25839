"""Supporting institutions (LPK/BLK, medical check centres, LSP, language test providers) and a
person's training enrolments, certificates and medical results.

Thin: parse, call one selector or service with ``request.user`` as actor, shape the answer. The
person-scoped routes are three plain collections (``/persons/{id}/trainings``, ``/certificates``,
``/medical-results``) rather than one ``/credentials`` route with a kind: each has its own fields
and its own validation, and a client reads exactly the list it needs.
"""

import datetime as dt
from uuid import UUID

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status

from lindungi.api.schemas import ERRORS, InputSchema, coded
from lindungi.institutions import selectors, services
from lindungi.institutions.models import (
    Certificate,
    CertificateKind,
    Institution,
    InstitutionKind,
    InstitutionStatus,
    MedicalResult,
    TrainingEnrolment,
)

router = Router(tags=["institutions"])
VIA = "api"


# ---------------------------------------------------------------------------------------------
# schemas
# ---------------------------------------------------------------------------------------------

class InstitutionRefOut(Schema):
    public_id: str
    name: str
    kind: coded(InstitutionKind)
    registration_number: str


class InstitutionOut(InstitutionRefOut):
    regency_code: str
    regency_name: str
    address: str
    accreditation_grade: str
    accreditation_body: str
    accreditation_number: str
    valid_from: dt.date
    valid_until: dt.date | None
    status: coded(InstitutionStatus)
    suspended_from: dt.date | None
    suspended_until: dt.date | None
    revoked_on: dt.date | None
    in_good_standing: bool
    standing_code: str


class InstitutionStatusPeriodOut(Schema):
    status: coded(InstitutionStatus)
    effective_from: dt.date
    effective_until: dt.date | None
    decree_number: str
    reason: str


class InstitutionDetailOut(InstitutionOut):
    status_history: list[InstitutionStatusPeriodOut]


class InstitutionPageOut(Schema):
    items: list[InstitutionOut]
    total: int
    page: int
    page_size: int


class InstitutionFilters(InputSchema):
    q: str = ""
    kind: coded(InstitutionKind, blank=True) = ""
    regency: str = ""
    status: coded(InstitutionStatus, blank=True) = ""
    page: int = 1
    page_size: int = 25


class InstitutionIn(InputSchema):
    name: str
    kind: coded(InstitutionKind)
    registration_number: str
    regency: str
    valid_from: dt.date
    valid_until: dt.date | None = None
    address: str = ""
    accreditation_grade: str = ""
    accreditation_body: str = ""
    accreditation_number: str = ""
    reason: str = ""


class InstitutionPatch(InputSchema):
    name: str | None = None
    kind: coded(InstitutionKind) | None = None
    registration_number: str | None = None
    regency: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    address: str | None = None
    accreditation_grade: str | None = None
    accreditation_body: str | None = None
    accreditation_number: str | None = None
    reason: str = ""


class InstitutionSuspendIn(InputSchema):
    suspended_from: dt.date
    suspended_until: dt.date | None = None
    decree_number: str
    reason: str


class InstitutionReinstateIn(InputSchema):
    reason: str
    reinstated_on: dt.date | None = None
    decree_number: str = ""


class InstitutionRevokeIn(InputSchema):
    decree_number: str
    reason: str
    revoked_on: dt.date | None = None


class TrainingOut(Schema):
    public_id: str
    institution: InstitutionRefOut
    programme: str
    hours: int | None
    start_on: dt.date
    end_on: dt.date | None
    result: coded(TrainingEnrolment.Result)


class TrainingIn(InputSchema):
    institution: UUID
    programme: str
    start_on: dt.date
    end_on: dt.date | None = None
    hours: int | None = None
    result: coded(TrainingEnrolment.Result) = "enrolled"


class CertificateOut(Schema):
    public_id: str
    institution: InstitutionRefOut
    kind: coded(CertificateKind)
    number: str
    title: str
    occupation: str | None
    level: str
    score: int | None
    issued_on: dt.date
    expires_on: dt.date | None
    issuer_in_good_standing_on_issue: bool


class CertificateIn(InputSchema):
    institution: UUID
    kind: coded(CertificateKind)
    number: str
    issued_on: dt.date
    expires_on: dt.date | None = None
    title: str = ""
    occupation: str = ""
    level: str = ""
    score: int | None = None


class MedicalResultOut(Schema):
    public_id: str
    institution: InstitutionRefOut
    examined_on: dt.date
    result: coded(MedicalResult.Result)
    valid_until: dt.date | None
    reference_number: str
    examiner: str


class MedicalResultIn(InputSchema):
    institution: UUID
    examined_on: dt.date
    result: coded(MedicalResult.Result)
    valid_until: dt.date | None = None
    reference_number: str = ""
    examiner: str = ""


# ---------------------------------------------------------------------------------------------
# shaping
# ---------------------------------------------------------------------------------------------

def _ref(institution: Institution) -> dict:
    return {"public_id": str(institution.public_id), "name": institution.name, "kind": institution.kind,
            "registration_number": institution.registration_number}


def _institution_out(institution: Institution, day: dt.date) -> dict:
    standing = selectors.institution_standing_on(institution, day)
    return {
        **_ref(institution),
        "regency_code": institution.regency.code, "regency_name": institution.regency.name,
        "address": institution.address, "accreditation_grade": institution.accreditation_grade,
        "accreditation_body": institution.accreditation_body,
        "accreditation_number": institution.accreditation_number,
        "valid_from": institution.valid_from, "valid_until": institution.valid_until, "status": institution.status,
        "suspended_from": institution.suspended_from, "suspended_until": institution.suspended_until,
        "revoked_on": institution.revoked_on, "in_good_standing": standing.good, "standing_code": standing.code,
    }


def _detail(actor, public_id) -> dict:
    institution = selectors.institution_get_for(actor, public_id)
    out = _institution_out(institution, timezone.localdate())
    out["status_history"] = [
        {"status": p.status, "effective_from": p.effective_from, "effective_until": p.effective_until,
         "decree_number": p.decree_number, "reason": p.reason} for p in institution.status_history.all()]
    return out


def _training_out(row: TrainingEnrolment) -> dict:
    return {"public_id": str(row.public_id), "institution": _ref(row.institution), "programme": row.programme,
            "hours": row.hours, "start_on": row.start_on, "end_on": row.end_on, "result": row.result}


def _certificate_out(row: Certificate) -> dict:
    return {"public_id": str(row.public_id), "institution": _ref(row.institution), "kind": row.kind,
            "number": row.number, "title": row.title,
            "occupation": row.occupation.isco_code if row.occupation_id else None, "level": row.level,
            "score": row.score, "issued_on": row.issued_on, "expires_on": row.expires_on,
            "issuer_in_good_standing_on_issue": selectors.institution_standing_on(row.institution,
                                                                                  row.issued_on).good}


def _medical_out(row: MedicalResult) -> dict:
    return {"public_id": str(row.public_id), "institution": _ref(row.institution), "examined_on": row.examined_on,
            "result": row.result, "valid_until": row.valid_until, "reference_number": row.reference_number,
            "examiner": row.examiner}


def _sent(payload: Schema) -> tuple[dict, str]:
    sent = payload.model_dump(exclude_unset=True)
    return sent, sent.pop("reason", "") or ""


def _data(payload: Schema) -> dict:
    data = payload.model_dump()
    data["institution"] = str(data["institution"])
    return data


# ---------------------------------------------------------------------------------------------
# the register
# ---------------------------------------------------------------------------------------------

@router.get("/institutions", response={200: InstitutionPageOut, **ERRORS}, operation_id="institution_list")
def institution_list(request, filters: Query[InstitutionFilters]):
    """The register, filtered by name or number (q), kind, regency (Kemendagri code) and status;
    each with its standing today."""
    page = selectors.institution_list_for(request.user, q=filters.q, kind=filters.kind, regency=filters.regency,
                                          status=filters.status, page=filters.page, page_size=filters.page_size)
    day = timezone.localdate()
    return {"items": [_institution_out(i, day) for i in page.items], "total": page.total, "page": page.page,
            "page_size": page.page_size}


@router.post("/institutions", response={201: InstitutionDetailOut, **ERRORS}, operation_id="institution_create")
def institution_create(request, payload: InstitutionIn):
    """Register an institution (administrators; unit officers in their unit's regencies). The number is
    unique per kind (409 `institution_number_taken`)."""
    data, reason = _sent(payload)
    institution = services.institution_create(actor=request.user, data=data, reason=reason, via=VIA)
    return Status(201, _detail(request.user, institution.public_id))


@router.get("/institutions/{public_id}", response={200: InstitutionDetailOut, **ERRORS},
            operation_id="institution_get")
def institution_get(request, public_id: str):
    return _detail(request.user, public_id)


@router.patch("/institutions/{public_id}", response={200: InstitutionDetailOut, **ERRORS},
              operation_id="institution_update")
def institution_update(request, public_id: str, payload: InstitutionPatch):
    """Change the fields sent; standing changes use suspend, reinstate and revoke."""
    data, reason = _sent(payload)
    services.institution_update(actor=request.user, public_id=public_id, data=data, reason=reason, via=VIA)
    return _detail(request.user, public_id)


@router.post("/institutions/{public_id}/suspend", response={200: InstitutionDetailOut, **ERRORS},
             operation_id="institution_suspend")
def institution_suspend(request, public_id: str, payload: InstitutionSuspendIn):
    """Suspend from `suspended_from` to `suspended_until` inclusive (no end: until reinstated)."""
    services.institution_suspend(actor=request.user, public_id=public_id, via=VIA, **payload.model_dump())
    return _detail(request.user, public_id)


@router.post("/institutions/{public_id}/reinstate", response={200: InstitutionDetailOut, **ERRORS},
             operation_id="institution_reinstate")
def institution_reinstate(request, public_id: str, payload: InstitutionReinstateIn):
    """End the suspension from `reinstated_on` (default today); documents dated during it stay refused."""
    services.institution_reinstate(actor=request.user, public_id=public_id, via=VIA, **payload.model_dump())
    return _detail(request.user, public_id)


@router.post("/institutions/{public_id}/revoke", response={200: InstitutionDetailOut, **ERRORS},
             operation_id="institution_revoke")
def institution_revoke(request, public_id: str, payload: InstitutionRevokeIn):
    """Revoke from `revoked_on` (default today). Final."""
    services.institution_revoke(actor=request.user, public_id=public_id, via=VIA, **payload.model_dump())
    return _detail(request.user, public_id)


# ---------------------------------------------------------------------------------------------
# a person's records
# ---------------------------------------------------------------------------------------------

@router.get("/persons/{public_id}/trainings", response={200: list[TrainingOut], **ERRORS},
            operation_id="person_trainings")
def person_trainings(request, public_id: UUID):
    return [_training_out(r) for r in selectors.person_credentials_for(request.user, public_id, via=VIA)["trainings"]]


@router.post("/persons/{public_id}/trainings", response={201: TrainingOut, **ERRORS},
             operation_id="person_training_add")
def person_training_add(request, public_id: UUID, payload: TrainingIn):
    """Enrol the person at a training centre, or record a finished training with its result."""
    row = services.training_enrolment_record(actor=request.user, public_id=public_id, data=_data(payload), via=VIA)
    return Status(201, _training_out(row))


@router.get("/persons/{public_id}/certificates", response={200: list[CertificateOut], **ERRORS},
            operation_id="person_certificates")
def person_certificates(request, public_id: UUID):
    rows = selectors.person_credentials_for(request.user, public_id, via=VIA)["certificates"]
    return [_certificate_out(r) for r in rows]


@router.post("/persons/{public_id}/certificates", response={201: CertificateOut, **ERRORS},
             operation_id="person_certificate_add")
def person_certificate_add(request, public_id: UUID, payload: CertificateIn):
    """Record a competency (LSP; `occupation` = ISCO-08 code required), language or training certificate.
    Refused (422 on `institution`) when the issuer was not in good standing on `issued_on`."""
    row = services.certificate_record(actor=request.user, public_id=public_id, data=_data(payload), via=VIA)
    return Status(201, _certificate_out(row))


@router.get("/persons/{public_id}/medical-results", response={200: list[MedicalResultOut], **ERRORS},
            operation_id="person_medical_results")
def person_medical_results(request, public_id: UUID):
    rows = selectors.person_credentials_for(request.user, public_id, via=VIA)["medical_results"]
    return [_medical_out(r) for r in rows]


@router.post("/persons/{public_id}/medical-results", response={201: MedicalResultOut, **ERRORS},
             operation_id="person_medical_result_add")
def person_medical_result_add(request, public_id: UUID, payload: MedicalResultIn):
    """Record a medical check result; a fit result is valid 3 months unless `valid_until` says otherwise."""
    row = services.medical_result_record(actor=request.user, public_id=public_id, data=_data(payload), via=VIA)
    return Status(201, _medical_out(row))
