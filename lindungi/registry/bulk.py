"""Registering many people at once (file imports, migrations), beside the single-record
``services.person_create`` and with its rules: the same validation (``validation.clean_registration``),
the same company and scope rules, the same rows (person, name tokens, first passport) and the same
``person.created`` audit event for every person, written a chunk at a time with one multi-row
insert per table (``common.bulk.FastInsert``).

What differs is what a file needs and a form does not:

- a NIK already on record is not an error but ``existing`` (re-importing a file is safe);
- a NIK or passport number repeated within the batch (across calls with one ``PersonBulk``) is
  refused on the later row, naming the first;
- duplicate detection against *similar* records is not run per row (far too slow for large files):
  ``manage.py scan_duplicates`` queues the pairs afterwards, with the same scoring.

Call inside a transaction (the importer's chunk transaction); nothing is written for a refused row.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.audit.services import audit_rows
from lindungi.common.bulk import FastInsert, model_columns
from lindungi.common.errors import ValidationFailed
from lindungi.common.text import name_key
from lindungi.registry.models import Passport, Person, PersonNameToken, token_rows_for
from lindungi.registry.perms import PERSON_WRITE
from lindungi.registry.services import (
    _resolve_agency,
    created_changes,
    out_of_scope_fields,
    passport_taken_fields,
)
from lindungi.registry.validation import ReferenceIndex, clean_registration

CREATED, EXISTING, REFUSED = "created", "existing", "refused"


@dataclass
class PersonRow:
    """One person to register: ``data`` and ``passport`` as ``person_create`` takes them (passport
    None when the row has none); ``line`` identifies the row to the caller (a file line)."""

    line: int
    data: dict[str, Any]
    passport: dict[str, Any] | None = None


@dataclass
class RowResult:
    line: int
    status: str  # created / existing / refused
    fields: dict[str, list[str]] = field(default_factory=dict)
    person_id: int | None = None


class PersonBulk:
    """What one batch loads once (region codes, the company) and remembers across its calls (the
    NIKs and passport numbers already seen, with their first line)."""

    def __init__(self, *, actor, agency_public_id: str | None = None, via: str = "import",
                 import_batch_id: int | None = None, historical: bool = False):
        """``historical``: people migrated from the old system (``validation.clean_person``)."""
        require_perm(actor, PERSON_WRITE)
        self.actor = actor
        self.historical = historical
        self.via = via
        self.import_batch_id = import_batch_id
        self.ref = ReferenceIndex.load()
        self.agency = _resolve_agency(actor, agency_public_id)
        self.seen_nik: dict[str, int] = {}
        self.seen_passport: dict[str, int] = {}
        self.inserts = {model: FastInsert(model) for model in (Person, PersonNameToken, Passport)}

    def remember(self, line: int, *, nik: str = "", passport_number: str = "") -> None:
        """A row written before (a resumed batch): later repeats are still refused."""
        if nik:
            self.seen_nik.setdefault(nik, line)
        if passport_number:
            self.seen_passport.setdefault(passport_number, line)


@dataclass
class _Valid:
    row: PersonRow
    cleaned: dict
    warnings: list
    passport: dict | None


def person_bulk_create(*, actor, rows: Iterable[PersonRow], bulk: PersonBulk | None = None) -> list[RowResult]:
    """Register ``rows``; one result per row, in order. ``bulk`` carries a batch's state across
    calls (default: a fresh one for these rows)."""
    bulk = bulk or PersonBulk(actor=actor)
    if bulk.actor != actor:
        raise ValueError("bulk state belongs to another actor")
    results: dict[int, RowResult] = {}
    valid: list[_Valid] = []
    seen_nik: dict[str, int] = {}
    seen_passport: dict[str, int] = {}
    order = []
    for row in rows:
        order.append(row.line)
        try:
            cleaned, warnings, passport = clean_registration(row.data, row.passport, ref=bulk.ref,
                                                             historical=bulk.historical)
        except ValidationFailed as exc:
            results[row.line] = RowResult(row.line, REFUSED, exc.fields)
            continue
        errors: dict[str, list[str]] = {}
        first = bulk.seen_nik.get(cleaned["nik"]) or seen_nik.get(cleaned["nik"])
        if first:
            errors["nik"] = [_("NIK %(nik)s already appears on line %(line)d of this file.")
                             % {"nik": cleaned["nik"], "line": first}]
        number = passport["number"] if passport else ""
        first = number and (bulk.seen_passport.get(number) or seen_passport.get(number))
        if first:
            errors["passport.number"] = [_("Passport %(n)s already appears on line %(line)d of this file.")
                                         % {"n": number, "line": first}]
        if errors:
            results[row.line] = RowResult(row.line, REFUSED, errors)
            continue
        seen_nik[cleaned["nik"]] = row.line
        if number:
            seen_passport[number] = row.line
        valid.append(_Valid(row, cleaned, warnings, passport))

    with transaction.atomic():
        existing = dict(Person.objects.filter(nik__in=[v.cleaned["nik"] for v in valid])
                        .values_list("nik", "id")) if valid else {}
        fresh = []
        for v in valid:
            if v.cleaned["nik"] in existing:
                results[v.row.line] = RowResult(v.row.line, EXISTING, person_id=existing[v.cleaned["nik"]])
            else:
                fresh.append(v)
        numbers = [v.passport["number"] for v in fresh if v.passport]
        taken = set(Passport.objects.filter(number__in=numbers).values_list("number", flat=True)) if numbers else ()
        for v in [v for v in fresh if v.passport and v.passport["number"] in taken]:
            results[v.row.line] = RowResult(v.row.line, REFUSED, passport_taken_fields())
        fresh = [v for v in fresh if not (v.passport and v.passport["number"] in taken)]
        for v, person_id in _insert(bulk, fresh, results):
            results[v.row.line] = RowResult(v.row.line, CREATED, person_id=person_id)

    for v in valid:  # rows that stand (created or already on record) are seen from now on
        if results[v.row.line].status != REFUSED:
            bulk.seen_nik.setdefault(v.cleaned["nik"], v.row.line)
            if v.passport:
                bulk.seen_passport.setdefault(v.passport["number"], v.row.line)
    return [results[line] for line in order]


def _insert(bulk: PersonBulk, fresh: list[_Valid], results: dict[int, RowResult]) -> list[tuple[_Valid, int]]:
    """Person rows; then the scope check ``person_create`` makes (the stored record must be visible
    to the actor), set-based, removing the rows that fail it; then name tokens, passports and one
    ``person.created`` audit event each."""
    if not fresh:
        return []
    actor = bulk.actor
    people = []
    for v in fresh:
        person = Person(**v.cleaned, name_key=name_key(v.cleaned["full_name"]), nik_warnings=v.warnings,
                        agency=bulk.agency, created_by_id=actor.pk, import_batch_id=bulk.import_batch_id)
        people.append(person)
    bulk.inserts[Person].insert([model_columns(p) for p in people])
    ids = dict(Person.objects.filter(nik__in=[p.nik for p in people]).values_list("nik", "id"))
    visible = set(Person.objects.visible_to(actor).filter(pk__in=ids.values()).values_list("pk", flat=True))
    outside = [v for v in fresh if ids[v.cleaned["nik"]] not in visible]
    if outside:
        Person.objects.filter(pk__in=[ids[v.cleaned["nik"]] for v in outside]).delete()
        for v in outside:
            results[v.row.line] = RowResult(v.row.line, REFUSED, out_of_scope_fields())
    kept = [(v, p) for v, p in zip(fresh, people, strict=True) if ids[v.cleaned["nik"]] in visible]
    tokens, passports = [], []
    audit = audit_rows(actor=actor, action="person.created", object_type="person", via=bulk.via)
    for v, person in kept:
        person.pk = ids[person.nik]
        tokens.extend(token_rows_for(person_id=person.pk, full_name=person.full_name, regency_id=person.regency_id,
                                     agency_id=person.agency_id))
        if v.passport:
            passports.append(dict(v.passport, person_id=person.pk))
        audit.add(object_id=person.pk, changes=created_changes(person))
    bulk.inserts[PersonNameToken].insert(tokens)
    bulk.inserts[Passport].insert(passports)
    audit.write()
    return [(v, person.pk) for v, person in kept]
