"""Writes to the people registry. Every function checks permission and scope, validates with the
shared rules in ``validation.py``, writes inside one transaction and leaves an audit event."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.accounts.roles import Role
from lindungi.audit.services import audit_record, diff, snapshot
from lindungi.common.errors import Conflict, NotFound, ValidationFailed
from lindungi.common.inputs import is_public_id
from lindungi.common.text import name_key
from lindungi.registry import duplicates, selectors
from lindungi.registry.models import (
    DuplicateCandidate,
    FamilyContact,
    Passport,
    Person,
    PersonNameToken,
    token_rows_for,
)
from lindungi.registry.perms import PERSON_MERGE, PERSON_WRITE
from lindungi.registry.validation import ReferenceIndex, clean_passport, clean_person, clean_registration

AUDITED_FIELDS = ("nik", "full_name", "sex", "birth_date", "birth_place", "address", "regency", "village",
                  "village_name", "education", "marital_status", "religion", "phone", "agency", "nik_warnings")


def _writable_person(actor, public_id) -> Person:
    person = (Person.objects.visible_to(actor).filter(public_id=public_id).first()
              if is_public_id(public_id) else None)
    if person is None:
        raise NotFound(_("Person not found."))
    return person


def _shown(person: Person) -> Person:
    """The stored person as detail views show it (what every write returns)."""
    return selectors.with_details(Person.objects.filter(pk=person.pk)).get()


def _resolve_agency(actor, agency_public_id: str | None):
    """P3MI staff always register for their own company; others may name one."""
    from lindungi.agencies.models import Agency

    if actor.role == Role.P3MI_STAFF:
        return actor.agency
    if not agency_public_id:
        return None
    agency = Agency.objects.filter(public_id=agency_public_id).first() if is_public_id(agency_public_id) else None
    if agency is None:
        raise ValidationFailed.from_fields({"agency": _("Unknown P3MI.")})
    return agency


def out_of_scope_fields() -> dict[str, list[str]]:
    return {"regency_code": [_("This regency/city is outside the area your unit covers.")]}


def _check_in_scope(actor, person: Person) -> None:
    """A unit officer may only register people whose regency their unit covers."""
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise ValidationFailed.from_fields(out_of_scope_fields())


def passport_taken_fields() -> dict[str, list[str]]:
    return {"passport.number": [_("Already on record for another person.")]}


def created_changes(person: Person) -> dict:
    """The audit changes of a newly registered person (``person.created``)."""
    return diff({}, snapshot(person, AUDITED_FIELDS))


def _write_tokens(person: Person) -> None:
    """Rewrite the search copies of a person's name, region and company (none while merged)."""
    PersonNameToken.objects.filter(person_id=person.pk).delete()
    if person.merged_into_id:
        return
    PersonNameToken.objects.bulk_create([
        PersonNameToken(**row) for row in token_rows_for(
            person_id=person.pk, full_name=person.full_name, regency_id=person.regency_id,
            agency_id=person.agency_id)
    ])


def person_create(
    *, actor, data: dict[str, Any], passport: dict[str, Any] | None = None,
    contacts: list[dict[str, Any]] | None = None, agency_public_id: str | None = None, via: str = "web",
) -> tuple[Person, list[dict]]:
    """Register a person. Returns the person and the possible duplicates the actor may see (each a
    ``{"person", "score", "reasons"}`` row, as ``selectors.duplicate_rows_for``); all are queued for review."""
    require_perm(actor, PERSON_WRITE)
    cleaned, warnings, passport_data = clean_registration(data, passport, ref=ReferenceIndex.load())
    contact_rows = [_clean_contact(c, index=i) for i, c in enumerate(contacts or [])]
    agency = _resolve_agency(actor, agency_public_id)
    existing = Person.objects.filter(nik=cleaned["nik"]).first()
    if existing is not None:
        raise Conflict(_("A person with NIK %(nik)s is already registered.") % {"nik": cleaned["nik"]},
                       fields={"nik": [_("Already registered.")]})
    if passport_data and Passport.objects.filter(number=passport_data["number"]).exists():
        raise Conflict(_("Passport %(n)s is already on record.") % {"n": passport_data["number"]},
                       fields=passport_taken_fields())
    try:
        with transaction.atomic():
            person = Person.objects.create(
                **cleaned, name_key=name_key(cleaned["full_name"]), nik_warnings=warnings, agency=agency,
                created_by=actor,
            )
            _check_in_scope(actor, person)
            _write_tokens(person)
            if passport_data:
                Passport.objects.create(person=person, **passport_data)
            for row in contact_rows:
                FamilyContact.objects.create(person=person, **row)
            audit_record(actor=actor, action="person.created", obj=person, via=via, changes=created_changes(person))
            matches = duplicate_scan(person=person, actor=actor, via=via)
    except IntegrityError:
        raise Conflict(_("A person with this NIK or passport is already registered."))
    # Every candidate is queued for the officers who may see both records; the registering actor
    # is only told about the ones in their own scope.
    return _shown(person), selectors.duplicate_rows_for(actor, matches)


def person_update(*, actor, public_id, data: dict[str, Any], reason: str = "", via: str = "web") -> Person:
    require_perm(actor, PERSON_WRITE)
    if "nik" in data and not reason.strip():
        raise ValidationFailed.from_fields({"reason": _("A reason is required to correct a NIK.")})
    ref = ReferenceIndex.load()
    with transaction.atomic():
        person = _writable_person(actor, public_id)
        if person.merged_into_id:
            raise Conflict(_("This record was merged into another; edit the surviving record."))
        cleaned, _warnings = clean_person(data, ref=ref, partial=True)
        before = snapshot(person, AUDITED_FIELDS)
        for name, value in cleaned.items():
            setattr(person, name, value)
        # Re-derive the NIK warnings from the full record, not only from the changed fields.
        _ignored, person.nik_warnings = clean_person(
            {"nik": person.nik, "sex": person.sex, "birth_date": person.birth_date}, ref=ref, partial=True
        )
        if "nik" in cleaned and Person.objects.filter(nik=person.nik).exclude(pk=person.pk).exists():
            raise Conflict(_("A person with NIK %(nik)s is already registered.") % {"nik": person.nik},
                           fields={"nik": [_("Already registered.")]})
        person.name_key = name_key(person.full_name)
        person.save()
        _check_in_scope(actor, person)
        changes = diff(before, snapshot(person, AUDITED_FIELDS))
        if {"full_name", "regency", "agency"} & set(changes):
            _write_tokens(person)
        if changes:
            audit_record(actor=actor, action="person.updated", obj=person, changes=changes, reason=reason, via=via)
    return _shown(person)


def passport_add(*, actor, public_id, data: dict[str, Any], via: str = "web") -> Passport:
    """Record a new passport; earlier ones stay as history and stop being current."""
    require_perm(actor, PERSON_WRITE)
    cleaned = clean_passport(data)
    with transaction.atomic():
        person = _writable_person(actor, public_id)
        if Passport.objects.filter(number=cleaned["number"]).exists():
            raise Conflict(_("Passport %(n)s is already on record.") % {"n": cleaned["number"]},
                           fields={"passport.number": [_("Already on record.")]})
        person.passports.filter(is_current=True).update(is_current=False)
        passport = Passport.objects.create(person=person, **cleaned)
        audit_record(actor=actor, action="person.passport_added", obj=person, via=via,
                     changes={"passport": [None, cleaned["number"]]})
    return passport


def _clean_contact(raw: dict[str, Any], *, index: int | None = None) -> dict:
    prefix = f"contacts.{index}." if index is not None else ""
    errors = {}
    name = str(raw.get("name") or "").strip()
    if not name:
        errors[f"{prefix}name"] = [_("This field is required.")]
    relationship = str(raw.get("relationship") or "").strip().lower()
    if relationship not in FamilyContact.Relationship.values:
        errors[f"{prefix}relationship"] = [
            _("Must be one of: %(c)s.") % {"c": ", ".join(FamilyContact.Relationship.values)}
        ]
    if errors:
        raise ValidationFailed.from_fields(errors)
    return {"name": name[:150], "relationship": relationship, "phone": str(raw.get("phone") or "")[:20],
            "address": str(raw.get("address") or "")[:255], "is_heir": bool(raw.get("is_heir"))}


def contact_add(*, actor, public_id, data: dict[str, Any], via: str = "web") -> FamilyContact:
    require_perm(actor, PERSON_WRITE)
    cleaned = _clean_contact(data)
    with transaction.atomic():
        person = _writable_person(actor, public_id)
        contact = FamilyContact.objects.create(person=person, **cleaned)
        audit_record(actor=actor, action="person.contact_added", obj=person, via=via,
                     changes={"contact": [None, f"{contact.name} ({contact.relationship})"]})
    return contact


def contact_remove(*, actor, public_id, contact_id: int, reason: str = "", via: str = "web") -> None:
    require_perm(actor, PERSON_WRITE)
    with transaction.atomic():
        person = _writable_person(actor, public_id)
        contact = person.contacts.filter(pk=contact_id).first()
        if contact is None:
            raise NotFound(_("Contact not found."))
        label = f"{contact.name} ({contact.relationship})"
        contact.delete()
        audit_record(actor=actor, action="person.contact_removed", obj=person, via=via, reason=reason,
                     changes={"contact": [label, None]})


def duplicate_scan(*, person: Person, actor, via: str = "web") -> list[duplicates.Match]:
    """Find and queue duplicate candidates for a stored person. Pairs already decided stay decided."""
    matches = selectors.duplicate_matches(selectors.profile_of(person))
    for match in matches:
        a, b = sorted((person.pk, match.other_id))
        candidate, created = DuplicateCandidate.objects.get_or_create(
            person_a_id=a, person_b_id=b, defaults={"score": match.score, "reasons": match.reasons}
        )
        if not created and candidate.status == DuplicateCandidate.Status.PENDING:
            candidate.score, candidate.reasons = match.score, match.reasons
            candidate.save(update_fields=["score", "reasons"])
        if created:
            audit_record(actor=actor, action="duplicate.flagged", obj=candidate, via=via,
                         changes={"score": [None, match.score]})
    return matches


def duplicate_rescan(*, actor, public_id, via: str = "web") -> list[duplicates.Match]:
    require_perm(actor, PERSON_MERGE)
    with transaction.atomic():
        person = _writable_person(actor, public_id)
        return duplicate_scan(person=person, actor=actor, via=via)


def duplicate_decide(*, actor, candidate_id: int, same_person: bool, survivor=None,
                     note: str = "", via: str = "web") -> DuplicateCandidate:
    """'Same person' merges the pair (reversibly); 'different' is remembered so the pair is not raised again."""
    require_perm(actor, PERSON_MERGE)
    with transaction.atomic():
        visible = Person.objects.visible_to(actor)
        candidate = (DuplicateCandidate.objects.filter(pk=candidate_id, person_a__in=visible, person_b__in=visible)
                     .select_related("person_a", "person_b").first())
        if candidate is None:
            raise NotFound(_("Duplicate candidate not found."))
        if candidate.status != DuplicateCandidate.Status.PENDING:
            raise Conflict(_("This pair has already been decided."))
        if same_person:
            pair = {candidate.person_a_id, candidate.person_b_id}
            by_public_id = {str(candidate.person_a.public_id): candidate.person_a_id,
                            str(candidate.person_b.public_id): candidate.person_b_id}
            if survivor and str(survivor) not in by_public_id:
                raise ValidationFailed.from_fields({"survivor": _("Must be one of the two records of the pair.")})
            survivor_id = by_public_id.get(str(survivor), candidate.person_a_id)
            (duplicate,) = pair - {survivor_id}
            _merge(actor=actor, survivor_id=survivor_id, duplicate_id=duplicate, reason=note, via=via)
            candidate.status = DuplicateCandidate.Status.SAME
        else:
            candidate.status = DuplicateCandidate.Status.DIFFERENT
        candidate.decided_by, candidate.decided_at, candidate.note = actor, timezone.now(), note
        candidate.save(update_fields=["status", "decided_by", "decided_at", "note"])
        audit_record(actor=actor, action="duplicate.decided", obj=candidate, via=via, reason=note,
                     changes={"status": [DuplicateCandidate.Status.PENDING, candidate.status]})
    return candidate


def _merge(*, actor, survivor_id: int, duplicate_id: int, reason: str, via: str) -> None:
    duplicate = Person.objects.get(pk=duplicate_id)
    if duplicate.merged_into_id:
        raise Conflict(_("This record is already merged."))
    if Person.objects.filter(pk=survivor_id, merged_into__isnull=False).exists():
        raise Conflict(_("The surviving record is itself merged into another."))
    Person.objects.filter(pk=duplicate_id).update(merged_into_id=survivor_id, updated_at=timezone.now())
    PersonNameToken.objects.filter(person_id=duplicate_id).delete()  # merged records leave name search
    audit_record(actor=actor, action="person.merged", obj=duplicate, via=via, reason=reason,
                 changes={"merged_into": [None, survivor_id]})
    audit_record(actor=actor, action="person.absorbed", object_type="person", object_id=survivor_id, via=via,
                 reason=reason, changes={"absorbed": [None, duplicate_id]})


def person_unmerge(*, actor, public_id, reason: str, via: str = "web") -> Person:
    """Undo a merge: the record becomes independent again and its pair returns to review."""
    require_perm(actor, PERSON_MERGE)
    if not reason.strip():
        raise ValidationFailed.from_fields({"reason": _("A reason is required to undo a merge.")})
    with transaction.atomic():
        person = _writable_person(actor, public_id)
        if not person.merged_into_id:
            raise Conflict(_("This record is not merged."))
        survivor_id = person.merged_into_id
        Person.objects.filter(pk=person.pk).update(merged_into=None, updated_at=timezone.now())
        a, b = sorted((person.pk, survivor_id))
        DuplicateCandidate.objects.filter(person_a_id=a, person_b_id=b).update(
            status=DuplicateCandidate.Status.PENDING, decided_by=None, decided_at=None, note=""
        )
        audit_record(actor=actor, action="person.unmerged", obj=person, via=via, reason=reason,
                     changes={"merged_into": [survivor_id, None]})
        person.refresh_from_db()
        _write_tokens(person)
    return _shown(person)
