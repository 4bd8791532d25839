"""Reads of the institution register and of a person's enrolments, certificates and medical results.

The register is read by every staff role (``Institution.objects.visible_to``); a person's records
only within the registry's scope of that person (``person_get_for``: out of scope is 404). The
standing selectors (``institution_standing_on``, ``competency_holders``) are what other domains use:
placements checks checklist evidence with them, statistics counts skilled placements with them.
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungi.accounts.permissions import require_perm
from lindungi.common.errors import NotFound, ValidationFailed
from lindungi.common.inputs import parse_public_id
from lindungi.common.pagination import Page, paginate
from lindungi.institutions import rules
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
from lindungi.institutions.perms import INSTITUTION_VIEW
from lindungi.reference.models import Regency
from lindungi.registry import selectors as registry_selectors

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class Standing:
    good: bool
    code: str
    day: dt.date

    @property
    def label(self) -> str:
        return str(STANDING_LABELS[self.code])


STANDING_LABELS = {
    rules.ACTIVE: gettext_lazy("In good standing"),
    rules.SUSPENDED: gettext_lazy("Suspended"),
    rules.REVOKED: gettext_lazy("Revoked"),
    rules.EXPIRED: gettext_lazy("Licence expired"),
    rules.NOT_YET_VALID: gettext_lazy("Licence not yet in force"),
}


def standing_refusal(institution: Institution, standing: Standing) -> str:
    """The field error of a document that names an institution not in good standing on its date."""
    return _("%(name)s was not in good standing on %(day)s (%(reason)s): it cannot stand behind this document.") % {
        "name": institution.name, "day": standing.day.isoformat(), "reason": standing.label.lower()}


# ---------------------------------------------------------------------------------------------
# standing
# ---------------------------------------------------------------------------------------------

def _periods(institution: Institution) -> list[InstitutionStatusChange]:
    cache = getattr(institution, "_prefetched_objects_cache", {})
    if "status_history" in cache:
        return list(institution.status_history.all())
    return list(InstitutionStatusChange.objects.filter(institution=institution))


def institution_standing_on(institution: Institution, day: dt.date | None = None) -> Standing:
    """Whether ``institution`` was (is) in good standing on ``day`` (default today), from its
    licence dates and its dated suspensions and revocation (``rules.standing_on``)."""
    day = day or timezone.localdate()
    good, code = rules.standing_on(institution, _periods(institution), day)
    return Standing(good=good, code=code, day=day)


def with_history(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related("status_history")


# ---------------------------------------------------------------------------------------------
# the register
# ---------------------------------------------------------------------------------------------

def _check_query(q: str | None) -> str:
    q = re.sub(r"\s+", " ", q or "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationFailed.from_fields({"q": [_("At most %(n)d characters.") % {"n": MAX_QUERY_LENGTH}]})
    if "\x00" in q:
        raise ValidationFailed.from_fields({"q": [_("Null characters are not allowed.")]})
    return q


def institution_filtered_for(actor, *, q: str = "", kind: str = "", regency: str = "", status: str = "") -> QuerySet:
    """The institutions the actor reads, filtered by name or number (``q``), kind, regency code and
    recorded status; every bad filter is answered at once."""
    require_perm(actor, INSTITUTION_VIEW, _("You are not allowed to view supporting institutions."))
    errors: dict[str, list[str]] = {}
    q = _check_query(q)
    kind, status = (kind or "").strip(), (status or "").strip()
    regency = re.sub(r"[\s.]", "", regency or "")
    if kind and kind not in InstitutionKind.values:
        errors["kind"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(InstitutionKind.values)}]
    if status and status not in InstitutionStatus.values:
        errors["status"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(InstitutionStatus.values)}]
    if regency and not (regency.isdigit() and Regency.objects.filter(code=regency).exists()):
        errors["regency"] = [_("Unknown regency/city code.")]
    if errors:
        raise ValidationFailed.from_fields(errors)
    qs = Institution.objects.visible_to(actor).select_related("regency__province")
    if q:
        by_name = Q()
        for word in q.split():
            by_name &= Q(name__icontains=word)
        qs = qs.filter(by_name | Q(registration_number__icontains=q.replace(" ", "")))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if regency:
        qs = qs.filter(regency__code=regency)
    return qs.order_by("name", "id")


def institution_list_for(actor, *, q: str = "", kind: str = "", regency: str = "", status: str = "",
                         page: int = 1, page_size: int = 25) -> Page:
    """One page of the register, each row with its status history prefetched (standing today
    without a query per row)."""
    qs = institution_filtered_for(actor, q=q, kind=kind, regency=regency, status=status)
    return paginate(with_history(qs), page=page, page_size=page_size)


def institution_get_for(actor, public_id) -> Institution:
    require_perm(actor, INSTITUTION_VIEW, _("You are not allowed to view supporting institutions."))
    uid = parse_public_id(public_id)
    institution = None
    if uid is not None:
        institution = (with_history(Institution.objects.visible_to(actor).select_related("regency__province"))
                       .filter(public_id=uid).first())
    if institution is None:
        raise NotFound(_("Institution not found."))
    return institution


def institution_choices(kinds: Iterable[str]) -> list[tuple[str, str]]:
    """(public id, "name — number") of the institutions of ``kinds`` not revoked, for choice lists of
    staff forms (the register is read by every staff role)."""
    qs = (Institution.objects.filter(kind__in=list(kinds)).exclude(status=InstitutionStatus.REVOKED)
          .order_by("name", "id"))
    return [(str(uid), f"{name} — {number}") for uid, name, number in
            qs.values_list("public_id", "name", "registration_number")]


def institution_can_write(actor, institution: Institution) -> bool:
    return Institution.objects.writable_by(actor).filter(pk=institution.pk).exists()


# ---------------------------------------------------------------------------------------------
# a person's records
# ---------------------------------------------------------------------------------------------

def person_credentials_for(actor, public_id, *, via: str = "web", log: bool = True) -> dict:
    """The person (in the actor's scope, else 404) with their enrolments, certificates and medical
    results, newest first, each with its institution and that institution's history (one query each)."""
    person = registry_selectors.person_get_for(actor, public_id, via=via, log=log)
    institution = Prefetch("institution", queryset=with_history(Institution.objects.all()))
    return {
        "person": person,
        "trainings": list(TrainingEnrolment.objects.filter(person=person).prefetch_related(institution)),
        "certificates": list(Certificate.objects.filter(person=person).select_related("occupation")
                             .prefetch_related(institution)),
        "medical_results": list(MedicalResult.objects.filter(person=person).prefetch_related(institution)),
    }


def certificate_of(person_id: int, public_id) -> Certificate | None:
    uid = parse_public_id(public_id)
    if uid is None:
        return None
    return Certificate.objects.filter(person_id=person_id, public_id=uid).select_related("institution").first()


def medical_result_of(person_id: int, public_id) -> MedicalResult | None:
    uid = parse_public_id(public_id)
    if uid is None:
        return None
    return MedicalResult.objects.filter(person_id=person_id, public_id=uid).select_related("institution").first()


def institution_by_public_id(public_id) -> Institution | None:
    uid = parse_public_id(public_id)
    return Institution.objects.filter(public_id=uid).first() if uid is not None else None


# ---------------------------------------------------------------------------------------------
# skilled workers (for placements and statistics)
# ---------------------------------------------------------------------------------------------

def competency_holders(wanted: Iterable[tuple[object, int, int, dt.date]]) -> set:
    """Of the ``(key, person_id, occupation_id, day)`` asked about, the keys whose person held on
    ``day`` a competency certificate for that occupation: issued by then, not expired, from an
    issuer that was in good standing on the day it issued the certificate.

    One query for the certificates and one for their issuers' histories, whatever the number asked.
    """
    wanted = list(wanted)
    if not wanted:
        return set()
    person_ids = {person_id for _key, person_id, _occ, _day in wanted}
    certificates = (Certificate.objects.filter(kind=CertificateKind.COMPETENCY, person_id__in=person_ids)
                    .prefetch_related(Prefetch("institution", queryset=with_history(Institution.objects.all()))))
    by_holder: dict[tuple[int, int], list[Certificate]] = defaultdict(list)
    for certificate in certificates:
        by_holder[(certificate.person_id, certificate.occupation_id)].append(certificate)
    issued_in_standing: dict[int, bool] = {}
    found = set()
    for key, person_id, occupation_id, day in wanted:
        for certificate in by_holder.get((person_id, occupation_id), ()):
            if not rules.certificate_valid_on(certificate, day):
                continue
            if certificate.pk not in issued_in_standing:
                issued_in_standing[certificate.pk] = institution_standing_on(
                    certificate.institution, certificate.issued_on).good
            if issued_in_standing[certificate.pk]:
                found.add(key)
                break
    return found
