"""Writes for the institution register and a person's enrolments, certificates and medical results.

Every function checks permission and scope, validates every field at once (``ValidationFailed``
with field errors), writes inside one transaction and leaves an audit event. A person's records
are audited on the person (``person.certificate_recorded`` …) so they show in the person's history.

A record that names an institution is refused when the institution was not in good standing on the
record's date (the exam, the issue, the start of training): a suspended centre cannot certify.
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.audit.services import audit_record, diff, snapshot
from lindungi.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lindungi.common.inputs import (
    add_error,
    date_field,
    int_field,
    parse_public_id,
    raise_if_errors,
    reason_field,
    text_field,
)
from lindungi.institutions import rules, selectors
from lindungi.institutions.models import (
    Certificate,
    CertificateKind,
    Institution,
    InstitutionKind,
    InstitutionStatus,
    InstitutionStatusChange,
    MedicalResult,
    TrainingEnrolment,
)
from lindungi.institutions.perms import INSTITUTION_WRITE
from lindungi.reference.models import Occupation, Regency
from lindungi.registry.models import Person
from lindungi.registry.perms import PERSON_WRITE

INSTITUTION_AUDITED = ("name", "kind", "registration_number", "regency", "address", "accreditation_grade",
                       "accreditation_body", "accreditation_number", "valid_from", "valid_until", "status",
                       "suspended_from", "suspended_until", "revoked_on")
INSTITUTION_EDITABLE = ("name", "kind", "registration_number", "regency", "address", "accreditation_grade",
                        "accreditation_body", "accreditation_number", "valid_from", "valid_until")
_TEXT_LIMITS = {"name": 200, "registration_number": 80, "address": 255, "accreditation_grade": 20,
                "accreditation_body": 120, "accreditation_number": 80}
_REQUIRED_TEXT = ("name", "registration_number")


# ---------------------------------------------------------------------------------------------
# the register
# ---------------------------------------------------------------------------------------------

def _regency(actor, value: Any, errors: dict) -> Regency | None:
    code = text_field(value, "regency", errors, required=True).replace(".", "").replace(" ", "")
    if not code:
        return None
    regency = Regency.objects.filter(code=code).first() if code.isdigit() else None
    if regency is None:
        add_error(errors, "regency", _("Unknown regency/city code (use the Kemendagri code, e.g. 3201)."))
        return None
    return regency


def _in_writable_area(actor, regency: Regency) -> bool:
    """Administrators register anywhere; a unit officer only in the regencies their unit covers."""
    from lindungi.accounts.scoping import scope_queryset

    return scope_queryset(Regency.objects.filter(pk=regency.pk), actor, regency_field="pk", agency_field=None).exists()


def _clean_institution(actor, data: dict[str, Any], *, current: Institution | None = None) -> dict[str, Any]:
    """The validated columns of a new institution, or of the fields ``data`` holds for an edit."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    creating = current is None
    for name, limit in _TEXT_LIMITS.items():
        if creating or name in data:
            values[name] = text_field(data.get(name), name, errors, required=name in _REQUIRED_TEXT,
                                      max_length=limit)
    if creating or "kind" in data:
        kind = text_field(data.get("kind"), "kind", errors, required=True)
        if kind and kind not in InstitutionKind.values:
            add_error(errors, "kind", _("Must be one of: %(c)s.") % {"c": ", ".join(InstitutionKind.values)})
        values["kind"] = kind
    if creating or "regency" in data:
        regency = _regency(actor, data.get("regency"), errors)
        if regency is not None and not _in_writable_area(actor, regency):
            add_error(errors, "regency", _("This regency/city is outside your unit's area."))
        values["regency"] = regency
    if creating or "valid_from" in data:
        values["valid_from"] = date_field(data.get("valid_from"), "valid_from", errors, required=True)
    if creating or "valid_until" in data:
        values["valid_until"] = date_field(data.get("valid_until"), "valid_until", errors)
    start = values.get("valid_from", current.valid_from if current else None)
    end = values.get("valid_until", current.valid_until if current else None)
    if start and end and end < start and "valid_from" not in errors:
        add_error(errors, "valid_until", _("Must not be before the start of validity."))
    if current is not None and values.get("kind") and values["kind"] != current.kind and (
            current.enrolments.exists() or current.certificates.exists() or current.medical_results.exists()):
        add_error(errors, "kind", _("The kind cannot change: people's records already name this institution."))
    raise_if_errors(errors)
    return values


def _number_taken(kind: str, number: str, *, exclude_pk: int | None = None) -> Conflict | None:
    taken = Institution.objects.filter(kind=kind, registration_number__iexact=number)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        return Conflict(_("An institution of this kind with number %(n)s is already registered.") % {"n": number},
                        code="institution_number_taken",
                        fields={"registration_number": [_("Already registered.")]})
    return None


def _institution_for_write(actor, public_id) -> Institution:
    uid = parse_public_id(public_id)
    institution = Institution.objects.visible_to(actor).select_for_update().filter(public_id=uid).first() \
        if uid else None
    if institution is None:
        raise NotFound(_("Institution not found."))
    if not Institution.objects.writable_by(actor).filter(pk=institution.pk).exists():
        raise PermissionDenied(_("This institution is outside your unit's area."))
    return institution


def institution_create(*, actor, data: dict[str, Any], reason: str = "", via: str = "web") -> Institution:
    require_perm(actor, INSTITUTION_WRITE, _("You are not allowed to register supporting institutions."))
    values = _clean_institution(actor, data)
    with transaction.atomic():
        if conflict := _number_taken(values["kind"], values["registration_number"]):
            raise conflict
        institution = Institution.objects.create(created_by=actor, **values)
        audit_record(actor=actor, action="institution.created", obj=institution, via=via, reason=reason,
                     changes=diff({}, snapshot(institution, INSTITUTION_AUDITED)))
    return institution


def institution_update(*, actor, public_id, data: dict[str, Any], reason: str = "", via: str = "web") -> Institution:
    """Correct the register entry (the fields ``data`` holds; standing changes go through suspend,
    reinstate and revoke)."""
    require_perm(actor, INSTITUTION_WRITE, _("You are not allowed to edit supporting institutions."))
    data = {k: v for k, v in data.items() if k in INSTITUTION_EDITABLE}
    with transaction.atomic():
        institution = _institution_for_write(actor, public_id)
        values = _clean_institution(actor, data, current=institution)
        before = snapshot(institution, INSTITUTION_AUDITED)
        for name, value in values.items():
            setattr(institution, name, value)
        if conflict := _number_taken(institution.kind, institution.registration_number, exclude_pk=institution.pk):
            raise conflict
        changes = diff(before, snapshot(institution, INSTITUTION_AUDITED))
        if changes:
            institution.save()
            audit_record(actor=actor, action="institution.updated", obj=institution, via=via, reason=reason,
                         changes=changes)
    return institution


def _decree_and_reason(decree_number: Any, reason: Any, errors: dict, *, decree_required: bool) -> tuple[str, str]:
    decree = text_field(decree_number, "decree_number", errors, required=decree_required, max_length=120)
    return decree, reason_field(reason, errors)


def _revocation_final(institution: Institution) -> Conflict:
    return Conflict(_("%(name)s was revoked. Revocation is final: register the institution anew when it is "
                      "licensed again.") % {"name": institution.name}, code="revocation_final")


def _standing_change(institution: Institution, before: dict, *, actor, action: str, reason: str, via: str) -> None:
    institution.save()
    audit_record(actor=actor, action=action, obj=institution, via=via, reason=reason,
                 changes=diff(before, snapshot(institution, INSTITUTION_AUDITED)))


def institution_suspend(*, actor, public_id, suspended_from, suspended_until=None, decree_number: str = "",
                        reason: str = "", via: str = "web") -> Institution:
    """Suspend from ``suspended_from`` to ``suspended_until`` inclusive (no end: until reinstated)."""
    require_perm(actor, INSTITUTION_WRITE, _("You are not allowed to suspend supporting institutions."))
    errors: dict[str, list[str]] = {}
    start = date_field(suspended_from, "suspended_from", errors, required=True)
    end = date_field(suspended_until, "suspended_until", errors)
    if start and end and end < start:
        add_error(errors, "suspended_until", _("The suspension cannot end before it starts."))
    decree, reason = _decree_and_reason(decree_number, reason, errors, decree_required=True)
    raise_if_errors(errors)
    with transaction.atomic():
        institution = _institution_for_write(actor, public_id)
        if institution.status == InstitutionStatus.REVOKED:
            raise _revocation_final(institution)
        if institution.status == InstitutionStatus.SUSPENDED:
            raise Conflict(_("%(name)s is already suspended; reinstate it first.") % {"name": institution.name},
                           code="already_suspended")
        before = snapshot(institution, INSTITUTION_AUDITED)
        institution.status = InstitutionStatus.SUSPENDED
        institution.suspended_from, institution.suspended_until = start, end
        InstitutionStatusChange.objects.create(institution=institution, status=InstitutionStatus.SUSPENDED,
                                               effective_from=start, effective_until=end, decree_number=decree,
                                               reason=reason, actor=actor)
        _standing_change(institution, before, actor=actor, action="institution.suspended", reason=reason, via=via)
    return institution


def institution_reinstate(*, actor, public_id, reinstated_on=None, decree_number: str = "", reason: str = "",
                          via: str = "web") -> Institution:
    """End the suspension: good standing again from ``reinstated_on`` (default today) on. The
    suspension period closes the day before, so documents dated during it stay refused."""
    require_perm(actor, INSTITUTION_WRITE, _("You are not allowed to reinstate supporting institutions."))
    errors: dict[str, list[str]] = {}
    day = date_field(reinstated_on, "reinstated_on", errors) or timezone.localdate()
    decree, reason = _decree_and_reason(decree_number, reason, errors, decree_required=False)
    raise_if_errors(errors)
    with transaction.atomic():
        institution = _institution_for_write(actor, public_id)
        if institution.status == InstitutionStatus.REVOKED:
            raise _revocation_final(institution)
        if institution.status != InstitutionStatus.SUSPENDED:
            raise Conflict(_("%(name)s is not suspended.") % {"name": institution.name}, code="not_suspended")
        if day <= institution.suspended_from:
            raise ValidationFailed.from_fields({"reinstated_on": _("Must be after the start of the suspension (%(d)s).")
                                                % {"d": institution.suspended_from.isoformat()}})
        period = (institution.status_history.filter(status=InstitutionStatus.SUSPENDED)
                  .order_by("-effective_from", "-id").first())
        if period is not None and (period.effective_until is None or period.effective_until >= day):
            period.effective_until = day - dt.timedelta(days=1)
            period.save(update_fields=["effective_until"])
        before = snapshot(institution, INSTITUTION_AUDITED)
        institution.status = InstitutionStatus.ACTIVE
        institution.suspended_from = institution.suspended_until = None
        InstitutionStatusChange.objects.create(institution=institution, status=InstitutionStatus.ACTIVE,
                                               effective_from=day, decree_number=decree, reason=reason, actor=actor)
        _standing_change(institution, before, actor=actor, action="institution.reinstated", reason=reason, via=via)
    return institution


def institution_revoke(*, actor, public_id, revoked_on=None, decree_number: str = "", reason: str = "",
                       via: str = "web") -> Institution:
    """Revoke the licence from ``revoked_on`` (default today) on, for good."""
    require_perm(actor, INSTITUTION_WRITE, _("You are not allowed to revoke supporting institutions."))
    errors: dict[str, list[str]] = {}
    day = date_field(revoked_on, "revoked_on", errors) or timezone.localdate()
    decree, reason = _decree_and_reason(decree_number, reason, errors, decree_required=True)
    raise_if_errors(errors)
    with transaction.atomic():
        institution = _institution_for_write(actor, public_id)
        if institution.status == InstitutionStatus.REVOKED:
            raise _revocation_final(institution)
        before = snapshot(institution, INSTITUTION_AUDITED)
        institution.status = InstitutionStatus.REVOKED
        institution.revoked_on = day
        InstitutionStatusChange.objects.create(institution=institution, status=InstitutionStatus.REVOKED,
                                               effective_from=day, decree_number=decree, reason=reason, actor=actor)
        _standing_change(institution, before, actor=actor, action="institution.revoked", reason=reason, via=via)
    return institution


# ---------------------------------------------------------------------------------------------
# a person's records
# ---------------------------------------------------------------------------------------------

def _writable_person(actor, public_id) -> Person:
    uid = parse_public_id(public_id)
    person = Person.objects.visible_to(actor).filter(public_id=uid).first() if uid else None
    if person is None or actor.is_lookup_only:
        raise NotFound(_("Person not found."))
    if person.merged_into_id:
        raise Conflict(_("This record was merged into another; edit the surviving record."))
    return person


def _institution_ref(value: Any, kinds: frozenset[str], day: dt.date | None, errors: dict) -> Institution | None:
    """The named institution, of one of ``kinds`` and in good standing on ``day``; else a field error."""
    if value in (None, ""):
        add_error(errors, "institution", _("This field is required."))
        return None
    institution = selectors.institution_by_public_id(value)
    if institution is None:
        add_error(errors, "institution", _("Unknown institution."))
        return None
    if institution.kind not in kinds:
        add_error(errors, "institution", _("Must be a %(kinds)s.") % {
            "kinds": " / ".join(str(InstitutionKind(k).label) for k in sorted(kinds))})
        return None
    if day is not None:
        standing = selectors.institution_standing_on(institution, day)
        if not standing.good:
            add_error(errors, "institution", selectors.standing_refusal(institution, standing))
    return institution


def _choice(value: Any, name: str, choices, errors: dict, *, default: str | None = None) -> str:
    text = text_field(value, name, errors) or (default or "")
    if not text:
        add_error(errors, name, _("This field is required."))
    elif text not in choices.values:
        add_error(errors, name, _("Must be one of: %(c)s.") % {"c": ", ".join(choices.values)})
    return text


def _record(actor, person: Person, model, values: dict, *, action: str, label: str, via: str):
    with transaction.atomic():
        person = _writable_person(actor, person.public_id)
        try:
            with transaction.atomic():
                row = model.objects.create(person=person, recorded_by=actor, **values)
        except IntegrityError:
            raise Conflict(_("This certificate number of this issuer is already on record."),
                           code="certificate_number_taken", fields={"number": [_("Already on record.")]})
        audit_record(actor=actor, action=action, obj=person, via=via,
                     changes={label: [None, {k: (v.pk if hasattr(v, "pk") else v.isoformat()
                                                 if isinstance(v, dt.date) else v) for k, v in values.items()}]})
    return row


def training_enrolment_record(*, actor, public_id, data: dict[str, Any], via: str = "web") -> TrainingEnrolment:
    """Enrol a person in a training programme of a training centre (LPK / BLK), or record its result."""
    require_perm(actor, PERSON_WRITE)
    person = _writable_person(actor, public_id)  # scope before values: out of scope is 404 whatever was sent
    errors: dict[str, list[str]] = {}
    programme = text_field(data.get("programme"), "programme", errors, required=True, max_length=200)
    hours = int_field(data.get("hours"), "hours", errors, minimum=1, maximum=5000, default=0) or None
    start = date_field(data.get("start_on"), "start_on", errors, required=True)
    end = date_field(data.get("end_on"), "end_on", errors)
    result = _choice(data.get("result"), "result", TrainingEnrolment.Result, errors,
                     default=TrainingEnrolment.Result.ENROLLED)
    if start and end and end < start:
        add_error(errors, "end_on", _("Must not be before the start."))
    if result in (TrainingEnrolment.Result.PASSED, TrainingEnrolment.Result.FAILED) and not end \
            and "end_on" not in errors:
        add_error(errors, "end_on", _("A passed or failed training has an end date."))
    if end and end > timezone.localdate() and result != TrainingEnrolment.Result.ENROLLED:
        add_error(errors, "end_on", _("The date cannot be in the future."))
    institution = _institution_ref(data.get("institution"), rules.ENROLMENT_KINDS, start, errors)
    raise_if_errors(errors)
    values = {"institution": institution, "programme": programme, "hours": hours, "start_on": start,
              "end_on": end, "result": result}
    return _record(actor, person, TrainingEnrolment, values, action="person.training_recorded",
                   label="training", via=via)


def certificate_record(*, actor, public_id, data: dict[str, Any], via: str = "web") -> Certificate:
    """Record a competency, language or training certificate issued to the person."""
    require_perm(actor, PERSON_WRITE)
    person = _writable_person(actor, public_id)
    errors: dict[str, list[str]] = {}
    kind = _choice(data.get("kind"), "kind", CertificateKind, errors)
    number = text_field(data.get("number"), "number", errors, required=True, max_length=80)
    title = text_field(data.get("title"), "title", errors, max_length=200)
    level = text_field(data.get("level"), "level", errors, max_length=40)
    score = int_field(data.get("score"), "score", errors, minimum=0, maximum=100000, default=-1)
    issued_on = date_field(data.get("issued_on"), "issued_on", errors, required=True, not_future=True)
    expires_on = date_field(data.get("expires_on"), "expires_on", errors)
    if issued_on and expires_on and expires_on < issued_on:
        add_error(errors, "expires_on", _("Must not be before the issue date."))
    occupation = None
    code = text_field(data.get("occupation"), "occupation", errors)
    if code:
        occupation = Occupation.objects.filter(isco_code=code).first()
        if occupation is None:
            add_error(errors, "occupation", _("Unknown ISCO-08 occupation code."))
    elif kind == CertificateKind.COMPETENCY:
        add_error(errors, "occupation", _("A competency certificate names the occupation it certifies."))
    institution = None
    if kind in CertificateKind.values:
        institution = _institution_ref(data.get("institution"), rules.CERTIFICATE_ISSUERS[kind], issued_on, errors)
    raise_if_errors(errors)
    values = {"institution": institution, "kind": kind, "number": number.upper(), "title": title,
              "occupation": occupation, "level": level, "score": None if score == -1 else score,
              "issued_on": issued_on, "expires_on": expires_on}
    return _record(actor, person, Certificate, values, action="person.certificate_recorded",
                   label="certificate", via=via)


def medical_result_record(*, actor, public_id, data: dict[str, Any], via: str = "web") -> MedicalResult:
    """Record a medical check result from a medical check centre. A fit result is usable 3 months
    unless the centre printed another validity (Perpres 64/2011)."""
    require_perm(actor, PERSON_WRITE)
    person = _writable_person(actor, public_id)
    errors: dict[str, list[str]] = {}
    examined_on = date_field(data.get("examined_on"), "examined_on", errors, required=True, not_future=True)
    result = _choice(data.get("result"), "result", MedicalResult.Result, errors)
    valid_until = date_field(data.get("valid_until"), "valid_until", errors)
    reference = text_field(data.get("reference_number"), "reference_number", errors, max_length=80)
    examiner = text_field(data.get("examiner"), "examiner", errors, max_length=150)
    if examined_on and valid_until and valid_until < examined_on:
        add_error(errors, "valid_until", _("Must not be before the examination."))
    institution = _institution_ref(data.get("institution"), rules.MEDICAL_KINDS, examined_on, errors)
    raise_if_errors(errors)
    if result == MedicalResult.Result.UNFIT:
        valid_until = None
    elif valid_until is None:
        valid_until = rules.medical_valid_until(examined_on)
    values = {"institution": institution, "examined_on": examined_on, "result": result,
              "valid_until": valid_until, "reference_number": reference, "examiner": examiner}
    return _record(actor, person, MedicalResult, values, action="person.medical_result_recorded",
                   label="medical_result", via=via)
