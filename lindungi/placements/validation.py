"""One set of placement and checklist rules for the single-record services (``services.py``) and
the bulk paths (``bulk.py``).

The rules read their references (scheme, job order, SIP2MI, employer, P3MI, country, occupation,
unit, person, the person's passports) through a ``Lookup``. ``Lookup`` asks the database once per
reference, which is what one form submission needs; ``bulk.PreloadedLookup`` answers the same
questions from rows loaded once per chunk, so a file of 100,000 rows runs the very same checks
without a query per row.
"""

import uuid
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.roles import Role
from lindungi.agencies.models import Agency, ForeignParty
from lindungi.common.errors import Conflict, ValidationFailed
from lindungi.common.inputs import add_error, clean_text, date_field, is_public_id, raise_if_errors
from lindungi.institutions import selectors as institution_selectors
from lindungi.placements.checklist import ChecklistKind, default_valid_until
from lindungi.placements.models import JobOrder, Placement, Scheme, Sector, Sip2mi
from lindungi.reference.models import Country, Occupation, OrgUnit
from lindungi.registry.models import Passport, Person


def public_id_key(value: Any) -> str | None:
    """The canonical text of a public id, None when ``value`` is not one."""
    if not is_public_id(value):
        return None
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value).strip()))


class Lookup:
    """The references of one write, each read from the database when asked for."""

    def __init__(self, actor):
        self.actor = actor

    def by_public_id(self, model, value, **filters):
        return model.objects.filter(public_id=value, **filters).first() if is_public_id(value) else None

    def scheme(self, code: str) -> Scheme | None:
        return Scheme.objects.filter(code=code).first()

    def country(self, iso2: str) -> Country | None:
        return Country.objects.filter(iso2=iso2).first()

    def occupation(self, code: str) -> Occupation | None:
        return Occupation.objects.filter(isco_code=code).first()

    def unit(self, code: str) -> OrgUnit | None:
        return OrgUnit.objects.filter(code=code).first()

    def job_order_visible(self, job_order: JobOrder) -> bool:
        return JobOrder.objects.visible_to(self.actor).filter(pk=job_order.pk).exists()

    def person_visible(self, person: Person) -> bool:
        return Person.objects.visible_to(self.actor).filter(pk=person.pk).exists()

    def institution(self, public_id):
        return institution_selectors.institution_by_public_id(public_id)

    def certificate_of(self, person_id: int, public_id):
        return institution_selectors.certificate_of(person_id, public_id)

    def medical_result_of(self, person_id: int, public_id):
        return institution_selectors.medical_result_of(person_id, public_id)

    def institution_standing(self, institution, day):
        return institution_selectors.institution_standing_on(institution, day)

    def passport_of(self, person_id: int, number: str) -> Passport | None:
        """The person's passport with this number, or their current one when no number is given."""
        passports = Passport.objects.filter(person_id=person_id)
        return passports.filter(number=number.upper()).first() if number else passports.filter(is_current=True).first()


def ref_by_public_id(lookup: Lookup, model, value: Any, name: str, errors: dict, *, required: bool = False,
                     **filters):
    if value in (None, ""):
        if required:
            errors[name] = [_("This field is required.")]
        return None
    obj = lookup.by_public_id(model, value, **filters)
    if obj is None:
        errors[name] = [_("Unknown value.")]
    return obj


def country_ref(lookup: Lookup, value: Any, errors: dict, name: str = "country") -> Country | None:
    iso2 = clean_text(value).upper()
    if not iso2:
        errors[name] = [_("This field is required.")]
        return None
    country = lookup.country(iso2)
    if country is None:
        errors[name] = [_("Unknown country code.")]
    return country


def occupation_ref(lookup: Lookup, value: Any, errors: dict, name: str = "occupation") -> Occupation | None:
    code = clean_text(value)
    if not code:
        errors[name] = [_("This field is required.")]
        return None
    occupation = lookup.occupation(code)
    if occupation is None:
        errors[name] = [_("Unknown ISCO-08 occupation code.")]
    return occupation


def resolve_placement_refs(actor, data: dict[str, Any], errors: dict, *, lookup: Lookup,
                           current: Placement | None = None) -> dict:
    """Resolve the references a placement may carry; the job order fills in what it knows."""
    values: dict[str, Any] = {}
    if "scheme" in data or current is None:
        code = clean_text(data.get("scheme"))
        scheme = lookup.scheme(code) if code else None
        if scheme is None:
            errors["scheme"] = [_("Unknown scheme.")]
        elif not scheme.is_valid_on(timezone.localdate()) and current is None:
            errors["scheme"] = [_("This scheme is not open for new placements.")]
        values["scheme"] = scheme
    if "job_order" in data:
        job_order = ref_by_public_id(lookup, JobOrder, data.get("job_order"), "job_order", errors)
        if job_order is not None and not lookup.job_order_visible(job_order):
            errors["job_order"] = [_("Unknown value.")]
        values["job_order"] = job_order
    if "sip2mi" in data:
        values["sip2mi"] = ref_by_public_id(lookup, Sip2mi, data.get("sip2mi"), "sip2mi", errors)
    if "employer" in data:
        values["employer"] = ref_by_public_id(lookup, ForeignParty, data.get("employer"), "employer", errors,
                                              role=ForeignParty.Role.EMPLOYER)
    if "agency" in data and actor.role != Role.P3MI_STAFF:
        values["agency"] = ref_by_public_id(lookup, Agency, data.get("agency"), "agency", errors)
    if data.get("country"):
        values["country"] = country_ref(lookup, data.get("country"), errors)
    if data.get("occupation"):
        values["occupation"] = occupation_ref(lookup, data.get("occupation"), errors)
    if "unit" in data:
        code = clean_text(data.get("unit"))
        unit = lookup.unit(code) if code else None
        if code and unit is None:
            errors["unit"] = [_("Unknown unit.")]
        values["unit"] = unit
    for name in ("contract_start", "contract_end"):
        if name in data:
            values[name] = date_field(data.get(name), name, errors)
    if data.get("sector"):
        if data["sector"] not in Sector.values:
            errors["sector"] = [_("Must be one of: %(c)s.") % {"c": ", ".join(Sector.values)}]
        else:
            values["sector"] = data["sector"]
    return values


def check_consistency(placement: Placement, errors: dict) -> None:
    jo = placement.job_order
    if jo is not None:
        if placement.agency_id and jo.agency_id != placement.agency_id:
            errors["job_order"] = [_("The job order belongs to another P3MI.")]
        if jo.country_id != placement.country_id:
            errors["country"] = [_("The country differs from the job order's.")]
        if placement.employer_id and placement.employer_id != jo.employer_id:
            errors["employer"] = [_("The employer differs from the job order's.")]
    if placement.sip2mi_id and (jo is None or placement.sip2mi.job_order_id != jo.pk):
        errors["sip2mi"] = [_("The SIP2MI was not issued for this job order.")]
    if placement.contract_start and placement.contract_end and placement.contract_end <= placement.contract_start:
        errors["contract_end"] = [_("Must be after the contract start.")]


def fill_from_job_order(values: dict) -> None:
    jo = values.get("job_order")
    if jo is None:
        return
    for name in ("agency", "employer", "country", "occupation"):
        if values.get(name) is None:
            values[name] = getattr(jo, name)


def clean_new_placement(actor, data: dict[str, Any], *, lookup: Lookup) -> Placement:
    """The unsaved placement ``placement_create`` would store (state ``registered``), or
    ``ValidationFailed`` with every bad field."""
    errors: dict[str, list[str]] = {}
    person = ref_by_public_id(lookup, Person, data.get("person"), "person", errors, required=True)
    if person is not None and not lookup.person_visible(person):
        errors["person"] = [_("Unknown value.")]
    if person is not None and person.merged_into_id:
        errors["person"] = [_("This record was merged into another; use the surviving record.")]
    values = resolve_placement_refs(actor, data, errors, lookup=lookup)
    if actor.role == Role.P3MI_STAFF:
        values["agency"] = actor.agency
    fill_from_job_order(values)
    for name in ("country", "occupation"):
        if values.get(name) is None and name not in errors:
            errors[name] = [_("This field is required.")]
    raise_if_errors(errors)
    occupation = values["occupation"]
    values.setdefault("sector", Sector.INFORMAL if occupation.domestic_worker else Sector.FORMAL)
    placement = Placement(person=person, created_by=actor, migrated=bool(data.get("migrated")), **values)
    check_consistency(placement, errors)
    raise_if_errors(errors)
    return placement


def placement_in_progress() -> Conflict:
    return Conflict(_("This person already has a placement in progress."),
                    fields={"person": [_("A placement is already in progress.")]})


def placement_out_of_scope() -> ValidationFailed:
    return ValidationFailed.from_fields({"person": _("This person is outside your scope.")})


_KINDS = frozenset(ChecklistKind.values)


def check_checklist_kind(kind: str) -> None:
    if kind not in _KINDS:
        raise ValidationFailed.from_fields(
            {"kind": _("Must be one of: %(c)s.") % {"c": ", ".join(ChecklistKind.values)}})


def clean_checklist_item(kind: str, data: dict[str, Any], *, person_id: int, lookup: Lookup) -> dict[str, Any]:
    """The columns of a new checklist item of an open placement of ``person_id``, or
    ``ValidationFailed``. Validity defaults: medical 3 months; passport from the registry's
    passport record. A placement agreement must name its Disnaker witness; a PK its verification by
    the Perwakilan; a BPJS membership must cover JKK and JKM; a medical certificate must be a "fit"
    result (an unfit result is the ``failed_medical`` step)."""
    errors: dict[str, list[str]] = {}
    details = data.get("details") or {}
    if not isinstance(details, dict):
        errors["details"] = [_("Must be an object.")]
        details = {}
    evidence = Evidence(kind, details, person_id=person_id, lookup=lookup, errors=errors)
    reference = clean_text(data.get("reference_number"))[:120] or evidence.reference_number
    issued_on = date_field(data.get("issued_on") or evidence.issued_on, "issued_on", errors,
                           required=kind != ChecklistKind.PASSPORT)
    valid_until = date_field(data.get("valid_until") or evidence.valid_until, "valid_until", errors)
    if issued_on and issued_on > timezone.localdate():
        errors["issued_on"] = [_("The date cannot be in the future.")]
    if kind == ChecklistKind.PLACEMENT_AGREEMENT and not clean_text(details.get("witnessed_by")):
        errors["details.witnessed_by"] = [_("Name the Disnaker official who witnessed the signing.")]
    if kind == ChecklistKind.EMPLOYMENT_CONTRACT:
        date_field(details.get("verified_on"), "details.verified_on", errors, required=True)
    if kind == ChecklistKind.BPJS_MEMBERSHIP:
        programmes = {str(p).lower() for p in details.get("programmes", ["jkk", "jkm"])}
        if not {"jkk", "jkm"} <= programmes:
            errors["details.programmes"] = [_("JKK and JKM are both mandatory.")]
    if kind == ChecklistKind.MEDICAL_FITNESS and str(details.get("result", "fit")).lower() != "fit":
        errors["details.result"] = [_("Only a 'fit' certificate is recorded here; an unfit result ends the "
                                      "placement (failed medical).")]
    if kind == ChecklistKind.PASSPORT:
        passport = lookup.passport_of(person_id, reference)
        if passport is None:
            errors["reference_number"] = [_("No such passport is on the person's record.")]
        else:
            reference = passport.number
            issued_on = issued_on or passport.issue_date
            valid_until = passport.expiry_date
    evidence.check_standing(issued_on)
    raise_if_errors(errors)
    details = evidence.details
    if valid_until is None:
        valid_until = default_valid_until(kind, issued_on)
    if valid_until is not None and valid_until < issued_on:
        raise ValidationFailed.from_fields({"valid_until": _("Must not be before the issue date.")})
    return {"kind": kind, "reference_number": reference, "issued_on": issued_on, "valid_until": valid_until,
            "details": details}


# Checklist kinds an institution of the register stands behind, and which kinds of institution may.
EVIDENCE_INSTITUTION_KINDS = {
    ChecklistKind.MEDICAL_FITNESS: frozenset({"medical_centre"}),
    ChecklistKind.COMPETENCY_CERTIFICATE: frozenset({"certification_body"}),
}


class Evidence:
    """What a checklist item names as its evidence in ``details``: an institution of the register
    (``details.institution``), or a record of the person's that names one (``details.certificate``
    for a competency certificate, ``details.medical_result`` for a medical fitness certificate).

    Such an item is accepted only if the institution was in good standing on the item's date
    (``check_standing``). An item naming none is accepted as before (historical records, files from
    other systems): the register did not exist when they were issued, and no scheme requires it yet.
    The record fills what the officer left empty (number, issue date, validity)."""

    def __init__(self, kind: str, details: dict, *, person_id: int, lookup: Lookup, errors: dict):
        self.kind, self.errors, self.lookup = kind, errors, lookup
        self.details = dict(details)
        self.institution = None
        self.reference_number, self.issued_on, self.valid_until = "", None, None
        named = [key for key in ("institution", "certificate", "medical_result") if details.get(key) not in (None, "")]
        if not named:
            return
        allowed = EVIDENCE_INSTITUTION_KINDS.get(kind)
        if allowed is None:
            for key in named:
                add_error(errors, f"details.{key}", _("Only a medical fitness certificate or a competency "
                                                      "certificate names an institution."))
            return
        if details.get("certificate") not in (None, ""):
            self._certificate(details["certificate"], person_id)
        if details.get("medical_result") not in (None, ""):
            self._medical_result(details["medical_result"], person_id)
        if details.get("institution") not in (None, ""):
            institution = lookup.institution(details["institution"])
            if institution is None:
                add_error(errors, "details.institution", _("Unknown institution."))
            elif self.institution is not None and institution.pk != self.institution.pk:
                add_error(errors, "details.institution", _("Not the institution of the named record."))
            else:
                self.institution = institution
        if self.institution is not None and self.institution.kind not in allowed:
            add_error(errors, "details.institution", _("This institution cannot issue this document."))
            self.institution = None
        if self.institution is not None:
            self.details["institution"] = str(self.institution.public_id)
            self.details["institution_name"] = self.institution.name

    def _certificate(self, public_id, person_id: int) -> None:
        certificate = self.lookup.certificate_of(person_id, public_id)
        if self.kind != ChecklistKind.COMPETENCY_CERTIFICATE:
            add_error(self.errors, "details.certificate", _("Only a competency certificate item names a certificate."))
        elif certificate is None:
            add_error(self.errors, "details.certificate", _("No such certificate is on the person's record."))
        elif certificate.kind != "competency":
            add_error(self.errors, "details.certificate", _("Not a competency certificate."))
        else:
            self.institution = certificate.institution
            self.details["certificate"] = str(certificate.public_id)
            self.reference_number, self.issued_on = certificate.number, certificate.issued_on
            self.valid_until = certificate.expires_on

    def _medical_result(self, public_id, person_id: int) -> None:
        result = self.lookup.medical_result_of(person_id, public_id)
        if self.kind != ChecklistKind.MEDICAL_FITNESS:
            add_error(self.errors, "details.medical_result", _("Only a medical fitness item names a medical result."))
        elif result is None:
            add_error(self.errors, "details.medical_result", _("No such medical result is on the person's record."))
        elif result.result != "fit":
            add_error(self.errors, "details.medical_result", _("Only a 'fit' result is recorded here; an unfit "
                                                               "result ends the placement (failed medical)."))
        else:
            self.institution = result.institution
            self.details["medical_result"] = str(result.public_id)
            self.details["result"] = "fit"
            self.reference_number, self.issued_on = result.reference_number, result.examined_on
            self.valid_until = result.valid_until

    def check_standing(self, day) -> None:
        """Refuse (``details.institution``) when the institution was not in good standing on ``day``."""
        if self.institution is None or day is None:
            return
        standing = self.lookup.institution_standing(self.institution, day)
        if not standing.good:
            add_error(self.errors, "details.institution",
                      institution_selectors.standing_refusal(self.institution, standing))


def checklist_changes(values: dict[str, Any]) -> dict:
    """The audit changes of a recorded checklist item (``placement.checklist_recorded``)."""
    valid_until = values["valid_until"]
    recorded = {"reference_number": values["reference_number"], "issued_on": values["issued_on"].isoformat(),
                "valid_until": valid_until.isoformat() if valid_until else None}
    for key in ("institution", "certificate", "medical_result"):
        if values["details"].get(key):
            recorded[key] = values["details"][key]
    return {values["kind"]: [None, recorded]}
